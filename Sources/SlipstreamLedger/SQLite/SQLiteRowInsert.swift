import GRDB
import GRDBSQLite

/// A cached INSERT of a fixed number of rows whose values are bound straight to the SQLite
/// statement.
///
/// GRDB's `StatementArguments` boxes every value as `any DatabaseValueConvertible` and then
/// binds a copy of it; for the ledger's 20-column rows that cost more than SQLite's own
/// insert. This copies the rows' values into one reusable byte buffer, binds each as a slice
/// of it without a copy (`SQLITE_STATIC`), steps the statement while the buffer is alive, and
/// resets the statement and clears its bindings before the buffer changes, so no binding
/// ever points at released memory. The statement belongs to GRDB's per-connection cache; it
/// is used only inside the write transaction of the connection that prepared it.
///
/// A statement of several rows (`VALUES (…), (…), …`) opens the table's and its indexes'
/// cursors once for all of them instead of once per row.
struct SQLiteRowInsert {
  private let statement: Statement
  /// Rows per execution.
  let rowCount: Int

  /// Prepares (or takes from the connection's cache) `INSERT INTO table (columns) VALUES (?, …)`
  /// with `rowCount` rows of placeholders.
  /// - Throws: GRDB's `DatabaseError` if the statement does not compile.
  init(_ db: Database, table: String, columns: [String], rowCount: Int = 1, onConflict: String = "") throws {
    precondition(rowCount >= 1)
    let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    let values = Array(repeating: row, count: rowCount).joined(separator: ", ")
    // Several rows under the default ABORT would make SQLite keep a statement journal (a
    // copy of every page the statement changes, to undo just the statement); ROLLBACK ends
    // the whole transaction on a constraint instead, which is what the ledger does anyway.
    let verb = rowCount > 1 && onConflict.isEmpty ? "INSERT OR ROLLBACK" : "INSERT"
    let sql = "\(verb) INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values)"
    statement = try db.cachedStatement(sql: onConflict.isEmpty ? sql : "\(sql) \(onConflict)")
    self.rowCount = rowCount
  }

  /// Inserts one row of texts; SQLite's column affinity turns integer texts into integers.
  /// - Throws: as ``insert(rows:scratch:)``.
  func insert(_ values: [String], scratch: inout SQLiteRowScratch) throws {
    try insert(rows: CollectionOfOne(values), scratch: &scratch)
  }

  /// Inserts `rows` (exactly ``rowCount`` of them), one text per placeholder each; SQLite's
  /// column affinity turns integer texts into integers.
  ///
  /// - Parameters:
  ///   - rows: The rows (empty texts are bound as '', not NULL).
  ///   - scratch: Buffers reused across executions to hold the values' bytes during the step.
  /// - Throws: GRDB's `DatabaseError` with SQLite's code and message (e.g. a constraint); then
  ///   none of the rows is inserted.
  func insert(rows: some Collection<[String]>, scratch: inout SQLiteRowScratch) throws {
    precondition(rows.count == rowCount, "\(rows.count) rows for an INSERT of \(rowCount)")
    scratch.bytes.removeAll(keepingCapacity: true)
    scratch.ends.removeAll(keepingCapacity: true)
    for values in rows {
      for value in values {
        var value = value
        value.withUTF8 { scratch.bytes.append(contentsOf: $0) }
        scratch.ends.append(scratch.bytes.count)
      }
    }
    // A terminator, so the buffer is never empty and every slice has a valid address.
    scratch.bytes.append(0)
    let handle = statement.sqliteStatement
    defer {
      sqlite3_reset(handle)
      sqlite3_clear_bindings(handle)
    }
    let ends = scratch.ends
    try scratch.bytes.withUnsafeBytes { bytes in
      let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
      var start = 0
      for (index, end) in ends.enumerated() {
        let code = sqlite3_bind_text(handle, CInt(index + 1), base + start, CInt(end - start), nil)
        guard code == SQLITE_OK else { throw error(code) }
        start = end
      }
      let code = sqlite3_step(handle)
      guard code == SQLITE_DONE else { throw error(code) }
    }
  }

  private func error(_ code: CInt) -> DatabaseError {
    let connection = sqlite3_db_handle(statement.sqliteStatement)
    let message = connection.map { String(cString: sqlite3_errmsg($0)) }
    let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
    return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
  }
}

/// The buffers ``SQLiteRowInsert`` reuses across rows: the values' bytes and where each ends.
struct SQLiteRowScratch {
  var bytes: [UInt8] = []
  var ends: [Int] = []

  init() {
    bytes.reserveCapacity(4_096)
    ends.reserveCapacity(32)
  }
}

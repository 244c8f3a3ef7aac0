import GRDB
import GRDBSQLite

/// A cached single-row INSERT whose values are bound straight to the SQLite statement.
///
/// GRDB's `StatementArguments` boxes every value as `any DatabaseValueConvertible` and then
/// binds a copy of it; for the ledger's 20-column rows that cost more than SQLite's own
/// insert. This copies a row's values into one reusable byte buffer, binds each as a slice of
/// it without a copy (`SQLITE_STATIC`), steps the statement while the buffer is alive, and
/// resets the statement and clears its bindings before the buffer changes, so no binding
/// ever points at released memory. The statement belongs to GRDB's per-connection cache; it
/// is used only inside the write transaction of the connection that prepared it.
struct SQLiteRowInsert {
  private let statement: Statement

  /// Prepares (or takes from the connection's cache) `INSERT INTO table (columns) VALUES (?, …)`.
  /// - Throws: GRDB's `DatabaseError` if the statement does not compile.
  init(_ db: Database, table: String, columns: [String], onConflict: String = "") throws {
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
    statement = try db.cachedStatement(sql: onConflict.isEmpty ? sql : "\(sql) \(onConflict)")
  }

  /// Inserts one row of texts; SQLite's column affinity turns integer texts into integers.
  ///
  /// - Parameters:
  ///   - values: The row, one text per placeholder (empty texts are bound as '', not NULL).
  ///   - scratch: Buffers reused across rows to hold the values' bytes during the step.
  /// - Throws: GRDB's `DatabaseError` with SQLite's code and message (e.g. a constraint).
  func insert(_ values: [String], scratch: inout SQLiteRowScratch) throws {
    scratch.bytes.removeAll(keepingCapacity: true)
    scratch.ends.removeAll(keepingCapacity: true)
    for value in values {
      var value = value
      value.withUTF8 { scratch.bytes.append(contentsOf: $0) }
      scratch.ends.append(scratch.bytes.count)
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

import GRDB
import GRDBSQLite

/// A cached single-row INSERT whose values are bound straight to the SQLite statement.
///
/// GRDB's `StatementArguments` boxes every value as `any DatabaseValueConvertible` and then
/// binds it; for the ledger's 20-column rows that conversion cost more than SQLite's own
/// insert. This binds each text with one `sqlite3_bind_text` (SQLite copies it) and steps the
/// statement. The statement belongs to GRDB's per-connection cache; it is used only inside
/// the write transaction of the connection that prepared it, and is reset after every row.
struct SQLiteRowInsert {
  /// SQLite's "copy the bytes now" destructor.
  private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

  private let statement: Statement

  /// Prepares (or takes from the connection's cache) `INSERT INTO table (columns) VALUES (?, …)`.
  /// - Throws: GRDB's `DatabaseError` if the statement does not compile.
  init(_ db: Database, table: String, columns: [String], onConflict: String = "") throws {
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
    statement = try db.cachedStatement(sql: onConflict.isEmpty ? sql : "\(sql) \(onConflict)")
  }

  /// Inserts one row; SQLite's column affinity turns integer texts into integers.
  /// - Throws: GRDB's `DatabaseError` with SQLite's code and message (e.g. a constraint).
  func insert(_ values: [String]) throws {
    let handle = statement.sqliteStatement
    defer {
      sqlite3_reset(handle)
      sqlite3_clear_bindings(handle)
    }
    for (index, value) in zip(CInt(1)..., values) {
      var text = value
      let code = text.withUTF8 { bytes in
        sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, CInt(bytes.count), Self.transient)
      }
      guard code == SQLITE_OK else { throw error(code) }
    }
    let code = sqlite3_step(handle)
    guard code == SQLITE_DONE else { throw error(code) }
  }

  private func error(_ code: CInt) -> DatabaseError {
    let connection = sqlite3_db_handle(statement.sqliteStatement)
    let message = connection.map { String(cString: sqlite3_errmsg($0)) }
    let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
    return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
  }
}

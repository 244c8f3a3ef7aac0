import GRDB

extension LedgerBatchRows {
  /// Rows per execution of the cached multi-row INSERTs.
  static let sqliteRowsPerInsert = 32

  /// Inserts the batch's rows through cached statements of ``sqliteRowsPerInsert`` rows (the
  /// rest of a table's rows one by one): each is parsed once per connection and then only
  /// bound and stepped, instead of parsing one statement with thousands of placeholders per
  /// batch, and a step opens the table's and its indexes' cursors once for many rows.
  /// - Throws: GRDB's `DatabaseError` (the caller's transaction rolls back).
  func insert(into db: Database) throws {
    var scratch = SQLiteRowScratch()
    func insert(_ rows: [[String]], into table: LedgerTable, onConflict: String = "") throws {
      guard !rows.isEmpty else { return }
      let columns = table.columns.map(\.name)
      var start = rows.startIndex
      let chunk = Self.sqliteRowsPerInsert
      if rows.count >= chunk {
        let statement = try SQLiteRowInsert(db, table: table.name, columns: columns, rowCount: chunk, onConflict: onConflict)
        while rows.endIndex - start >= chunk {
          try statement.insert(rows: rows[start..<(start + chunk)], scratch: &scratch)
          start += chunk
        }
      }
      guard start < rows.endIndex else { return }
      let single = try SQLiteRowInsert(db, table: table.name, columns: columns, onConflict: onConflict)
      for row in rows[start...] { try single.insert(row, scratch: &scratch) }
    }
    for (table, rows) in tables { try insert(rows, into: table) }
    try insert(auditRows, into: LedgerSchema.auditLog)
    try insert(headRows, into: LedgerSchema.auditHeads, onConflict: LedgerSchema.auditHeadsUpsert)
  }
}

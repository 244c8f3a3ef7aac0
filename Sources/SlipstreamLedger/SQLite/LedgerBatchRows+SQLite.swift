import GRDB

extension LedgerBatchRows {
  /// Inserts the batch's rows through cached single-row statements: each table's INSERT is
  /// parsed once per connection and then only bound and stepped per row, instead of parsing
  /// one multi-row statement with thousands of placeholders per batch.
  /// - Throws: GRDB's `DatabaseError` (the caller's transaction rolls back).
  func insert(into db: Database) throws {
    var scratch = SQLiteRowScratch()
    func insert(_ rows: [[String]], into table: LedgerTable, onConflict: String = "") throws {
      guard !rows.isEmpty else { return }
      let statement = try SQLiteRowInsert(db, table: table.name, columns: table.columns.map(\.name), onConflict: onConflict)
      for row in rows { try statement.insert(row, scratch: &scratch) }
    }
    for (table, rows) in tables { try insert(rows, into: table) }
    try insert(auditRows, into: LedgerSchema.auditLog)
    try insert(headRows, into: LedgerSchema.auditHeads, onConflict: LedgerSchema.auditHeadsUpsert)
  }
}

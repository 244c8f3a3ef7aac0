import GRDB

extension LedgerBatchRows {
  /// Inserts the batch's rows through cached single-row statements: each table's INSERT is
  /// parsed once per connection and then only bound and stepped per row, instead of parsing
  /// one multi-row statement with thousands of placeholders per batch.
  /// - Throws: GRDB's `DatabaseError` (the caller's transaction rolls back).
  func insert(into db: Database) throws {
    var scratch = SQLiteRowScratch()
    for (table, rows) in tables {
      let statement = try SQLiteRowInsert(db, table: table.name, columns: table.columns.map(\.name))
      for row in rows { try statement.insert(row, scratch: &scratch) }
    }
    if !auditEntries.isEmpty {
      let statement = try SQLiteRowInsert(
        db, table: "audit_log", columns: ["tenant_id", "seq", "kind", "record_id", "prev_hash", "hash"]
      )
      for (tenantID, entry) in auditEntries {
        try statement.insert(
          [tenantID, String(entry.sequence), entry.kind, entry.recordID, entry.previousHash, entry.hash], scratch: &scratch
        )
      }
    }
    if !changedHeads.isEmpty {
      let statement = try SQLiteRowInsert(
        db, table: "audit_heads", columns: ["tenant_id", "seq", "hash"],
        onConflict: "ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
      )
      for (tenantID, head) in changedHeads.sorted(by: { $0.key < $1.key }) {
        try statement.insert([tenantID, String(head.sequence), head.hash], scratch: &scratch)
      }
    }
  }
}

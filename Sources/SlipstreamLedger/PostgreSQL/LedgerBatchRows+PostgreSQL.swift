extension LedgerBatchRows {
  /// The batch as PostgreSQL statements: one `INSERT … SELECT FROM unnest(…)` per table with
  /// one array parameter per column, so a batch of any size is a handful of statements whose
  /// text does not depend on the row count (nothing to re-parse per batch, no limit on bound
  /// parameters), and the audit-head upsert.
  func postgresStatements() -> [(sql: String, arguments: SQLArguments)] {
    var statements: [(sql: String, arguments: SQLArguments)] = []
    for (table, rows) in tables where !rows.isEmpty {
      statements.append(Self.unnestInsert(into: table.name, columns: table.columns, rows: rows))
    }
    if !auditEntries.isEmpty {
      let columns = [
        LedgerColumn("tenant_id"), LedgerColumn("seq", integer: true), LedgerColumn("kind"), LedgerColumn("record_id"),
        LedgerColumn("prev_hash"), LedgerColumn("hash"),
      ]
      let rows = auditEntries.map { tenantID, entry in
        [tenantID, String(entry.sequence), entry.kind, entry.recordID, entry.previousHash, entry.hash]
      }
      statements.append(Self.unnestInsert(into: "audit_log", columns: columns, rows: rows))
    }
    if !changedHeads.isEmpty {
      let heads = changedHeads.sorted { $0.key < $1.key }
      var arguments = SQLArguments(.postgres)
      let sql = "INSERT INTO audit_heads (tenant_id, seq, hash) SELECT t, s::bigint, h FROM unnest("
        + "\(arguments.bind(.textArray(heads.map(\.key))))::text[], "
        + "\(arguments.bind(.textArray(heads.map { String($0.value.sequence) })))::text[], "
        + "\(arguments.bind(.textArray(heads.map(\.value.hash))))::text[]) AS u(t, s, h) "
        + "ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
      statements.append((sql, arguments))
    }
    return statements
  }

  /// `INSERT INTO table (columns) SELECT … FROM unnest($1::text[], …)`, integer columns cast.
  private static func unnestInsert(into table: String, columns: [LedgerColumn], rows: [[String]]) -> (sql: String, arguments: SQLArguments) {
    var arguments = SQLArguments(.postgres)
    var arrays: [String] = []
    var selected: [String] = []
    for (index, column) in columns.enumerated() {
      arrays.append("\(arguments.bind(.textArray(rows.map { $0[index] })))::text[]")
      selected.append(column.isInteger ? "c\(index)::bigint" : "c\(index)")
    }
    let aliases = columns.indices.map { "c\($0)" }.joined(separator: ", ")
    let sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) SELECT \(selected.joined(separator: ", ")) "
      + "FROM unnest(\(arrays.joined(separator: ", "))) AS u(\(aliases))"
    return (sql, arguments)
  }
}

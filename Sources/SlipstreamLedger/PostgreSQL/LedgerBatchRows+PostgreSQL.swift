extension LedgerBatchRows {
  /// The batch as PostgreSQL statements: one `INSERT … SELECT FROM unnest(…)` per table with
  /// one array parameter per column, so a batch of any size is a handful of statements whose
  /// text does not depend on the row count (nothing to re-parse per batch, no limit on bound
  /// parameters), the audit-head upsert included.
  func postgresStatements() -> [(sql: String, arguments: SQLArguments)] {
    var statements: [(sql: String, arguments: SQLArguments)] = []
    for (table, rows) in tables where !rows.isEmpty {
      statements.append(Self.unnestInsert(rows, into: table))
    }
    if !auditEntries.isEmpty {
      statements.append(Self.unnestInsert(auditRows, into: LedgerSchema.auditLog))
    }
    if !changedHeads.isEmpty {
      statements.append(Self.unnestInsert(headRows, into: LedgerSchema.auditHeads, onConflict: LedgerSchema.auditHeadsUpsert))
    }
    return statements
  }

  /// `INSERT INTO table (columns) SELECT … FROM unnest($1::text[], …) [onConflict]`, integer
  /// columns cast.
  private static func unnestInsert(
    _ rows: [[String]],
    into table: LedgerTable,
    onConflict: String = ""
  ) -> (sql: String, arguments: SQLArguments) {
    var arguments = SQLArguments(.postgres)
    var arrays: [String] = []
    var selected: [String] = []
    for (index, column) in table.columns.enumerated() {
      arrays.append("\(arguments.bind(.textArray(rows.map { $0[index] })))::text[]")
      selected.append(column.isInteger ? "c\(index)::bigint" : "c\(index)")
    }
    let aliases = table.columns.indices.map { "c\($0)" }.joined(separator: ", ")
    let sql = "INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", "))) "
      + "SELECT \(selected.joined(separator: ", ")) FROM unnest(\(arrays.joined(separator: ", "))) AS u(\(aliases))"
    return (onConflict.isEmpty ? sql : "\(sql) \(onConflict)", arguments)
  }
}

/// The versioned schema migrations, the same for both stores.
///
/// A migration is applied once, in order, in its own transaction; its identifier is recorded
/// (by GRDB's `grdb_migrations` table under SQLite, by `ledger_schema_migrations` under
/// PostgreSQL). Released migrations never change: a schema change is a new migration.
package enum LedgerMigrations {
  /// One migration: its identifier and statements.
  package struct Migration: Sendable {
    package let identifier: String
    package let statements: [String]
  }

  /// Every migration for `dialect`, oldest first.
  package static func all(_ dialect: SQLDialect) -> [Migration] {
    [v1(dialect), v2(dialect), v3(dialect)]
  }

  /// The migrations to apply for `options`: all of them, or those up to and including
  /// `options.lastMigration`.
  package static func all(_ dialect: SQLDialect, _ options: LedgerStoreOptions) -> [Migration] {
    let migrations = all(dialect)
    guard let last = options.lastMigration else { return migrations }
    guard let index = migrations.firstIndex(where: { $0.identifier == last }) else {
      preconditionFailure("no ledger migration is called \(last)")
    }
    return Array(migrations[...index])
  }

  /// The tables whose rows are never updated or deleted.
  package static let appendOnlyTables = [
    LedgerSchema.tenantTrades.name, LedgerSchema.userTrades.name, LedgerSchema.routeDecisions.name,
    LedgerSchema.brokerConnections.name, LedgerSchema.auditLog.name,
  ]

  /// Makes the database itself refuse UPDATE and DELETE on the record tables, so a mistake
  /// in tooling cannot rewrite history (someone who drops the triggers first is caught by the
  /// audit chain instead).
  private static func v2(_ dialect: SQLDialect) -> Migration {
    var statements: [String] = []
    if dialect == .postgres {
      statements.append(
        "CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
      )
    }
    for table in appendOnlyTables { statements += appendOnlyTriggers(on: table, dialect) }
    return Migration(identifier: "v2-append-only", statements: statements)
  }

  /// The triggers that refuse UPDATE and DELETE on `table` (under PostgreSQL they call the
  /// function v2 creates).
  private static func appendOnlyTriggers(on table: String, _ dialect: SQLDialect) -> [String] {
    switch dialect {
    case .sqlite:
      ["UPDATE", "DELETE"].map { operation in
        "CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table) "
          + "BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END"
      }
    case .postgres:
      [
        "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) "
          + "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
      ]
    }
  }

  /// Keys the users' portfolio histories by user and time, the order they are read in, and
  /// drops their separate (tenant, trade id) key: a trade's id is already unique in the
  /// tenant ledger, which every trade is written to in the same transaction, so the second
  /// key only cost a random-order index insert per trade (measured with ledger-bench on
  /// SQLite at 2,048 recorders: +15–19 % durable trades/s). Under SQLite the table is rebuilt
  /// as a `WITHOUT ROWID` table clustered on that key (one B-tree instead of a row table and
  /// two indexes); under PostgreSQL the primary key is replaced and the index it makes
  /// redundant dropped. Existing rows are kept as they are (the audit chain still verifies).
  private static func v3(_ dialect: SQLDialect) -> Migration {
    let table = LedgerSchema.userTrades
    let key = "tenant_id, user_id, executed_at_ns, trade_id"
    switch dialect {
    case .sqlite:
      let columns = table.columns.map(\.name).joined(separator: ", ")
      let rebuilt = "\(table.name)_v3"
      return Migration(
        identifier: "v3-user-history-by-user",
        statements: [
          "CREATE TABLE \(rebuilt) (\(columnDefinitions(table, dialect)), PRIMARY KEY (\(key))) WITHOUT ROWID",
          "INSERT INTO \(rebuilt) (\(columns)) SELECT \(columns) FROM \(table.name)",
          // Dropping a table removes its indexes and triggers and fires no DELETE trigger.
          "DROP TABLE \(table.name)",
          "ALTER TABLE \(rebuilt) RENAME TO \(table.name)",
        ] + appendOnlyTriggers(on: table.name, dialect)
      )
    case .postgres:
      return Migration(
        identifier: "v3-user-history-by-user",
        statements: [
          "ALTER TABLE \(table.name) DROP CONSTRAINT \(table.name)_pkey",
          "ALTER TABLE \(table.name) ADD PRIMARY KEY (\(key))",
          "DROP INDEX user_portfolio_trades_executed",
        ]
      )
    }
  }

  private static func columnDefinitions(_ table: LedgerTable, _ dialect: SQLDialect) -> String {
    table.columns.map { "\($0.name) \($0.isInteger ? dialect.integerType : "TEXT") NOT NULL" }.joined(separator: ", ")
  }

  private static func v1(_ dialect: SQLDialect) -> Migration {
    func table(_ table: LedgerTable, primaryKey: String) -> String {
      "CREATE TABLE \(table.name) (\(columnDefinitions(table, dialect)), PRIMARY KEY (\(primaryKey)))"
    }
    let integer = dialect.integerType
    return Migration(
      identifier: "v1-two-path-ledger",
      statements: [
        // Path 1, the tenant ledger; its keys are the idempotency index.
        table(LedgerSchema.tenantTrades, primaryKey: "tenant_id, trade_id"),
        "CREATE UNIQUE INDEX ledger_trades_execution ON ledger_trades (tenant_id, broker, broker_execution_id) "
          + "WHERE broker_execution_id <> ''",
        "CREATE INDEX ledger_trades_executed ON ledger_trades (tenant_id, executed_at_ns, trade_id)",
        // Path 2, the users' portfolio histories.
        table(LedgerSchema.userTrades, primaryKey: "tenant_id, trade_id"),
        "CREATE INDEX user_portfolio_trades_executed ON user_portfolio_trades (tenant_id, user_id, executed_at_ns, trade_id)",
        table(LedgerSchema.routeDecisions, primaryKey: "tenant_id, decision_id"),
        table(LedgerSchema.brokerConnections, primaryKey: "tenant_id, audit_seq"),
        // The per-tenant hash chain over all three kinds of record, and its heads.
        "CREATE TABLE audit_log (tenant_id TEXT NOT NULL, seq \(integer) NOT NULL, kind TEXT NOT NULL, "
          + "record_id TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (tenant_id, seq))",
        "CREATE TABLE audit_heads (tenant_id TEXT NOT NULL PRIMARY KEY, seq \(integer) NOT NULL, hash TEXT NOT NULL)",
      ]
    )
  }
}

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
    [v1(dialect), v2(dialect)]
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
    switch dialect {
    case .sqlite:
      for table in appendOnlyTables {
        for operation in ["UPDATE", "DELETE"] {
          statements.append(
            "CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table) "
              + "BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END"
          )
        }
      }
    case .postgres:
      statements.append(
        "CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
      )
      for table in appendOnlyTables {
        statements.append(
          "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) "
            + "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        )
      }
    }
    return Migration(identifier: "v2-append-only", statements: statements)
  }

  private static func v1(_ dialect: SQLDialect) -> Migration {
    func table(_ table: LedgerTable, primaryKey: String) -> String {
      let columns = table.columns.map { "\($0.name) \($0.isInteger ? dialect.integerType : "TEXT") NOT NULL" }
      return "CREATE TABLE \(table.name) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(primaryKey)))"
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

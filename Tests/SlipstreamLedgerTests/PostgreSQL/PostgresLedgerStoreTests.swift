import Foundation
import SlipstreamDomain
import Testing
@testable import SlipstreamLedger

/// The PostgreSQL database the store tests run against, from `SLIPSTREAM_TEST_POSTGRES_URL`.
enum PostgresTestDatabase {
  static let url: String? = ProcessInfo.processInfo.environment["SLIPSTREAM_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
}

/// The store contract on PostgreSQL.
///
/// These tests need a server: they are SKIPPED (and reported as skipped, with this reason)
/// when `SLIPSTREAM_TEST_POSTGRES_URL` is unset. CI runs them with a throwaway cluster:
/// `export SLIPSTREAM_TEST_POSTGRES_URL="$(Tests/SlipstreamLedgerTests/postgres/start-throwaway-cluster.sh)"`.
/// Each test uses its own tenant ids, so runs can share one database.
@Suite(
  "PostgresLedgerStore",
  .enabled(
    if: PostgresTestDatabase.url != nil,
    "needs PostgreSQL: set SLIPSTREAM_TEST_POSTGRES_URL (Tests/SlipstreamLedgerTests/postgres/start-throwaway-cluster.sh prints one)"
  ),
  .timeLimit(.minutes(1))
)
struct PostgresLedgerStoreTests {
  private func withContract(_ body: (LedgerStoreContract) async throws -> Void) async throws {
    let url = try #require(PostgresTestDatabase.url)
    let store = try await PostgresLedgerStore(url: url, options: LedgerStoreOptions(now: LedgerFixtures.steppingClock()))
    let scope = "pg-\(UUID().uuidString.prefix(8))"
    let contract = LedgerStoreContract(
      store: store,
      execute: { try await store.unsafeExecute(sql: $0) },
      tamper: { table, sql in
        // Only this connection skips the triggers (session_replication_role needs a superuser,
        // which the throwaway cluster's user is).
        try await store.unsafeExecute(sql: "SET session_replication_role = replica", sql, "SET session_replication_role = DEFAULT")
      },
      scope: scope,
      openSecondWriter: { try await PostgresLedgerStore(url: url, options: LedgerStoreOptions(now: LedgerFixtures.steppingClock())) }
    )
    try await body(contract)
    try await store.close()
  }

  @Test func recordWritesBothPaths() async throws { try await withContract { try await $0.recordWritesBothPaths() } }
  @Test func missingUserIsRefused() async throws { try await withContract { try await $0.missingUserIsRefusedAndNothingIsWritten() } }
  @Test func retryReturnsTheOriginal() async throws { try await withContract { try await $0.retryReturnsTheOriginal() } }
  @Test func conflictingRetryIsRefused() async throws { try await withContract { try await $0.conflictingRetryIsRefusedAndNothingChanges() } }
  @Test func executionIDDuplicates() async throws { try await withContract { try await $0.executionIDDuplicatesAreDetected() } }
  @Test func routeDecisions() async throws { try await withContract { try await $0.routeDecisionsAreIdempotentAndImmutable() } }
  @Test func chainVerifies() async throws { try await withContract { try await $0.chainCoversEveryKindAndVerifies() } }
  @Test func recordTablesAreAppendOnly() async throws { try await withContract { try await $0.recordTablesAreAppendOnly() } }
  @Test func deletedRecordIsReported() async throws { try await withContract { try await $0.deletedRecordIsReported() } }
  @Test func concurrentRecords() async throws { try await withContract { try await $0.concurrentRecordsAreGroupCommittedExactlyOnce() } }
  @Test func storedIDsInABatchOfNewTrades() async throws { try await withContract { try await $0.storedIDsInABatchOfNewTrades() } }
  @Test func paging() async throws { try await withContract { try await $0.pagingIsStableAndFiltered() } }
  @Test func orderingIsNumeric() async throws { try await withContract { try await $0.orderingIsNumeric() } }
  @Test func headsMovedByAnotherWriter() async throws { try await withContract { try await $0.headsMovedByAnotherWriterAreNoticed() } }
  @Test func brokerConnections() async throws { try await withContract { try await $0.brokerConnectionsListLatestAndHistory() } }
  @Test func damagedBrokerConnection() async throws { try await withContract { try await $0.damagedBrokerConnectionIsAStorageError() } }
  @Test func alteredUserCopyKey() async throws { try await withContract { try await $0.alteredUserCopyKeyIsReported() } }

  @Test(arguments: SQLiteLedgerStoreTests.tamperings)
  func tamperingIsReported(_ tampering: (table: String, column: String, value: String)) async throws {
    try await withContract {
      try await $0.tamperingIsReportedAtTheAlteredLink(table: tampering.table, column: tampering.column, value: tampering.value)
    }
  }

  /// A database created before v3 (a fresh database in the test cluster, dropped afterwards)
  /// is migrated with its records intact; afterwards the old (tenant, trade id) key is gone.
  @Test func migratingUserHistoriesKeepsRecords() async throws {
    let url = try #require(PostgresTestDatabase.url)
    let database = "ledger_migration_\(UUID().uuidString.prefix(8).lowercased())"
    let admin = try await PostgresLedgerStore(url: url)
    try await admin.unsafeExecute(sql: "CREATE DATABASE \(database)")
    let migrated = try #require(URLComponents(string: url).map { components -> String? in
      var components = components
      components.path = "/\(database)"
      return components.string
    } ?? nil)
    do {
      try await UserHistoryMigrationCheck.run(tenant: "tenant-m") { try await PostgresLedgerStore(url: migrated, options: $0) }
      let store = try await PostgresLedgerStore(url: migrated)
      // Raises unless the old index is gone and the primary key is the new one.
      try await store.unsafeExecute(sql: """
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'user_portfolio_trades_executed') THEN
            RAISE EXCEPTION 'user_portfolio_trades_executed is still there';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'user_portfolio_trades_pkey'
                         AND indexdef LIKE '%(tenant_id, user_id, executed_at_ns, trade_id)') THEN
            RAISE EXCEPTION 'user_portfolio_trades is not keyed by user and time';
          END IF;
        END $$
        """)
      try await store.close()
    } catch {
      try? await admin.unsafeExecute(sql: "DROP DATABASE \(database)")
      try await admin.close()
      throw error
    }
    try await admin.unsafeExecute(sql: "DROP DATABASE \(database) WITH (FORCE)")
    try await admin.close()
  }

  /// A second store on the same database finds the migrations applied and the records there.
  @Test func reconnectingMigratesOnceAndKeepsRecords() async throws {
    let url = try #require(PostgresTestDatabase.url)
    let tenant = "pg-\(UUID().uuidString.prefix(8))"
    let first = try await LedgerStorageConfiguration.postgres(url: url).makeStore()
    let recorded = try await first.record(LedgerFixtures.trade("tr-1", tenant: tenant)).recordedTrade
    try await first.close()
    let second = try await PostgresLedgerStore(url: url)
    #expect(try await second.record(LedgerFixtures.trade("tr-1", tenant: tenant)) == .duplicate(recorded))
    try await second.close()
  }
}

/// URL parsing needs no server.
@Suite("PostgresURL")
struct PostgresURLTests {
  @Test func aFullURLIsTakenApart() throws {
    let url = try PostgresURL("postgres://led%40ger:s%3Acret@db.example:6543/ledger?sslmode=disable")
    #expect(url == PostgresURL(host: "db.example", port: 6543, user: "led@ger", password: "s:cret", database: "ledger", useTLS: false))
    let short = try PostgresURL("postgresql://ledger@127.0.0.1/ledger")
    #expect(short.port == 5432 && short.password == nil && short.useTLS)
  }

  @Test(arguments: [
    ("mysql://u@h/d", "must start with postgres:// (got 'mysql://u@h/d')"),
    ("postgres://h/d", "names no user (postgres://USER@host/db)"),
    ("postgres://u@h", "names no database (postgres://user@host/DATABASE)"),
    ("postgres://u@h:99999/d", "port '99999' is not a number in 1...65535"),
    ("postgres://u@:5432/d", "needs a user, a host and a database"),
  ])
  func malformedURLsAreRefused(_ text: String, _ reason: String) {
    #expect(throws: LedgerError.invalidArgument(field: "postgres.url", reason: reason)) { try PostgresURL(text) }
  }
}

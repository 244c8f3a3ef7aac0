import Foundation
import SlipstreamDomain
import Testing
@testable import SlipstreamLedger

/// The store contract on a real SQLite file in a fresh temporary directory per test.
@Suite("SQLiteLedgerStore")
struct SQLiteLedgerStoreTests {
  static let tamperings: [(table: String, column: String, value: String)] = [
    ("ledger_trades", "price", "1"),
    ("user_portfolio_trades", "quantity", "1000"),
    ("ledger_trades", "user_id", "u-9"),
  ]

  private func withContract(_ body: (LedgerStoreContract) async throws -> Void) async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("ledger.sqlite").path
    let store = try await SQLiteLedgerStore(path: path, options: LedgerStoreOptions(now: LedgerFixtures.steppingClock()))
    let contract = LedgerStoreContract(
      store: store,
      execute: { try await store.unsafeExecute(sql: $0) },
      tamper: { table, sql in
        try await store.unsafeExecute(sql: "DROP TRIGGER \(table)_no_update; DROP TRIGGER \(table)_no_delete; \(sql)")
      },
      scope: "sqlite",
      openSecondWriter: { try await SQLiteLedgerStore(path: path, options: LedgerStoreOptions(now: LedgerFixtures.steppingClock())) }
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

  @Test(arguments: tamperings)
  func tamperingIsReported(_ tampering: (table: String, column: String, value: String)) async throws {
    try await withContract {
      try await $0.tamperingIsReportedAtTheAlteredLink(table: tampering.table, column: tampering.column, value: tampering.value)
    }
  }

  @Test func reopeningKeepsRecordsAndMigratesOnce() async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("ledger.sqlite").path
    let first = try await SQLiteLedgerStore(path: path)
    let recorded = try await first.record(LedgerFixtures.trade("tr-1")).recordedTrade
    try await first.close()
    let second = try await LedgerStorageConfiguration.sqlite(path: path).makeStore()
    #expect(try await second.record(LedgerFixtures.trade("tr-1")) == .duplicate(recorded))
    try await second.close()
  }

  /// A database created before v3 is migrated with its records intact; afterwards the user
  /// history is one `WITHOUT ROWID` table (it has no rowid) keyed by user and time.
  @Test func migratingUserHistoriesKeepsRecords() async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("ledger.sqlite").path
    try await UserHistoryMigrationCheck.run(tenant: "tenant-m") { try await SQLiteLedgerStore(path: path, options: $0) }
    let store = try await SQLiteLedgerStore(path: path)
    await #expect(throws: (any Error).self) { try await store.unsafeExecute(sql: "SELECT rowid FROM user_portfolio_trades") }
    try await store.unsafeExecute(sql: "SELECT user_id FROM user_portfolio_trades")
    try await store.close()
  }

  /// Durability settings: WAL, the WAL synced at every commit (FULL = 2), a busy timeout.
  @Test func theDatabaseIsInWALWithFullSync() async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try await SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
    #expect(try await store.writerPragma("journal_mode") == "wal")
    #expect(try await store.writerPragma("synchronous") == "2")
    #expect(try await store.writerPragma("busy_timeout") == "10000")
    #expect(try await store.writerPragma("cache_size") == "-65536")
    #expect(try await store.writerPragma("wal_autocheckpoint") == "8192")
    try await store.close()
  }

  @Test func unopenableFileIsAStorageError() async throws {
    await #expect {
      try await SQLiteLedgerStore(path: "/nonexistent-directory/ledger.sqlite")
    } throws: { error in
      guard case LedgerError.storage(let reason)? = error as? LedgerError else { return false }
      return reason.contains("/nonexistent-directory/ledger.sqlite")
    }
  }

  @Test func writesAfterCloseAreRefused() async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try await SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
    try await store.close()
    await #expect(throws: LedgerError.closed) { try await store.record(LedgerFixtures.trade("tr-1")) }
  }
}

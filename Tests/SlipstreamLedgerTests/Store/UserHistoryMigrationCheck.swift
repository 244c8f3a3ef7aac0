import SlipstreamDomain
import Testing
@testable import SlipstreamLedger

/// Migration v3 (user histories keyed by user and time) on a database that already holds
/// records: a store opened at v2 records trades and a route decision, then a current store
/// opens the same database, migrates it, and must still return every record, answer a retry
/// with the original, record new trades on both paths and verify the whole audit chain.
enum UserHistoryMigrationCheck {
  static func run(tenant: String, open: @Sendable (LedgerStoreOptions) async throws -> any LedgerStore) async throws {
    var atV2 = LedgerStoreOptions(now: LedgerFixtures.steppingClock())
    atV2.lastMigration = "v2-append-only"
    let before = try await open(atV2)
    var recorded: [RecordedTrade] = []
    for index in 0..<6 {
      // Executed newest first, so the listing order differs from the recording order.
      let trade = LedgerFixtures.trade(
        "tr-\(index)", tenant: tenant, user: "u-\(index % 2)", executedAt: LedgerFixtures.baseTime - Int64(index)
      )
      recorded.append(try await before.record(trade).recordedTrade)
    }
    _ = try await before.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenant))
    try await before.close()

    let after = try await open(LedgerStoreOptions(now: LedgerFixtures.steppingClock()))
    let byTime = recorded.sorted { $0.trade.executedAt.nanosecondsSinceEpoch < $1.trade.executedAt.nanosecondsSinceEpoch }
    #expect(try await after.allTrades(matching: TradeListQuery(tenantID: tenant)) == byTime)
    for user in ["u-0", "u-1"] {
      #expect(
        try await after.allTrades(matching: TradeListQuery(tenantID: tenant, userID: user))
          == byTime.filter { $0.trade.userID == user }
      )
    }
    let retry = LedgerFixtures.trade("tr-3", tenant: tenant, user: "u-1", executedAt: LedgerFixtures.baseTime - 3)
    #expect(try await after.record(retry) == .duplicate(recorded[3]))
    let new = try await after.record(
      LedgerFixtures.trade("tr-6", tenant: tenant, user: "u-0", executedAt: LedgerFixtures.baseTime + 1)
    ).recordedTrade
    #expect(try await after.allTrades(matching: TradeListQuery(tenantID: tenant, userID: "u-0")).last == new)
    #expect(
      try await after.verifyAudit(tenantID: tenant, fromSequence: 0, toSequence: 0)
        == AuditVerification(entriesChecked: 8, firstBrokenLink: nil)
    )
    try await after.close()
  }
}

import SlipstreamDomain
import Testing
@testable import SlipstreamLedger

/// The behaviour every `LedgerStore` must have, run against SQLite always and against
/// PostgreSQL when one is configured. Each check uses its own tenant ids (prefixed with
/// `scope`) so runs can share a PostgreSQL database.
struct LedgerStoreContract {
  let store: any LedgerStore
  /// Runs raw SQL as is.
  let execute: @Sendable (String) async throws -> Void
  /// Runs raw SQL on a table as an intruder would: first removing its append-only guard.
  let tamper: @Sendable (_ table: String, _ sql: String) async throws -> Void
  let scope: String
  /// Opens another store on the same database, as a second ledger process would.
  let openSecondWriter: @Sendable () async throws -> any LedgerStore

  var tenantA: String { "\(scope)-tenant-a" }
  var tenantB: String { "\(scope)-tenant-b" }

  func trade(_ id: String, tenant: String? = nil, user: String = "u-1", quantity: String = "10", price: String = "187.23",
             executedAt: Int64 = LedgerFixtures.baseTime, execution: String = "", symbol: String = "AAPL",
             strategy: String = "", side: OrderSide = .buy) -> LedgerTrade {
    LedgerFixtures.trade(
      id, tenant: tenant ?? tenantA, user: user, strategy: strategy, symbol: symbol, side: side, quantity: quantity,
      price: price, executedAt: executedAt, execution: execution
    )
  }

  func both(_ tenant: String, user: String) async throws -> (tenant: [RecordedTrade], user: [RecordedTrade]) {
    (
      try await store.allTrades(matching: TradeListQuery(tenantID: tenant)),
      try await store.allTrades(matching: TradeListQuery(tenantID: tenant, userID: user))
    )
  }

  func recordWritesBothPaths() async throws {
    let outcome = try await store.record(trade("tr-1"))
    guard case .recorded(let recorded) = outcome else {
      Issue.record("expected .recorded, got \(outcome)")
      return
    }
    #expect(recorded.trade == trade("tr-1"))
    #expect(recorded.auditSequence == 1)
    #expect(recorded.trade.tenantLedgerPath == "tenants/\(tenantA)/ledger_trades/tr-1")
    #expect(recorded.trade.userHistoryPath == "users/u-1/portfolio/history/trades/tr-1")
    let (tenantPath, userPath) = try await both(tenantA, user: "u-1")
    #expect(tenantPath == [recorded])
    #expect(userPath == [recorded])
    #expect(try await store.trade(tenantID: tenantA, tradeID: "tr-1") == recorded)
  }

  func missingUserIsRefusedAndNothingIsWritten() async throws {
    await #expect(throws: LedgerError.missingUserID(tradeID: "tr-1")) {
      try await store.record(trade("tr-1", user: ""))
    }
    #expect(try await store.allTrades(matching: TradeListQuery(tenantID: tenantA)).isEmpty)
    #expect(try await store.allTrades(matching: TradeListQuery(tenantID: tenantA, userID: "")).isEmpty)
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0).entriesChecked == 0)
    #expect("\(LedgerError.missingUserID(tradeID: "tr-1"))".hasPrefix("Missing UID in metadata"))
  }

  func retryReturnsTheOriginal() async throws {
    let first = try await store.record(trade("tr-1"))
    let second = try await store.record(trade("tr-1"))
    #expect(second == .duplicate(first.recordedTrade))
    #expect(try await both(tenantA, user: "u-1").tenant.count == 1)
    #expect(try await both(tenantA, user: "u-1").user.count == 1)
  }

  func conflictingRetryIsRefusedAndNothingChanges() async throws {
    let first = try await store.record(trade("tr-1"))
    await #expect(throws: LedgerError.conflictingTrade(tradeID: "tr-1")) {
      try await store.record(trade("tr-1", quantity: "11"))
    }
    let (tenantPath, userPath) = try await both(tenantA, user: "u-1")
    #expect(tenantPath == [first.recordedTrade])
    #expect(userPath == [first.recordedTrade])
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0).entriesChecked == 1)
  }

  func executionIDDuplicatesAreDetected() async throws {
    let first = try await store.record(trade("tr-1", execution: "exec-9"))
    // The same fill re-sent under a new trade id is the original.
    #expect(try await store.record(trade("tr-2", execution: "exec-9")) == .duplicate(first.recordedTrade))
    // Another fill claiming the same execution id is refused.
    await #expect(throws: LedgerError.conflictingExecution(broker: "alpaca", brokerExecutionID: "exec-9", existingTradeID: "tr-1")) {
      try await store.record(trade("tr-3", price: "190", execution: "exec-9"))
    }
    #expect(try await both(tenantA, user: "u-1").tenant.map(\.trade.tradeID) == ["tr-1"])
    // Execution ids are per tenant.
    #expect(try await store.record(trade("tr-1", tenant: tenantB, execution: "exec-9")).isDuplicate == false)
  }

  func routeDecisionsAreIdempotentAndImmutable() async throws {
    let receipt = try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA))
    #expect(receipt.sequence == 1 && !receipt.duplicate && receipt.entryHash.count == 64)
    let again = try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA))
    #expect(again == AuditReceipt(sequence: 1, entryHash: receipt.entryHash, duplicate: true))
    await #expect(throws: LedgerError.conflictingDecision(decisionID: "d-1")) {
      try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA, reason: "spread too wide"))
    }
  }

  func chainCoversEveryKindAndVerifies() async throws {
    _ = try await store.record(trade("tr-1"))
    let decision = try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA))
    let connection = try await store.recordBrokerConnection(LedgerFixtures.connection(tenant: tenantA))
    _ = try await store.record(trade("tr-2", executedAt: LedgerFixtures.baseTime + 1))
    _ = try await store.record(trade("tr-1", tenant: tenantB))
    #expect(decision.sequence == 2)
    #expect(connection.sequence == 3)
    let verification = try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0)
    #expect(verification == AuditVerification(entriesChecked: 4, firstBrokenLink: nil))
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 2, toSequence: 3).entriesChecked == 2)
    #expect(try await store.verifyAudit(tenantID: tenantB, fromSequence: 0, toSequence: 0).entriesChecked == 1)
  }

  /// Alters one stored value with raw SQL; verification must name exactly that entry.
  func tamperingIsReportedAtTheAlteredLink(table: String, column: String, value: String) async throws {
    var receipts: [TradeRecordOutcome] = []
    for index in 1...3 {
      receipts.append(try await store.record(trade("tr-\(index)", executedAt: LedgerFixtures.baseTime + Int64(index))))
    }
    _ = try await store.record(trade("tr-2", tenant: tenantB))
    try await tamper(table, "UPDATE \(table) SET \(column) = '\(value)' WHERE tenant_id = '\(tenantA)' AND trade_id = 'tr-2'")
    let verification = try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0)
    #expect(!verification.intact)
    #expect(verification.entriesChecked == 2)
    let link = try #require(verification.firstBrokenLink)
    #expect(link.sequence == 2)
    #expect(link.recordKind == "trade")
    #expect(link.recordID == "tr-2")
    #expect(link.expectedHash.count == 64 && link.expectedHash != link.storedHash)
    // The other tenant's chain is untouched.
    #expect(try await store.verifyAudit(tenantID: tenantB, fromSequence: 0, toSequence: 0).intact)
    // Checking only after the altered entry finds nothing.
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 3, toSequence: 0).intact)
  }

  /// A user copy whose key (user, execution time) was altered is no longer the copy of its
  /// tenant ledger row: verification reports that trade's user copy missing.
  func alteredUserCopyKeyIsReported() async throws {
    for index in 1...3 {
      _ = try await store.record(trade("tr-\(index)", executedAt: LedgerFixtures.baseTime + Int64(index)))
    }
    try await tamper(
      "user_portfolio_trades",
      "UPDATE user_portfolio_trades SET user_id = 'u-9' WHERE tenant_id = '\(tenantA)' AND trade_id = 'tr-2'"
    )
    let link = try #require(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0).firstBrokenLink)
    #expect(link.sequence == 2 && link.recordKind == "trade" && link.recordID == "tr-2" && link.expectedHash == "")
    #expect(link.reason == "the record is missing from copy 2 of 2")
    // The user's history no longer lists it; the intruder's user does.
    #expect(try await store.allTrades(matching: TradeListQuery(tenantID: tenantA, userID: "u-1")).map(\.trade.tradeID) == ["tr-1", "tr-3"])
  }

  /// The database refuses UPDATE and DELETE on every record table.
  func recordTablesAreAppendOnly() async throws {
    _ = try await store.record(trade("tr-1"))
    _ = try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA))
    _ = try await store.recordBrokerConnection(LedgerFixtures.connection(tenant: tenantA))
    for table in LedgerMigrations.appendOnlyTables {
      await #expect(throws: (any Error).self, "UPDATE \(table)") {
        try await execute("UPDATE \(table) SET tenant_id = 'x' WHERE tenant_id = '\(tenantA)'")
      }
      await #expect(throws: (any Error).self, "DELETE \(table)") {
        try await execute("DELETE FROM \(table) WHERE tenant_id = '\(tenantA)'")
      }
    }
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0) == AuditVerification(entriesChecked: 3, firstBrokenLink: nil))
  }

  func deletedRecordIsReported() async throws {
    _ = try await store.record(trade("tr-1"))
    _ = try await store.recordRouteDecision(LedgerFixtures.decision("d-1", tenant: tenantA))
    try await tamper("route_decisions", "DELETE FROM route_decisions WHERE tenant_id = '\(tenantA)' AND decision_id = 'd-1'")
    let link = try #require(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0).firstBrokenLink)
    #expect(link.sequence == 2 && link.recordKind == "route_decision" && link.recordID == "d-1" && link.expectedHash == "")
  }

  func concurrentRecordsAreGroupCommittedExactlyOnce() async throws {
    // 1,000 concurrent records of 200 distinct trades (each sent 5 times).
    let outcomes = try await withThrowingTaskGroup(of: TradeRecordOutcome.self) { group in
      for copy in 0..<5 {
        for index in 0..<200 {
          group.addTask {
            try await store.record(trade("tr-\(index)", user: "u-\(index % 7)", executedAt: LedgerFixtures.baseTime + Int64(index)))
          }
        }
        _ = copy
      }
      var outcomes: [TradeRecordOutcome] = []
      for try await outcome in group { outcomes.append(outcome) }
      return outcomes
    }
    #expect(outcomes.filter { !$0.isDuplicate }.count == 200)
    #expect(Set(outcomes.map(\.recordedTrade)).count == 200)
    let tenantPath = try await store.allTrades(matching: TradeListQuery(tenantID: tenantA))
    #expect(tenantPath.count == 200)
    var userRows = 0
    for user in 0..<7 {
      userRows += try await store.allTrades(matching: TradeListQuery(tenantID: tenantA, userID: "u-\(user)")).count
    }
    #expect(userRows == 200)
    #expect(Set(tenantPath.map(\.auditSequence)) == Set(1...200))
    let verification = try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0)
    #expect(verification == AuditVerification(entriesChecked: 200, firstBrokenLink: nil))
  }

  /// A batch that mixes new trades with a retry and a conflicting fill of stored trades:
  /// the store first assumes every write is new, a unique key refuses that, and the batch is
  /// planned again against what is stored. Every outcome must be as if each came alone.
  func storedIDsInABatchOfNewTrades() async throws {
    let original = try await store.record(trade("tr-0", execution: "exec-0"))
    let outcomes = try await withThrowingTaskGroup(of: (String, Result<TradeRecordOutcome, LedgerError>).self) { group in
      group.addTask { ("retry", await Self.outcome(of: trade("tr-0", execution: "exec-0"), in: store)) }
      group.addTask { ("refill", await Self.outcome(of: trade("tr-9", price: "1", execution: "exec-0"), in: store)) }
      for index in 1...20 {
        group.addTask { ("tr-\(index)", await Self.outcome(of: trade("tr-\(index)", execution: "exec-\(index)"), in: store)) }
      }
      var outcomes: [String: Result<TradeRecordOutcome, LedgerError>] = [:]
      for try await (name, outcome) in group { outcomes[name] = outcome }
      return outcomes
    }
    let retry: Result<TradeRecordOutcome, LedgerError> = .success(.duplicate(original.recordedTrade))
    let refill: Result<TradeRecordOutcome, LedgerError> = .failure(
      .conflictingExecution(broker: "alpaca", brokerExecutionID: "exec-0", existingTradeID: "tr-0")
    )
    #expect(outcomes["retry"] == retry)
    #expect(outcomes["refill"] == refill)
    for index in 1...20 {
      #expect(outcomes["tr-\(index)"].flatMap { try? $0.get() }?.isDuplicate == false)
    }
    let (tenantPath, userPath) = try await both(tenantA, user: "u-1")
    #expect(Set(tenantPath.map(\.trade.tradeID)) == Set((0...20).map { "tr-\($0)" }))
    #expect(userPath == tenantPath)
    #expect(Set(tenantPath.map(\.auditSequence)) == Set(1...21))
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0) == AuditVerification(entriesChecked: 21, firstBrokenLink: nil))
  }

  /// Two writers on one database (two ledger processes), each planning batches in advance
  /// against the audit heads it expects: a head the other writer moved is noticed in the
  /// transaction and the write planned again, so the chain stays one unbroken line and each
  /// trade is in both paths once.
  func headsMovedByAnotherWriterAreNoticed() async throws {
    let other = try await openSecondWriter()
    var sequences: [String: UInt64] = [:]
    for (index, writer) in [store, store, other, store, other, other, store].enumerated() {
      let id = "tr-\(index + 1)"
      sequences[id] = try await writer.record(trade(id)).recordedTrade.auditSequence
    }
    #expect(sequences == Dictionary(uniqueKeysWithValues: (1...7).map { ("tr-\($0)", UInt64($0)) }))
    let (tenantPath, userPath) = try await both(tenantA, user: "u-1")
    #expect(tenantPath.map(\.trade.tradeID).sorted() == (1...7).map { "tr-\($0)" }.sorted())
    #expect(userPath == tenantPath)
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0) == AuditVerification(entriesChecked: 7, firstBrokenLink: nil))
    try await other.close()
  }

  /// Broker connection snapshots: the latest of each broker, one broker's history newest
  /// first with paging, every field as recorded, and only the tenant's own.
  func brokerConnectionsListLatestAndHistory() async throws {
    let connected = BrokerConnectionRecord(
      tenantID: tenantA, broker: "alpaca", state: .connected, assetClasses: [.equity, .crypto],
      feeSchedule: ["equity.commission": "0.005", "crypto.taker": "0.0025"], priority: 1,
      lastSync: Timestamp(nanosecondsSinceEpoch: LedgerFixtures.baseTime)
    )
    var down = connected
    down.state = .disconnected
    down.feeSchedule = [:]
    down.lastSync = nil
    let ibkr = BrokerConnectionRecord(tenantID: tenantA, broker: "ibkr", state: .degraded, assetClasses: [.options], priority: -3)
    var receipts: [AuditReceipt] = []
    for record in [connected, ibkr, down] {
      receipts.append(try await store.recordBrokerConnection(record))
    }
    _ = try await store.recordBrokerConnection(BrokerConnectionRecord(tenantID: tenantB, broker: "alpaca", state: .connected, assetClasses: []))
    #expect(receipts.map(\.sequence) == [1, 2, 3])

    let latest = try await store.brokerConnections(tenantID: tenantA, broker: nil, beforeSequence: nil, limit: 100)
    #expect(latest.map(\.record) == [down, ibkr])
    #expect(latest.map(\.auditSequence) == [3, 2])
    let history = try await store.brokerConnections(tenantID: tenantA, broker: "alpaca", beforeSequence: nil, limit: 100)
    #expect(history.map(\.record) == [down, connected])
    #expect(try await store.brokerConnections(tenantID: tenantA, broker: "alpaca", beforeSequence: nil, limit: 1).map(\.auditSequence) == [3])
    #expect(try await store.brokerConnections(tenantID: tenantA, broker: "alpaca", beforeSequence: 3, limit: 100).map(\.auditSequence) == [1])
    #expect(try await store.brokerConnections(tenantID: tenantA, broker: "kraken", beforeSequence: nil, limit: 100).isEmpty)
    let other = try await store.brokerConnections(tenantID: tenantB, broker: nil, beforeSequence: nil, limit: 100)
    #expect(other.map(\.record.tenantID) == [tenantB])
    #expect(try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0) == AuditVerification(entriesChecked: 3, firstBrokenLink: nil))
  }

  /// A snapshot altered outside the service into something that does not decode is a storage
  /// error naming the record and the value, not a silently wrong listing; the audit chain
  /// reports the altered entry too.
  func damagedBrokerConnectionIsAStorageError() async throws {
    _ = try await store.recordBrokerConnection(
      BrokerConnectionRecord(tenantID: tenantA, broker: "alpaca", state: .connected, assetClasses: [.equity]))
    try await tamper(
      "broker_connections", "UPDATE broker_connections SET state = 'exploded' WHERE tenant_id = '\(tenantA)' AND broker = 'alpaca'")
    for broker in [nil, "alpaca"] as [String?] {
      do {
        let listed = try await store.brokerConnections(tenantID: tenantA, broker: broker, beforeSequence: nil, limit: 10)
        Issue.record("a damaged snapshot was listed: \(listed)")
      } catch {
        guard case .storage(let reason) = error else {
          Issue.record("expected a storage error, got \(error)")
          continue
        }
        #expect(reason.contains("alpaca") && reason.contains("state 'exploded'"), "\(reason)")
      }
    }
    let verification = try await store.verifyAudit(tenantID: tenantA, fromSequence: 0, toSequence: 0)
    #expect(verification.firstBrokenLink?.sequence == 1)
  }

  private static func outcome(of trade: LedgerTrade, in store: any LedgerStore) async -> Result<TradeRecordOutcome, LedgerError> {
    do {
      return .success(try await store.record(trade))
    } catch {
      return .failure(error)
    }
  }

  /// Times order as numbers, not as their text (9 < 10 < 100), in listings and in the chain.
  func orderingIsNumeric() async throws {
    for (id, executedAt) in [("tr-a", Int64(100)), ("tr-b", 9), ("tr-c", 10)] {
      _ = try await store.record(trade(id, executedAt: executedAt))
    }
    let listed = try await store.listTrades(TradeListQuery(tenantID: tenantA, pageSize: 2))
    #expect(listed.trades.map(\.trade.executedAt.nanosecondsSinceEpoch) == [9, 10])
    let rest = try await store.listTrades(TradeListQuery(tenantID: tenantA, after: listed.next))
    #expect(rest.trades.map(\.trade.executedAt.nanosecondsSinceEpoch) == [100])
  }

  func pagingIsStableAndFiltered() async throws {
    // 25 trades, several sharing an execution time, two symbols, two strategies.
    for index in 0..<25 {
      _ = try await store.record(
        trade(
          String(format: "tr-%02d", 24 - index), executedAt: LedgerFixtures.baseTime + Int64(index / 3),
          symbol: index.isMultiple(of: 2) ? "AAPL" : "BTC/USD", strategy: index.isMultiple(of: 5) ? "momentum" : "carry"
        )
      )
    }
    let all = try await store.allTrades(matching: TradeListQuery(tenantID: tenantA))
    #expect(all.count == 25)
    let keys = all.map { ($0.trade.executedAt.nanosecondsSinceEpoch, $0.trade.tradeID) }
    #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })

    var paged: [RecordedTrade] = []
    var query = TradeListQuery(tenantID: tenantA, pageSize: 10)
    var pages = 0
    repeat {
      let page = try await store.listTrades(query)
      paged += page.trades
      pages += 1
      query.after = try page.next.map { cursor throws(LedgerError) in try TradeCursor(token: cursor.token) }
      // A trade recorded meanwhile, earlier than the cursor, does not shift later pages.
      if pages == 1 { _ = try await store.record(trade("tr-late", executedAt: LedgerFixtures.baseTime - 1)) }
    } while query.after != nil && pages < 10
    #expect(pages == 3)
    #expect(paged == all)

    let filtered = try await store.allTrades(
      matching: TradeListQuery(
        tenantID: tenantA,
        executedFrom: Timestamp(nanosecondsSinceEpoch: LedgerFixtures.baseTime + 2),
        executedBefore: Timestamp(nanosecondsSinceEpoch: LedgerFixtures.baseTime + 6),
        symbols: ["AAPL"], strategyIDs: ["momentum"]
      )
    )
    // Indices 6..<18 executed in [base+2, base+6); of those AAPL (even) and momentum (multiple of 5): 10.
    #expect(filtered.map(\.trade.tradeID) == ["tr-14"])
  }
}

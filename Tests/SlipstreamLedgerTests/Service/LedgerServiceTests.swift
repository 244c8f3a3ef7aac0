import Foundation
import SlipstreamAPI
import SlipstreamDomain
import SlipstreamRPC
import SlipstreamWire
import Testing
@testable import SlipstreamLedger

/// The service end to end over the in-process transport, on a real SQLite file.
@Suite("LedgerService", .timeLimit(.minutes(1)))
struct LedgerServiceTests {
  static let tenantA: Metadata = ["authorization": "Bearer token-a"]
  static let tenantB: Metadata = ["authorization": "Bearer token-b"]

  /// Runs `body` with a client of a fresh service.
  private func withClient(_ body: (Slipstream_Ledger_V1_LedgerService.Client) async throws -> Void) async throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try await SQLiteLedgerStore(
      path: directory.appendingPathComponent("ledger.sqlite").path,
      options: LedgerStoreOptions(now: LedgerFixtures.steppingClock())
    )
    let authenticator = TenantAuthenticator(
      bearerTokens: [.init(token: "token-a", tenantID: "tenant-a"), .init(token: "token-b", tenantID: "tenant-b")]
    )
    let server = RPCServer(services: [LedgerService(store: store, authenticator: authenticator)])
    try await body(Slipstream_Ledger_V1_LedgerService.Client(RPCClient(transport: InProcessTransport(server: server))))
    try await store.close()
  }

  static func tradeRequest(_ id: String = "tr-1", user: String = "u-1", quantity: String = "10", price: String = "100",
                           side: Slipstream_Types_V1_Side = .buy, executedAt: Int64 = LedgerFixtures.baseTime) -> Slipstream_Ledger_V1_RecordTradeRequest {
    var request = Slipstream_Ledger_V1_RecordTradeRequest()
    request.trade.tradeID = id
    request.trade.owner.userID = user
    request.trade.owner.strategyID = "carry"
    request.trade.broker = "alpaca"
    request.trade.brokerExecutionID = "exec-\(id)"
    request.trade.symbol.ticker = "AAPL"
    request.trade.symbol.assetClass = .equity
    request.trade.side = side
    request.trade.quantity.value = quantity
    request.trade.price.value = price
    request.trade.fees.value = "0.5"
    request.trade.currency = "USD"
    request.trade.executedAtNs = executedAt
    return request
  }

  @Test func recordTradeReturnsBothPathsAndRetriesAreDuplicates() async throws {
    try await withClient { client async throws in
      let first = try await client.recordTrade(Self.tradeRequest(), metadata: Self.tenantA)
      #expect(!first.duplicate)
      #expect(first.tenantLedgerPath == "tenants/tenant-a/ledger_trades/tr-1")
      #expect(first.userHistoryPath == "users/u-1/portfolio/history/trades/tr-1")
      #expect(first.trade.owner.tenantID == "tenant-a")
      #expect(first.trade.recordedAtNs > 0)
      let retry = try await client.recordTrade(Self.tradeRequest(), metadata: Self.tenantA)
      #expect(retry.duplicate)
      #expect(retry.trade == first.trade)
      var conflicting = Self.tradeRequest()
      conflicting.trade.quantity.value = "11"
      let error = await #expect(throws: RPCError.self) { try await client.recordTrade(conflicting, metadata: Self.tenantA) }
      #expect(error?.code == .alreadyExists)
    }
  }

  @Test func aTradeWithoutUserIsRefusedAndNothingIsWritten() async throws {
    try await withClient { client async throws in
      let error = await #expect(throws: RPCError.self) {
        try await client.recordTrade(Self.tradeRequest(user: ""), metadata: Self.tenantA)
      }
      #expect(error?.code == .invalidArgument)
      #expect(error?.message.hasPrefix("Missing UID in metadata") == true)
      #expect(try await client.listTenantTrades(.init(), metadata: Self.tenantA).trades.isEmpty)
      #expect(try await client.verifyAudit(.init(), metadata: Self.tenantA).entriesChecked == 0)
    }
  }

  @Test(arguments: [
    ("no credential", Metadata()),
    ("unknown token", ["authorization": "Bearer nope"] as Metadata),
    ("not a bearer header", ["authorization": "Basic dG9rZW4tYQ=="] as Metadata),
  ])
  func callsWithoutAKnownCredentialAreUnauthenticated(_ label: String, _ metadata: Metadata) async throws {
    try await withClient { client async throws in
      let write = await #expect(throws: RPCError.self) { try await client.recordTrade(Self.tradeRequest(), metadata: metadata) }
      #expect(write?.code == .unauthenticated, "\(label)")
      let read = await #expect(throws: RPCError.self) { try await client.listTenantTrades(.init(), metadata: metadata) }
      #expect(read?.code == .unauthenticated, "\(label)")
      // Nothing was written for tenant A.
      #expect(try await client.listTenantTrades(.init(), metadata: Self.tenantA).trades.isEmpty)
    }
  }

  /// Tenant B can neither list, fetch, compute over nor verify tenant A's data, even by
  /// naming tenant A or guessing its ids; reusing one of A's trade ids creates B's own trade.
  @Test func oneTenantCannotReachAnothersData() async throws {
    try await withClient { client async throws in
      _ = try await client.recordTrade(Self.tradeRequest(), metadata: Self.tenantA)

      var namingA = Slipstream_Ledger_V1_ListTenantTradesRequest()
      namingA.tenantID = "tenant-a"
      let list = await #expect(throws: RPCError.self) { try await client.listTenantTrades(namingA, metadata: Self.tenantB) }
      #expect(list?.code == .permissionDenied)
      var verifyA = Slipstream_Ledger_V1_VerifyAuditRequest()
      verifyA.tenantID = "tenant-a"
      let verify = await #expect(throws: RPCError.self) { try await client.verifyAudit(verifyA, metadata: Self.tenantB) }
      #expect(verify?.code == .permissionDenied)
      var costA = Slipstream_Ledger_V1_GetCostBasisRequest()
      costA.tenantID = "tenant-a"
      costA.symbol.ticker = "AAPL"
      costA.symbol.assetClass = .equity
      let cost = await #expect(throws: RPCError.self) { try await client.getCostBasis(costA, metadata: Self.tenantB) }
      #expect(cost?.code == .permissionDenied)
      var writeIntoA = Self.tradeRequest("tr-9")
      writeIntoA.trade.owner.tenantID = "tenant-a"
      let write = await #expect(throws: RPCError.self) { try await client.recordTrade(writeIntoA, metadata: Self.tenantB) }
      #expect(write?.code == .permissionDenied)

      // Within its own tenant, B finds none of A's data by A's user or trade ids.
      #expect(try await client.listTenantTrades(.init(), metadata: Self.tenantB).trades.isEmpty)
      var userA = Slipstream_Ledger_V1_ListUserTradesRequest()
      userA.userID = "u-1"
      #expect(try await client.listUserTrades(userA, metadata: Self.tenantB).trades.isEmpty)
      costA.tenantID = ""
      #expect(try await client.getCostBasis(costA, metadata: Self.tenantB).quantity.value == "0")
      #expect(try await client.getPnL(.init(), metadata: Self.tenantB).lines.isEmpty)
      #expect(try await client.verifyAudit(.init(), metadata: Self.tenantB).entriesChecked == 0)
      let reused = try await client.recordTrade(Self.tradeRequest(), metadata: Self.tenantB)
      #expect(!reused.duplicate && reused.trade.owner.tenantID == "tenant-b")

      // A's data is unchanged.
      let own = try await client.listTenantTrades(.init(), metadata: Self.tenantA)
      #expect(own.trades.map(\.owner.tenantID) == ["tenant-a"])
      #expect(try await client.verifyAudit(.init(), metadata: Self.tenantA).intact)
    }
  }

  static func connectionRequest(_ broker: String = "alpaca", state: Slipstream_Ledger_V1_BrokerConnectionState = .connected) -> Slipstream_Ledger_V1_RecordBrokerConnectionRequest {
    var request = Slipstream_Ledger_V1_RecordBrokerConnectionRequest()
    request.connection.broker = broker
    request.connection.state = state
    request.connection.assetClasses = [.equity, .crypto]
    request.connection.feeSchedule = ["equity.commission": .with { $0.value = "0.005" }]
    request.connection.priority = 2
    request.connection.lastSyncNs = LedgerFixtures.baseTime
    return request
  }

  /// Broker connection snapshots over RPC: appended to the audit log, listed as the latest
  /// per broker or one broker's history, every field as sent, and only within the tenant.
  @Test func brokerConnectionsAreRecordedAndListedPerTenant() async throws {
    try await withClient { client async throws in
      let first = try await client.recordBrokerConnection(Self.connectionRequest(), metadata: Self.tenantA)
      _ = try await client.recordBrokerConnection(Self.connectionRequest("ibkr", state: .degraded), metadata: Self.tenantA)
      let third = try await client.recordBrokerConnection(Self.connectionRequest(state: .disconnected), metadata: Self.tenantA)
      #expect([first.sequence, third.sequence] == [1, 3])
      #expect(first.entryHash.count == 64)

      let latest = try await client.listBrokerConnections(.init(), metadata: Self.tenantA).connections
      #expect(latest.map(\.broker) == ["alpaca", "ibkr"])
      #expect(latest.map(\.state) == [.disconnected, .degraded])
      #expect(latest[0].assetClasses == [.crypto, .equity])
      #expect(latest[0].feeSchedule["equity.commission"]?.value == "0.005")
      #expect(latest[0].priority == 2 && latest[0].lastSyncNs == LedgerFixtures.baseTime && latest[0].sequence == 3)
      #expect(latest[0].recordedAtNs > 0)
      var history = Slipstream_Ledger_V1_ListBrokerConnectionsRequest()
      history.broker = "alpaca"
      #expect(try await client.listBrokerConnections(history, metadata: Self.tenantA).connections.map(\.sequence) == [3, 1])
      history.beforeSequence = 3
      #expect(try await client.listBrokerConnections(history, metadata: Self.tenantA).connections.map(\.sequence) == [1])

      // Tenant B sees none of them and cannot name tenant A.
      #expect(try await client.listBrokerConnections(.init(), metadata: Self.tenantB).connections.isEmpty)
      var namingA = Slipstream_Ledger_V1_ListBrokerConnectionsRequest()
      namingA.tenantID = "tenant-a"
      let denied = await #expect(throws: RPCError.self) { try await client.listBrokerConnections(namingA, metadata: Self.tenantB) }
      #expect(denied?.code == .permissionDenied)
      var intoA = Self.connectionRequest()
      intoA.identity.tenantID = "tenant-a"
      let write = await #expect(throws: RPCError.self) { try await client.recordBrokerConnection(intoA, metadata: Self.tenantB) }
      #expect(write?.code == .permissionDenied)
      let unauthenticated = await #expect(throws: RPCError.self) {
        try await client.recordBrokerConnection(Self.connectionRequest(), metadata: Metadata())
      }
      #expect(unauthenticated?.code == .unauthenticated)
      #expect(try await client.verifyAudit(.init(), metadata: Self.tenantA).entriesChecked == 3)
    }
  }

  typealias ConnectionMutation = @Sendable (inout Slipstream_Ledger_V1_RecordBrokerConnectionRequest) -> Void

  static let invalidConnections: [(String, ConnectionMutation)] = [
    ("connection", { $0.clearConnection() }),
    ("connection.broker", { $0.connection.broker = "" }),
    ("connection.broker", { $0.connection.broker = "al paca" }),
    ("connection.broker", { $0.connection.broker = String(repeating: "b", count: 129) }),
    ("connection.state", { $0.connection.state = .unspecified }),
    ("connection.state", { $0.connection.state = .UNRECOGNIZED(7) }),
    ("connection.asset_classes[1]", { $0.connection.assetClasses = [.equity, .unspecified] }),
    ("connection.asset_classes[1]", { $0.connection.assetClasses = [.equity, .equity] }),
    ("connection.asset_classes", { $0.connection.assetClasses = Array(repeating: .equity, count: 257) }),
    ("connection.fee_schedule[equity.commission]", { $0.connection.feeSchedule["equity.commission"] = .with { $0.value = "-1" } }),
    ("connection.fee_schedule[equity.commission]", { $0.connection.feeSchedule["equity.commission"] = .with { $0.value = "NaN" } }),
    ("connection.fee_schedule[a b]", { $0.connection.feeSchedule["a b"] = .with { $0.value = "1" } }),
    ("connection.fee_schedule", {
      $0.connection.feeSchedule = Dictionary(uniqueKeysWithValues: (0..<257).map { ("fee.\($0)", Slipstream_Types_V1_Decimal.with { $0.value = "1" }) })
    }),
    ("connection.last_sync_ns", { $0.connection.lastSyncNs = -1 }),
  ]

  /// Each malformed snapshot is INVALID_ARGUMENT naming the field, and nothing is written.
  @Test(arguments: invalidConnections)
  func invalidBrokerConnectionsNameTheFieldAndWriteNothing(_ field: String, _ mutate: ConnectionMutation) async throws {
    try await withClient { client async throws in
      var request = Self.connectionRequest()
      mutate(&request)
      let error = await #expect(throws: RPCError.self) { try await client.recordBrokerConnection(request, metadata: Self.tenantA) }
      #expect(error?.code == .invalidArgument)
      #expect(error?.message.hasPrefix("\(field):") == true, "\(error?.message ?? "")")
      #expect(try await client.listBrokerConnections(.init(), metadata: Self.tenantA).connections.isEmpty)
      #expect(try await client.verifyAudit(.init(), metadata: Self.tenantA).entriesChecked == 0)
    }
  }

  @Test func listBrokerConnectionsRefusesABadPageSize() async throws {
    try await withClient { client async throws in
      var request = Slipstream_Ledger_V1_ListBrokerConnectionsRequest()
      request.broker = "alpaca"
      request.pageSize = 1_001
      let error = await #expect(throws: RPCError.self) { try await client.listBrokerConnections(request, metadata: Self.tenantA) }
      #expect(error?.code == .invalidArgument)
      #expect(error?.message.hasPrefix("page_size:") == true)
    }
  }

  typealias Mutation = @Sendable (inout Slipstream_Ledger_V1_RecordTradeRequest) -> Void

  static let invalidTrades: [(String, Mutation)] = [
    ("trade.quantity", { $0.trade.quantity.value = "-1" }),
    ("trade.quantity", { $0.trade.quantity.value = "0" }),
    ("trade.price", { $0.trade.price.value = "NaN" }),
    ("trade.price", { $0.trade.price.value = "1e5" }),
    ("trade.price", { $0.trade.price.value = "12.5.1" }),
    ("trade.price", { $0.trade.price.value = "0.0000000000001" }),
    ("trade.fees", { $0.trade.fees.value = "-0.01" }),
    ("trade.trade_id", { $0.trade.tradeID = String(repeating: "x", count: 200) }),
    ("trade.trade_id", { $0.trade.tradeID = "a/b" }),
    ("trade.trade_id", { $0.trade.tradeID = "" }),
    ("trade.owner.user_id", { $0.trade.owner.userID = String(repeating: "u", count: 129) }),
    ("trade.broker", { $0.trade.broker = "" }),
    ("trade.symbol.asset_class", { $0.trade.symbol.assetClass = .unspecified }),
    ("trade.symbol.asset_class", { $0.trade.symbol.assetClass = .UNRECOGNIZED(9) }),
    ("trade.symbol.asset_class", { $0.trade.symbol.assetClass = .crypto }),
    ("trade.symbol.ticker", { $0.trade.symbol.ticker = "" }),
    ("trade.side", { $0.trade.side = .unspecified }),
    ("trade.currency", { $0.trade.currency = "U$D" }),
    ("trade.currency", { $0.trade.currency = "" }),
    ("trade.executed_at_ns", { $0.trade.executedAtNs = 0 }),
    ("trade.executed_at_ns", { $0.trade.executedAtNs = -5 }),
  ]

  @Test(arguments: invalidTrades)
  func invalidTradesNameTheField(_ field: String, _ mutate: Mutation) async throws {
    try await withClient { client async throws in
      var request = Self.tradeRequest()
      mutate(&request)
      let error = await #expect(throws: RPCError.self) { try await client.recordTrade(request, metadata: Self.tenantA) }
      #expect(error?.code == .invalidArgument)
      #expect(error?.message.hasPrefix("\(field):") == true, "\(error?.message ?? "")")
    }
  }

  @Test func listingsPageWithOpaqueTokens() async throws {
    try await withClient { client async throws in
      for index in 0..<5 {
        _ = try await client.recordTrade(Self.tradeRequest("tr-\(index)", executedAt: LedgerFixtures.baseTime + Int64(index)), metadata: Self.tenantA)
      }
      var request = Slipstream_Ledger_V1_ListUserTradesRequest()
      request.userID = "u-1"
      request.query.pageSize = 2
      var ids: [String] = []
      var pages = 0
      repeat {
        let page = try await client.listUserTrades(request, metadata: Self.tenantA)
        ids += page.trades.map(\.tradeID)
        request.query.pageToken = page.nextPageToken
        pages += 1
      } while !request.query.pageToken.isEmpty && pages < 5
      #expect(ids == (0..<5).map { "tr-\($0)" })
      #expect(pages == 3)

      request.query.pageToken = "not-a-token"
      let error = await #expect(throws: RPCError.self) { try await client.listUserTrades(request, metadata: Self.tenantA) }
      #expect(error?.code == .invalidArgument)
      #expect(error?.message.hasPrefix("query.page_token:") == true)
    }
  }

  @Test func costBasisPnLAndAuditOverRPC() async throws {
    try await withClient { client async throws in
      _ = try await client.recordTrade(Self.tradeRequest("b1", quantity: "10", price: "100", executedAt: 1), metadata: Self.tenantA)
      _ = try await client.recordTrade(Self.tradeRequest("b2", quantity: "10", price: "120", executedAt: 2), metadata: Self.tenantA)
      _ = try await client.recordTrade(Self.tradeRequest("s1", quantity: "15", price: "130", side: .sell, executedAt: 3), metadata: Self.tenantA)

      var cost = Slipstream_Ledger_V1_GetCostBasisRequest()
      cost.symbol.ticker = "AAPL"
      cost.symbol.assetClass = .equity
      let fifo = try await client.getCostBasis(cost, metadata: Self.tenantA)
      // Each trade pays 0.5 in fees, part of the basis: lots cost 1,000.5 and 1,200.5; the
      // sale's proceeds are 1,950 − 0.5 against 1,000.5 + 600.25 of cost.
      #expect(fifo.method == .fifo && fifo.quantity.value == "5" && fifo.totalCost.value == "600.25" && fifo.realizedPnl.value == "348.75")
      #expect(fifo.lots.map(\.tradeID) == ["b2"])
      #expect(fifo.lots.map(\.unitCost.value) == ["120.05"])
      cost.method = .average
      // Pool 2,201 for 20 (110.05 each); 15 sold remove 1,650.75.
      #expect(try await client.getCostBasis(cost, metadata: Self.tenantA).totalCost.value == "550.25")

      var pnl = Slipstream_Ledger_V1_GetPnLRequest()
      var mark = Slipstream_Ledger_V1_Mark()
      mark.symbol = cost.symbol
      mark.price.value = "140"
      pnl.marks = [mark]
      pnl.grouping = .strategy
      let report = try await client.getPnL(pnl, metadata: Self.tenantA)
      #expect(report.realized.value == "350" && report.unrealized.value == "100" && report.fees.value == "1.5")
      #expect(report.total.value == "448.5")
      #expect(report.lines.map(\.owner.strategyID) == ["carry"])

      var decision = Slipstream_Ledger_V1_RecordRouteDecisionRequest()
      decision.decision.decisionID = "d-1"
      decision.decision.decision = .downgrade
      decision.decision.reason = "spread 0.31% > threshold 0.10%"
      decision.decision.spreadPct.value = "0.31"
      decision.decision.thresholdPct.value = "0.10"
      let receipt = try await client.recordRouteDecision(decision, metadata: Self.tenantA)
      #expect(receipt.sequence == 4 && !receipt.duplicate && receipt.entryHash.count == 64)
      #expect(try await client.recordRouteDecision(decision, metadata: Self.tenantA).duplicate)
      decision.decision.decision = .unspecified
      let invalid = await #expect(throws: RPCError.self) { try await client.recordRouteDecision(decision, metadata: Self.tenantA) }
      #expect(invalid?.message.hasPrefix("decision.decision:") == true)

      let verification = try await client.verifyAudit(.init(), metadata: Self.tenantA)
      #expect(verification.intact && verification.entriesChecked == 4 && !verification.hasFirstBrokenLink)
    }
  }
}

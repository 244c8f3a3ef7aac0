public import SlipstreamAPI
public import SlipstreamRPC
import SlipstreamDomain

/// `slipstream.ledger.v1.LedgerService` over a ``LedgerStore``.
///
/// Every call is authenticated by the ``TenantAuthenticator`` and confined to the caller's
/// tenant. A request field naming another tenant is refused with PERMISSION_DENIED: tenant
/// ids are not secrets, and the answer is the same whether that tenant exists or not, so
/// nothing leaks. Ids inside a request (trade, user, strategy) are always looked up within the
/// caller's tenant, so guessing another tenant's ids finds nothing. Malformed fields are
/// INVALID_ARGUMENT naming the field.
public struct LedgerService: Slipstream_Ledger_V1_LedgerService.ServiceProtocol {
  /// Trades per listing page when the request asks for 0.
  public static let defaultPageSize = 100

  private let store: any LedgerStore
  private let authenticator: TenantAuthenticator

  /// Creates the service.
  /// - Parameters:
  ///   - store: Where records live.
  ///   - authenticator: Maps callers to tenants.
  public init(store: any LedgerStore, authenticator: TenantAuthenticator) {
    self.store = store
    self.authenticator = authenticator
  }

  public func recordTrade(
    request: Slipstream_Ledger_V1_RecordTradeRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_RecordTradeResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.identity.tenantID, "identity.tenant_id", to: tenantID)
    guard request.hasTrade else { throw LedgerError.invalidArgument(field: "trade", reason: "is required") }
    try Self.confine(request.trade.owner.tenantID, "trade.owner.tenant_id", to: tenantID)
    let outcome = try await store.record(try LedgerInput.trade(request.trade, tenantID: tenantID))
    var response = Slipstream_Ledger_V1_RecordTradeResponse()
    response.trade = Slipstream_Ledger_V1_Trade(outcome.recordedTrade)
    response.duplicate = outcome.isDuplicate
    response.tenantLedgerPath = outcome.recordedTrade.trade.tenantLedgerPath
    response.userHistoryPath = outcome.recordedTrade.trade.userHistoryPath
    return response
  }

  public func recordRouteDecision(
    request: Slipstream_Ledger_V1_RecordRouteDecisionRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_RecordRouteDecisionResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.identity.tenantID, "identity.tenant_id", to: tenantID)
    guard request.hasDecision else { throw LedgerError.invalidArgument(field: "decision", reason: "is required") }
    try Self.confine(request.decision.identity.tenantID, "decision.identity.tenant_id", to: tenantID)
    let receipt = try await store.recordRouteDecision(try Self.decision(request.decision, tenantID: tenantID))
    var response = Slipstream_Ledger_V1_RecordRouteDecisionResponse()
    response.sequence = receipt.sequence
    response.entryHash = receipt.entryHash
    response.duplicate = receipt.duplicate
    return response
  }

  public func recordBrokerConnection(
    request: Slipstream_Ledger_V1_RecordBrokerConnectionRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_RecordBrokerConnectionResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.identity.tenantID, "identity.tenant_id", to: tenantID)
    guard request.hasConnection else { throw LedgerError.invalidArgument(field: "connection", reason: "is required") }
    let receipt = try await store.recordBrokerConnection(try LedgerInput.brokerConnection(request.connection, tenantID: tenantID))
    var response = Slipstream_Ledger_V1_RecordBrokerConnectionResponse()
    response.sequence = receipt.sequence
    response.entryHash = receipt.entryHash
    return response
  }

  public func listBrokerConnections(
    request: Slipstream_Ledger_V1_ListBrokerConnectionsRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_ListBrokerConnectionsResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    let broker = try LedgerInput.id(request.broker, "broker")
    guard (0...LedgerStoreCore.maximumPageSize).contains(Int(request.pageSize)) else {
      throw LedgerError.invalidArgument(field: "page_size", reason: "must be 0...\(LedgerStoreCore.maximumPageSize)")
    }
    let connections = try await store.brokerConnections(
      tenantID: tenantID,
      broker: broker.isEmpty ? nil : broker,
      beforeSequence: request.beforeSequence == 0 ? nil : request.beforeSequence,
      limit: broker.isEmpty ? LedgerStoreCore.maximumPageSize : (request.pageSize == 0 ? Self.defaultPageSize : Int(request.pageSize))
    )
    var response = Slipstream_Ledger_V1_ListBrokerConnectionsResponse()
    response.connections = connections.map(Slipstream_Ledger_V1_BrokerConnection.init)
    return response
  }

  public func listTenantTrades(
    request: Slipstream_Ledger_V1_ListTenantTradesRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_ListTenantTradesResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    let page = try await store.listTrades(try Self.query(request.query, tenantID: tenantID, userID: nil))
    var response = Slipstream_Ledger_V1_ListTenantTradesResponse()
    response.trades = page.trades.map(Slipstream_Ledger_V1_Trade.init)
    response.nextPageToken = page.next?.token ?? ""
    return response
  }

  public func listUserTrades(
    request: Slipstream_Ledger_V1_ListUserTradesRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_ListUserTradesResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    let userID = try LedgerInput.id(request.userID, "user_id", required: true)
    let page = try await store.listTrades(try Self.query(request.query, tenantID: tenantID, userID: userID))
    var response = Slipstream_Ledger_V1_ListUserTradesResponse()
    response.trades = page.trades.map(Slipstream_Ledger_V1_Trade.init)
    response.nextPageToken = page.next?.token ?? ""
    return response
  }

  public func getCostBasis(
    request: Slipstream_Ledger_V1_GetCostBasisRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_GetCostBasisResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    let symbol = try LedgerInput.symbol(request.symbol, "symbol")
    let userID = try LedgerInput.id(request.userID, "user_id")
    let strategyID = try LedgerInput.id(request.strategyID, "strategy_id")
    let method = try Self.method(request.method)
    let trades = try await store.allTrades(
      matching: TradeListQuery(
        tenantID: tenantID, userID: userID.isEmpty ? nil : userID,
        executedBefore: try LedgerInput.instant(request.asOfNs, "as_of_ns", required: false),
        symbols: [symbol.value], strategyIDs: strategyID.isEmpty ? [] : [strategyID]
      )
    )
    return Slipstream_Ledger_V1_GetCostBasisResponse(try LedgerAnalytics.costBasis(of: trades.map(\.trade), method: method))
  }

  public func getPnL(
    request: Slipstream_Ledger_V1_GetPnLRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_GetPnLResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    let userID = try LedgerInput.id(request.userID, "user_id")
    let strategyID = try LedgerInput.id(request.strategyID, "strategy_id")
    let method = try Self.method(request.method)
    var marks: [String: Price] = [:]
    for (index, mark) in try LedgerInput.list(request.marks, "marks").enumerated() {
      let symbol = try LedgerInput.symbol(mark.symbol, "marks[\(index)].symbol")
      marks[symbol.value] = Price(value: try LedgerInput.decimal(mark.price, "marks[\(index)].price", .positive))
    }
    let grouping: PnLGrouping
    switch request.grouping {
    case .unspecified, .tenant: grouping = .tenant
    case .user: grouping = .user
    case .strategy: grouping = .strategy
    case .UNRECOGNIZED: throw LedgerError.invalidArgument(field: "grouping", reason: "must be TENANT, USER or STRATEGY")
    }
    let from = try LedgerInput.instant(request.period.startNs, "period.start_ns", required: false)
    let before = try LedgerInput.instant(request.period.endNs, "period.end_ns", required: false)
    if let from, let before, before <= from {
      throw LedgerError.invalidArgument(field: "period.end_ns", reason: "must be after period.start_ns")
    }
    let trades = try await store.allTrades(
      matching: TradeListQuery(
        tenantID: tenantID, userID: userID.isEmpty ? nil : userID, executedBefore: before,
        strategyIDs: strategyID.isEmpty ? [] : [strategyID]
      )
    )
    let report = try LedgerAnalytics.pnl(
      of: trades.map(\.trade), marks: marks, method: method, grouping: grouping, executedFrom: from, executedBefore: before
    )
    let symbols = Dictionary(trades.map { ($0.trade.symbol.value, $0.trade.symbol) }, uniquingKeysWith: { first, _ in first })
    return Slipstream_Ledger_V1_GetPnLResponse(report, symbols: symbols)
  }

  public func verifyAudit(
    request: Slipstream_Ledger_V1_VerifyAuditRequest,
    context: ServerContext
  ) async throws -> Slipstream_Ledger_V1_VerifyAuditResponse {
    let tenantID = try authenticator.tenant(of: context)
    try Self.confine(request.tenantID, "tenant_id", to: tenantID)
    if request.toSequence != 0, request.toSequence < request.fromSequence {
      throw LedgerError.invalidArgument(field: "to_sequence", reason: "must not be before from_sequence")
    }
    let verification = try await store.verifyAudit(
      tenantID: tenantID, fromSequence: request.fromSequence, toSequence: request.toSequence
    )
    return Slipstream_Ledger_V1_VerifyAuditResponse(verification)
  }

  /// Refuses a request field naming a tenant other than the caller's (empty means the caller's).
  private static func confine(_ requested: String, _ field: String, to tenantID: String) throws(LedgerError) {
    guard requested.isEmpty || requested == tenantID else {
      throw .permissionDenied(reason: "\(field) names another tenant; this caller may only use tenant '\(tenantID)'")
    }
  }

  private static func method(_ method: Slipstream_Ledger_V1_CostBasisMethod) throws(LedgerError) -> CostBasisMethod {
    switch method {
    case .unspecified, .fifo: return .fifo
    case .average: return .averageCost
    case .UNRECOGNIZED: throw .invalidArgument(field: "method", reason: "must be FIFO or AVERAGE")
    }
  }

  private static func query(_ query: Slipstream_Ledger_V1_TradeQuery, tenantID: String, userID: String?) throws(LedgerError) -> TradeListQuery {
    guard query.pageSize >= 0 else { throw .invalidArgument(field: "query.page_size", reason: "must not be negative") }
    let from = try LedgerInput.instant(query.executed.startNs, "query.executed.start_ns", required: false)
    let before = try LedgerInput.instant(query.executed.endNs, "query.executed.end_ns", required: false)
    var symbols: [String] = []
    for (index, symbol) in try LedgerInput.list(query.symbols, "query.symbols").enumerated() {
      symbols.append(try LedgerInput.symbol(symbol, "query.symbols[\(index)]").value)
    }
    var strategies: [String] = []
    for (index, strategy) in try LedgerInput.list(query.strategyIds, "query.strategy_ids").enumerated() {
      strategies.append(try LedgerInput.id(strategy, "query.strategy_ids[\(index)]", required: true))
    }
    return TradeListQuery(
      tenantID: tenantID, userID: userID, executedFrom: from, executedBefore: before, symbols: symbols,
      strategyIDs: strategies, pageSize: query.pageSize == 0 ? defaultPageSize : Int(query.pageSize),
      after: query.pageToken.isEmpty ? nil : try TradeCursor(token: query.pageToken)
    )
  }

  private static func decision(_ message: Slipstream_Router_V1_RouteDecision, tenantID: String) throws(LedgerError) -> RouteDecisionRecord {
    let outcome: RouteDecisionRecord.Outcome
    switch message.decision {
    case .execute: outcome = .execute
    case .downgrade: outcome = .downgrade
    case .unspecified, .UNRECOGNIZED: throw .invalidArgument(field: "decision.decision", reason: "must be EXECUTE or DOWNGRADE")
    }
    var scores: [RouteDecisionRecord.Score] = []
    for (index, score) in try LedgerInput.list(message.scores, "decision.scores").enumerated() {
      let field = "decision.scores[\(index)]"
      scores.append(
        RouteDecisionRecord.Score(
          broker: try LedgerInput.id(score.broker, "\(field).broker", required: true),
          cost: try LedgerInput.decimal(score.cost, "\(field).cost", .any),
          speed: try LedgerInput.decimal(score.speed, "\(field).speed", .any),
          fill: try LedgerInput.decimal(score.fill, "\(field).fill", .any),
          total: try LedgerInput.decimal(score.total, "\(field).total", .any)
        )
      )
    }
    var failover: [String] = []
    for (index, broker) in try LedgerInput.list(message.failoverChain, "decision.failover_chain").enumerated() {
      failover.append(try LedgerInput.id(broker, "decision.failover_chain[\(index)]", required: true))
    }
    var exclusions: [RouteDecisionRecord.Exclusion] = []
    for (index, exclusion) in try LedgerInput.list(message.exclusions, "decision.exclusions").enumerated() {
      exclusions.append(
        RouteDecisionRecord.Exclusion(
          broker: try LedgerInput.id(exclusion.broker, "decision.exclusions[\(index)].broker", required: true),
          reason: String(describing: exclusion.reason),
          detail: try LedgerInput.text(exclusion.detail, "decision.exclusions[\(index)].detail")
        )
      )
    }
    return RouteDecisionRecord(
      decisionID: try LedgerInput.id(message.decisionID, "decision.decision_id", required: true),
      tenantID: tenantID,
      userID: try LedgerInput.id(message.identity.userID, "decision.identity.user_id"),
      strategyID: try LedgerInput.id(message.identity.strategyID, "decision.identity.strategy_id"),
      intentID: try LedgerInput.id(message.intent.intentID, "decision.intent.intent_id"),
      symbol: try LedgerInput.text(message.intent.symbol.ticker, "decision.intent.symbol.ticker"),
      outcome: outcome,
      broker: try LedgerInput.id(message.broker, "decision.broker", required: outcome == .execute),
      scores: scores,
      spreadPercent: try LedgerInput.decimal(message.spreadPct, "decision.spread_pct", .any),
      thresholdPercent: try LedgerInput.decimal(message.thresholdPct, "decision.threshold_pct", .nonNegative),
      reason: try LedgerInput.text(message.reason, "decision.reason"),
      estimatedSlippage: try LedgerInput.decimal(message.estimatedSlippage, "decision.estimated_slippage", .any),
      estimatedFees: try LedgerInput.decimal(message.estimatedFees, "decision.estimated_fees", .nonNegative),
      failoverChain: failover,
      exclusions: exclusions,
      matchedRuleID: try LedgerInput.id(message.matchedRuleID, "decision.matched_rule_id"),
      correlationID: try LedgerInput.id(message.correlationID, "decision.correlation_id"),
      decidedAt: try LedgerInput.instant(message.decidedAtNs, "decision.decided_at_ns", required: false)
        ?? Timestamp(nanosecondsSinceEpoch: 0)
    )
  }
}

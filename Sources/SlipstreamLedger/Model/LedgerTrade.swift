public import SlipstreamDomain

/// One fill as the ledger records it, before the ledger stamps it.
///
/// Amounts are fixed-point (``Quantity``, ``Price``, ``FixedDecimal``); nothing here is a
/// floating point number. Two trades are the same trade when every field is equal; the ledger
/// uses this to tell a retry (same content) from a conflicting write (same id, other content).
public struct LedgerTrade: Sendable, Hashable {
  /// The idempotency key of the trade, unique per tenant.
  public var tradeID: String
  /// The tenant that owns the trade.
  public var tenantID: String
  /// The user whose portfolio history receives the trade; a trade without one is refused.
  public var userID: String
  /// The strategy the trade was made for; empty for manual trades.
  public var strategyID: String
  /// The broker that executed it.
  public var broker: String
  /// The broker's execution id; empty if the broker gave none. Unique per tenant and broker.
  public var brokerExecutionID: String
  /// The gateway's order id.
  public var orderID: String
  /// The client's order id.
  public var clientOrderID: String
  /// The instrument, in canonical form.
  public var symbol: Symbol
  /// Buy or sell.
  public var side: OrderSide
  /// Filled quantity, greater than zero.
  public var quantity: Quantity
  /// Fill price.
  public var price: Price
  /// Fees and commissions, in ``currency``.
  public var fees: FixedDecimal
  /// Currency of price and fees.
  public var currency: Currency
  /// When the broker executed the fill.
  public var executedAt: Timestamp
  /// The route decision behind the order; empty if none.
  public var routeDecisionID: String
  /// Correlation id of the business flow; empty if none.
  public var correlationID: String

  /// Creates a trade.
  public init(
    tradeID: String,
    tenantID: String,
    userID: String,
    strategyID: String = "",
    broker: String,
    brokerExecutionID: String = "",
    orderID: String = "",
    clientOrderID: String = "",
    symbol: Symbol,
    side: OrderSide,
    quantity: Quantity,
    price: Price,
    fees: FixedDecimal = .zero,
    currency: Currency = .usd,
    executedAt: Timestamp,
    routeDecisionID: String = "",
    correlationID: String = ""
  ) {
    self.tradeID = tradeID
    self.tenantID = tenantID
    self.userID = userID
    self.strategyID = strategyID
    self.broker = broker
    self.brokerExecutionID = brokerExecutionID
    self.orderID = orderID
    self.clientOrderID = clientOrderID
    self.symbol = symbol
    self.side = side
    self.quantity = quantity
    self.price = price
    self.fees = fees
    self.currency = currency
    self.executedAt = executedAt
    self.routeDecisionID = routeDecisionID
    self.correlationID = correlationID
  }

  /// Document path of the trade in the tenant ledger: `tenants/{tenant_id}/ledger_trades/{trade_id}`.
  public var tenantLedgerPath: String { "tenants/\(tenantID)/ledger_trades/\(tradeID)" }

  /// Document path of the trade in the user's history: `users/{uid}/portfolio/history/trades/{trade_id}`.
  public var userHistoryPath: String { "users/\(userID)/portfolio/history/trades/\(tradeID)" }
}

/// A trade as stored: the trade, when the ledger committed it, and its audit position.
public struct RecordedTrade: Sendable, Hashable {
  /// The trade.
  public var trade: LedgerTrade
  /// When the ledger stored it, in nanoseconds since the epoch.
  public var recordedAt: Timestamp
  /// Its position in the tenant's audit chain, from 1.
  public var auditSequence: UInt64

  /// Creates a stored trade.
  public init(trade: LedgerTrade, recordedAt: Timestamp, auditSequence: UInt64) {
    self.trade = trade
    self.recordedAt = recordedAt
    self.auditSequence = auditSequence
  }
}

/// What recording a trade did.
public enum TradeRecordOutcome: Sendable, Hashable {
  /// The trade was new and is now committed in both paths.
  case recorded(RecordedTrade)
  /// The trade (by trade id or broker execution id) was recorded before; this is the original.
  case duplicate(RecordedTrade)

  /// The stored trade either way.
  public var recordedTrade: RecordedTrade {
    switch self {
    case .recorded(let trade), .duplicate(let trade): return trade
    }
  }

  /// True for ``duplicate(_:)``.
  public var isDuplicate: Bool {
    if case .duplicate = self { return true }
    return false
  }
}

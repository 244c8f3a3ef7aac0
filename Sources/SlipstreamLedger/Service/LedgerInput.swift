import SlipstreamAPI
import SlipstreamDomain

/// Checks of request fields; each failure is `LedgerError.invalidArgument` naming the field.
package enum LedgerInput {
  /// Longest id (trade, tenant, user, strategy, broker, decision …), in UTF-8 bytes.
  package static let maximumIDLength = 128
  /// Longest free text (reasons, details), in UTF-8 bytes.
  package static let maximumTextLength = 1_024
  /// Most entries of a repeated field.
  package static let maximumListCount = 256

  /// True for a non-empty id of printable ASCII without `/` (ids are path segments).
  package static func isIdentifier(_ value: String) -> Bool {
    !value.isEmpty && value.utf8.count <= maximumIDLength
      && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }
  }

  /// An id; empty is allowed unless `required`.
  package static func id(_ value: String, _ field: String, required: Bool = false) throws(LedgerError) -> String {
    if value.isEmpty {
      guard !required else { throw .invalidArgument(field: field, reason: "is required") }
      return value
    }
    guard value.utf8.count <= maximumIDLength else {
      throw .invalidArgument(field: field, reason: "is \(value.utf8.count) bytes; the limit is \(maximumIDLength)")
    }
    guard isIdentifier(value) else {
      throw .invalidArgument(field: field, reason: "must be printable ASCII without spaces or '/'")
    }
    return value
  }

  /// Free text up to the length limit.
  package static func text(_ value: String, _ field: String) throws(LedgerError) -> String {
    guard value.utf8.count <= maximumTextLength else {
      throw .invalidArgument(field: field, reason: "is \(value.utf8.count) bytes; the limit is \(maximumTextLength)")
    }
    return value
  }

  /// A list up to the count limit.
  package static func list<T>(_ values: [T], _ field: String) throws(LedgerError) -> [T] {
    guard values.count <= maximumListCount else {
      throw .invalidArgument(field: field, reason: "has \(values.count) entries; the limit is \(maximumListCount)")
    }
    return values
  }

  /// Which decimals a field accepts.
  package enum Sign {
    case positive
    case nonNegative
    case any
  }

  /// A fixed-point decimal from its canonical string (empty is zero).
  package static func decimal(_ value: Slipstream_Types_V1_Decimal, _ field: String, _ sign: Sign) throws(LedgerError) -> FixedDecimal {
    guard value.value.utf8.count <= 64 else { throw .invalidArgument(field: field, reason: "is longer than 64 characters") }
    let decimal: FixedDecimal
    do {
      decimal = value.value.isEmpty ? .zero : try FixedDecimal(value.value)
    } catch {
      throw .invalidArgument(field: field, reason: error.description)
    }
    switch sign {
    case .positive where !decimal.isPositive:
      throw .invalidArgument(field: field, reason: "must be greater than zero (got '\(value.value)')")
    case .nonNegative where decimal.isNegative:
      throw .invalidArgument(field: field, reason: "must not be negative (got '\(value.value)')")
    default:
      return decimal
    }
  }

  /// A symbol whose ticker parses and agrees with its asset class.
  package static func symbol(_ value: Slipstream_Types_V1_Symbol, _ field: String) throws(LedgerError) -> Symbol {
    let expected: AssetClass
    switch value.assetClass {
    case .equity: expected = .equity
    case .forex: expected = .forex
    case .crypto: expected = .crypto
    case .option: expected = .options
    case .unspecified, .UNRECOGNIZED:
      throw .invalidArgument(field: "\(field).asset_class", reason: "must be EQUITY, FOREX, CRYPTO or OPTION")
    }
    let symbol: Symbol
    do {
      symbol = try Symbol(value.ticker)
    } catch {
      throw .invalidArgument(field: "\(field).ticker", reason: "\(error)")
    }
    guard symbol.assetClass == expected else {
      throw .invalidArgument(
        field: "\(field).asset_class",
        reason: "'\(value.ticker)' is a \(symbol.assetClass) symbol, not \(expected)"
      )
    }
    return symbol
  }

  /// A broker connection snapshot of `tenantID`.
  package static func brokerConnection(
    _ message: Slipstream_Ledger_V1_BrokerConnection,
    tenantID: String
  ) throws(LedgerError) -> BrokerConnectionRecord {
    let state: BrokerConnectionRecord.State
    switch message.state {
    case .connected: state = .connected
    case .degraded: state = .degraded
    case .disconnected: state = .disconnected
    case .disabled: state = .disabled
    case .unspecified, .UNRECOGNIZED:
      throw .invalidArgument(field: "connection.state", reason: "must be CONNECTED, DEGRADED, DISCONNECTED or DISABLED")
    }
    var assetClasses: Set<AssetClass> = []
    for (index, assetClass) in try list(message.assetClasses, "connection.asset_classes").enumerated() {
      let field = "connection.asset_classes[\(index)]"
      let value: AssetClass
      switch assetClass {
      case .equity: value = .equity
      case .forex: value = .forex
      case .crypto: value = .crypto
      case .option: value = .options
      case .unspecified, .UNRECOGNIZED: throw .invalidArgument(field: field, reason: "must be EQUITY, FOREX, CRYPTO or OPTION")
      }
      guard assetClasses.insert(value).inserted else { throw .invalidArgument(field: field, reason: "repeats \(value)") }
    }
    guard message.feeSchedule.count <= maximumListCount else {
      throw .invalidArgument(
        field: "connection.fee_schedule", reason: "has \(message.feeSchedule.count) entries; the limit is \(maximumListCount)"
      )
    }
    var feeSchedule: [String: FixedDecimal] = [:]
    for (name, rate) in message.feeSchedule.sorted(by: { $0.key < $1.key }) {
      let field = "connection.fee_schedule[\(name.utf8.count <= maximumIDLength ? name : String(name.prefix(32)) + "…")]"
      _ = try id(name, field, required: true)
      feeSchedule[name] = try decimal(rate, field, .nonNegative)
    }
    return BrokerConnectionRecord(
      tenantID: tenantID,
      broker: try id(message.broker, "connection.broker", required: true),
      state: state,
      assetClasses: assetClasses,
      feeSchedule: feeSchedule,
      priority: message.priority,
      lastSync: try instant(message.lastSyncNs, "connection.last_sync_ns", required: false)
    )
  }

  /// An instant in nanoseconds; zero is allowed only if not `required`.
  package static func instant(_ nanoseconds: Int64, _ field: String, required: Bool) throws(LedgerError) -> Timestamp? {
    guard nanoseconds >= 0 else { throw .invalidArgument(field: field, reason: "must not be negative") }
    guard nanoseconds > 0 else {
      guard !required else { throw .invalidArgument(field: field, reason: "is required") }
      return nil
    }
    return Timestamp(nanosecondsSinceEpoch: nanoseconds)
  }

  /// An instant that must be set.
  package static func requiredInstant(_ nanoseconds: Int64, _ field: String) throws(LedgerError) -> Timestamp {
    guard let instant = try instant(nanoseconds, field, required: false) else {
      throw .invalidArgument(field: field, reason: "is required")
    }
    return instant
  }

  /// A trade request as a ledger trade of `tenantID`.
  package static func trade(_ trade: Slipstream_Ledger_V1_Trade, tenantID: String) throws(LedgerError) -> LedgerTrade {
    let side: OrderSide
    switch trade.side {
    case .buy: side = .buy
    case .sell: side = .sell
    case .unspecified, .UNRECOGNIZED: throw .invalidArgument(field: "trade.side", reason: "must be BUY or SELL")
    }
    let currency: Currency
    do {
      currency = try Currency(trade.currency)
    } catch {
      throw .invalidArgument(field: "trade.currency", reason: error.description)
    }
    let tradeID = try id(trade.tradeID, "trade.trade_id", required: true)
    let userID = try id(trade.owner.userID, "trade.owner.user_id")
    guard !userID.isEmpty else { throw .missingUserID(tradeID: tradeID) }
    return LedgerTrade(
      tradeID: tradeID,
      tenantID: tenantID,
      userID: userID,
      strategyID: try id(trade.owner.strategyID, "trade.owner.strategy_id"),
      broker: try id(trade.broker, "trade.broker", required: true),
      brokerExecutionID: try id(trade.brokerExecutionID, "trade.broker_execution_id"),
      orderID: try id(trade.orderID, "trade.order_id"),
      clientOrderID: try id(trade.clientOrderID, "trade.client_order_id"),
      symbol: try symbol(trade.symbol, "trade.symbol"),
      side: side,
      quantity: Quantity(value: try decimal(trade.quantity, "trade.quantity", .positive)),
      price: Price(value: try decimal(trade.price, "trade.price", .positive)),
      fees: try decimal(trade.fees, "trade.fees", .nonNegative),
      currency: currency,
      executedAt: try requiredInstant(trade.executedAtNs, "trade.executed_at_ns"),
      routeDecisionID: try id(trade.routeDecisionID, "trade.route_decision_id"),
      correlationID: try id(trade.correlationID, "trade.correlation_id")
    )
  }
}

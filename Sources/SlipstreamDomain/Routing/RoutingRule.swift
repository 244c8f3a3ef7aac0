/// A user rule that pins orders matching a condition to a broker, ahead of scoring.
public struct RoutingRule: Hashable, Sendable {
  /// Which orders the rule applies to.
  public enum Condition: Hashable, Sendable {
    /// Every order in an asset class.
    case assetClass(AssetClass)
    /// Every order in one symbol.
    case symbol(Symbol)
    /// Orders whose notional (in the instrument's quote currency) is at least this amount.
    case notionalAtLeast(Money)
    /// Orders whose quantity is at least this amount.
    case quantityAtLeast(Quantity)
  }

  /// The condition.
  public var condition: Condition
  /// The broker to use when it matches.
  public var broker: BrokerID

  /// Creates a rule.
  public init(_ condition: Condition, broker: BrokerID) {
    self.condition = condition
    self.broker = broker
  }

  /// Whether the rule applies to `request`.
  public func matches(_ request: RoutingRequest) -> Bool {
    switch condition {
    case .assetClass(let assetClass): return request.symbol.assetClass == assetClass
    case .symbol(let symbol): return request.symbol == symbol
    case .notionalAtLeast(let minimum):
      // A threshold in another currency than the instrument's never matches.
      guard let notional = try? request.notional(), notional.currency == minimum.currency else { return false }
      return minimum.amount <= notional.amount
    case .quantityAtLeast(let minimum): return request.quantity >= minimum
    }
  }
}

/// The brokers used when scores tie or data is missing: crypto → Coinbase, equities → Alpaca,
/// options → Schwab, fractional equity orders → Robinhood.
public struct SmartDefaults: Hashable, Sendable {
  /// Default per asset class.
  public var byAssetClass: [AssetClass: BrokerID]
  /// Default for fractional equity orders (checked first).
  public var fractional: BrokerID?

  /// Creates defaults.
  public init(byAssetClass: [AssetClass: BrokerID], fractional: BrokerID?) {
    self.byAssetClass = byAssetClass
    self.fractional = fractional
  }

  /// Coinbase, Alpaca, Schwab, Robinhood as in the architecture.
  public static let standard = SmartDefaults(
    byAssetClass: [.crypto: .coinbase, .equity: .alpaca, .options: .schwab], fractional: .robinhood)

  /// The default broker for a request, if any.
  public func broker(for request: RoutingRequest) -> BrokerID? {
    if request.isFractional, request.symbol.assetClass == .equity, let fractional { return fractional }
    return byAssetClass[request.symbol.assetClass]
  }
}

extension Identifier where Kind == BrokerIDKind {
  /// A known broker id (a literal that is always valid).
  private static func known(_ name: String) -> BrokerID {
    do { return try BrokerID(name) } catch { preconditionFailure("\(error)") }
  }

  /// Alpaca.
  public static let alpaca = known("alpaca")
  /// Coinbase.
  public static let coinbase = known("coinbase")
  /// Charles Schwab.
  public static let schwab = known("schwab")
  /// Robinhood.
  public static let robinhood = known("robinhood")
  /// Interactive Brokers.
  public static let interactiveBrokers = known("ibkr")
  /// The built-in paper broker.
  public static let paper = known("paper")
}

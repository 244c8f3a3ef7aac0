/// Buy or sell.
public enum OrderSide: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case buy
  case sell

  /// The other side.
  public var opposite: OrderSide { self == .buy ? .sell : .buy }
  public var description: String { rawValue }
}

/// How an order is priced.
public enum OrderType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Execute at the market; no limit price.
  case market
  /// Execute at the limit price or better.
  case limit
  /// A limit order priced and re-pegged by ``SmartLimitPricer``.
  case smartLimit

  public var description: String { rawValue }
}

/// How long an order stays working.
public enum TimeInForce: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Until the end of the trading day.
  case day
  /// Good till cancelled.
  case gtc
  /// Immediate or cancel: fill what is possible now, cancel the rest.
  case ioc
  /// Fill or kill: fill completely now or cancel.
  case fok

  public var description: String { rawValue }
}

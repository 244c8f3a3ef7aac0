/// A risk control was configured with values that cannot work.
public enum RiskConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The circuit breaker's rolling window must be longer than zero.
  case nonPositiveWindow(Duration)
  /// The circuit breaker's loss threshold must be a positive amount.
  case nonPositiveLossThreshold(Money)
  /// The cool-down before an automatic reset must be longer than zero.
  case nonPositiveCoolDown(Duration)
  /// The drawdown limit must be a fraction strictly between 0 and 1.
  case drawdownLimitOutOfRange(FixedDecimal)

  public var description: String {
    switch self {
    case .nonPositiveWindow(let window):
      return "The circuit-breaker window must be longer than zero (got \(window))."
    case .nonPositiveLossThreshold(let threshold):
      return "The circuit-breaker loss threshold must be positive (got \(threshold)); give the loss as a positive amount."
    case .nonPositiveCoolDown(let coolDown):
      return "The circuit-breaker cool-down must be longer than zero (got \(coolDown)); use .manual for no automatic reset."
    case .drawdownLimitOutOfRange(let limit):
      return "The drawdown limit must be a fraction between 0 and 1, like 0.1 for 10 % (got \(limit))."
    }
  }
}

/// How important a subscription is when the upstream symbol cap is reached: a higher
/// priority evicts a lower one, never an equal one.
public enum SubscriptionPriority: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
  /// Evicted first.
  case low = 1
  /// The default.
  case normal = 2
  /// Symbols with working orders.
  case high = 3
  /// Symbols of an executing rebalance plan; nothing outranks it.
  case critical = 4

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String {
    switch self {
    case .low: "LOW"
    case .normal: "NORMAL"
    case .high: "HIGH"
    case .critical: "CRITICAL"
    }
  }
}

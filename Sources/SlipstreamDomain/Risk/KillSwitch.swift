/// The emergency stop: while engaged, every order is refused.
public struct KillSwitch: Hashable, Sendable {
  /// Engaged or released.
  public enum State: Hashable, Sendable {
    /// Trading is allowed.
    case released
    /// Trading is halted; `reason` is shown to whoever tries to trade.
    case engaged(reason: String, at: Timestamp)
  }

  /// The current state.
  public private(set) var state: State = .released

  /// Creates a released switch.
  public init() {}

  /// Whether the switch is engaged.
  public var isEngaged: Bool { state != .released }

  /// Halts all trading.
  public mutating func engage(reason: String, at instant: Timestamp) {
    state = .engaged(reason: reason, at: instant)
  }

  /// Allows trading again.
  public mutating func release() {
    state = .released
  }
}

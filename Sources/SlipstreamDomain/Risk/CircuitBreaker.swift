/// Halts trading when realized losses within a rolling window exceed a threshold, and resets by
/// rule: after a cool-down, or only manually.
///
/// The loss counted is the *net* realized P&L of the events inside the window `(now − window, now]`
/// (gains offset losses). Time is always passed in. Resetting (automatically or by hand) forgets the
/// events recorded before the reset, so the losses that tripped the breaker do not trip it again.
public struct CircuitBreaker: Hashable, Sendable {
  /// How a tripped breaker returns to armed.
  public enum ResetRule: Hashable, Sendable {
    /// Automatically once `coolDown` has passed since the trip (and manually at any time).
    case afterCoolDown(Duration)
    /// Only by calling `reset(at:)`.
    case manual
  }

  /// The breaker's parameters.
  public struct Configuration: Hashable, Sendable {
    /// The rolling window over which realized P&L is summed.
    public var window: Duration
    /// Trip when the net loss in the window exceeds this positive amount.
    public var lossThreshold: Money
    /// How the breaker resets.
    public var reset: ResetRule

    /// Creates a configuration.
    public init(window: Duration, lossThreshold: Money, reset: ResetRule) {
      self.window = window
      self.lossThreshold = lossThreshold
      self.reset = reset
    }
  }

  /// Armed (trading allowed) or tripped.
  public enum State: Hashable, Sendable {
    /// Trading allowed.
    case armed
    /// Trading halted since `at`, when the window's net loss was `loss`.
    case tripped(at: Timestamp, loss: Money)
  }

  private struct Event: Hashable, Sendable {
    var at: Timestamp
    var pnl: Money
  }

  /// The parameters.
  public let configuration: Configuration
  private var recordedState: State = .armed
  private var events: [Event] = []

  /// Creates an armed breaker.
  /// - Throws: `RiskConfigurationError` for a non-positive window, threshold or cool-down.
  public init(configuration: Configuration) throws(RiskConfigurationError) {
    guard configuration.window > .zero else { throw .nonPositiveWindow(configuration.window) }
    guard configuration.lossThreshold.amount.isPositive else {
      throw .nonPositiveLossThreshold(configuration.lossThreshold)
    }
    if case .afterCoolDown(let coolDown) = configuration.reset, coolDown <= .zero {
      throw .nonPositiveCoolDown(coolDown)
    }
    self.configuration = configuration
  }

  /// The state at `instant`, applying an automatic reset whose cool-down has passed.
  public func state(at instant: Timestamp) -> State {
    if case .tripped(let trippedAt, _) = recordedState, let resetAt = resetTime(trippedAt: trippedAt),
      instant >= resetAt
    {
      return .armed
    }
    return recordedState
  }

  /// When a tripped breaker will reset by itself; `nil` when armed or manual-only.
  public func resetsAt(from instant: Timestamp) -> Timestamp? {
    guard case .tripped(let trippedAt, _) = state(at: instant) else { return nil }
    return resetTime(trippedAt: trippedAt)
  }

  /// Whether trading is halted at `instant`.
  public func isTripped(at instant: Timestamp) -> Bool { state(at: instant) != .armed }

  /// The net loss (positive) realized within the window ending at `instant`; zero when net positive.
  /// - Throws: `AmountError` on overflow or a P&L in another currency than the threshold.
  public func windowLoss(at instant: Timestamp) throws(AmountError) -> Money {
    var net = Money.zero(configuration.lossThreshold.currency)
    let start = instant.advanced(by: .zero - configuration.window)
    for event in events where event.at <= instant && (start.map { event.at > $0 } ?? true) {
      net = try net.adding(event.pnl)
    }
    return net.isNegative ? Money(amount: try net.amount.negated(), currency: net.currency) : .zero(net.currency)
  }

  /// Records a realized P&L (negative for a loss) and trips the breaker if the window's net loss
  /// now exceeds the threshold.
  /// - Returns: the state after recording.
  /// - Throws: `AmountError` on overflow or a P&L in another currency than the threshold.
  @discardableResult
  public mutating func record(realizedPnL pnl: Money, at instant: Timestamp) throws(AmountError) -> State {
    if recordedState != .armed, state(at: instant) == .armed { reset(at: instant) }
    guard pnl.currency == configuration.lossThreshold.currency else {
      throw .currencyMismatch(pnl.currency, configuration.lossThreshold.currency)
    }
    events.append(Event(at: instant, pnl: pnl))
    if let start = instant.advanced(by: .zero - configuration.window) {
      events.removeAll { $0.at <= start }
    }
    if recordedState == .armed {
      let loss = try windowLoss(at: instant)
      if try configuration.lossThreshold.isLess(than: loss) {
        recordedState = .tripped(at: instant, loss: loss)
      }
    }
    return recordedState
  }

  /// Re-arms the breaker and forgets the P&L recorded up to `instant`.
  public mutating func reset(at instant: Timestamp) {
    recordedState = .armed
    events.removeAll { $0.at <= instant }
  }

  private func resetTime(trippedAt: Timestamp) -> Timestamp? {
    guard case .afterCoolDown(let coolDown) = configuration.reset else { return nil }
    return trippedAt.advanced(by: coolDown)
  }
}

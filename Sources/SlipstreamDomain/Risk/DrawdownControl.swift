/// Blocks new buys when equity falls more than a limit below its peak (peak-to-trough drawdown).
public struct DrawdownControl: Hashable, Sendable {
  /// The largest allowed drawdown as a fraction of the peak (0.1 = 10 %).
  public let maxDrawdown: FixedDecimal
  /// The highest equity recorded.
  public private(set) var peakEquity: Money?
  /// The last equity recorded.
  public private(set) var currentEquity: Money?

  /// Creates a control with no equity recorded.
  /// - Throws: `RiskConfigurationError.drawdownLimitOutOfRange` unless `0 < maxDrawdown < 1`.
  public init(maxDrawdown: FixedDecimal) throws(RiskConfigurationError) {
    guard maxDrawdown.isPositive, maxDrawdown < .one else { throw .drawdownLimitOutOfRange(maxDrawdown) }
    self.maxDrawdown = maxDrawdown
  }

  /// Records the account equity (marked to market), raising the peak when it is a new high.
  /// - Throws: `AmountError.currencyMismatch` when the currency changes.
  public mutating func record(equity: Money) throws(AmountError) {
    if let peak = peakEquity {
      if try peak.isLess(than: equity) { peakEquity = equity }
    } else {
      peakEquity = equity
    }
    currentEquity = equity
  }

  /// The current drawdown, `(peak − current) / peak`, as a fraction rounded to 12 places; zero with
  /// no history or a non-positive peak.
  public var drawdown: FixedDecimal {
    guard let peak = peakEquity, let current = currentEquity, peak.amount.isPositive,
      let drop = try? peak.amount.subtracting(current.amount),
      let fraction = try? drop.divided(by: peak.amount, rounding: .toNearestOrEven)
    else { return .zero }
    return fraction
  }

  /// Whether new buys are blocked (drawdown strictly above the limit).
  public var blocksBuys: Bool { drawdown > maxDrawdown }

  /// Starts a new peak from the current equity (after a review, for example).
  public mutating func resetPeak() {
    peakEquity = currentEquity
  }
}

/// Why an instrument rule or an order amount does not fit an instrument.
public enum InstrumentError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A tick-size rule is malformed.
  case invalidTickSizeRule(TickSizeRuleProblem)
  /// A lot size or minimum quantity is zero or negative.
  case nonPositiveLotSize(Quantity)
  /// The quantity is zero or negative.
  case nonPositiveQuantity(Quantity)
  /// The quantity is below the instrument's minimum.
  case belowMinimumQuantity(symbol: Symbol, quantity: Quantity, minimum: Quantity)
  /// The quantity is not a whole number of lots (for equities without fractional support, a
  /// fractional share count).
  case notMultipleOfLot(symbol: Symbol, quantity: Quantity, lot: Quantity)
  /// The price is not on the instrument's tick grid.
  case priceOffTick(symbol: Symbol, price: Price, tick: Price)

  /// What is wrong with a tick-size rule.
  public enum TickSizeRuleProblem: Sendable, Hashable, CustomStringConvertible {
    case noTiers
    case nonPositiveTick(Price)
    case firstTierNotAtZero(Price)
    case tiersNotAscending
    /// A tier boundary is not a multiple of the tick on both of its sides.
    case boundaryOffTick(Price)
    /// The forex sub-pip divisor does not split a pip into exact decimal steps.
    case invalidSubPipDivisor(Int)

    public var description: String {
      switch self {
      case .noTiers: return "it has no tiers"
      case .nonPositiveTick(let tick): return "tick \(tick) is not positive"
      case .firstTierNotAtZero(let price): return "the first tier starts at \(price) instead of 0"
      case .tiersNotAscending: return "tier boundaries must strictly increase"
      case .boundaryOffTick(let price): return "boundary \(price) is not a multiple of the ticks on both sides"
      case .invalidSubPipDivisor(let divisor):
        return "sub-pip divisor \(divisor) must be positive and divide a pip exactly (1, 10, 100...)"
      }
    }
  }

  public var description: String {
    switch self {
    case .invalidTickSizeRule(let problem):
      return "invalid tick-size rule: \(problem)"
    case .nonPositiveLotSize(let lot):
      return "lot size and minimum quantity must be positive, got \(lot)"
    case .nonPositiveQuantity(let quantity):
      return "quantity must be positive, got \(quantity)"
    case .belowMinimumQuantity(let symbol, let quantity, let minimum):
      return "quantity \(quantity) of \(symbol) is below the minimum \(minimum)"
    case .notMultipleOfLot(let symbol, let quantity, let lot):
      return "quantity \(quantity) of \(symbol) is not a multiple of the lot size \(lot)"
        + (lot == 1 ? " (fractional quantities are not supported here)" : "")
    case .priceOffTick(let symbol, let price, let tick):
      return "price \(price) of \(symbol) is not a multiple of the tick \(tick)"
    }
  }
}

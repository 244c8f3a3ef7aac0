/// What a broker charges for one order: per share (or unit), per order, and basis points of notional.
public struct FeeSchedule: Hashable, Sendable {
  /// Charged per unit of quantity.
  public var perShare: Money
  /// Charged once per order.
  public var perOrder: Money
  /// Charged on the notional, in basis points (1 bp = 0.01 %).
  public var basisPoints: FixedDecimal

  /// Creates a schedule; everything is free by default.
  public init(perShare: Money = .zero(), perOrder: Money = .zero(), basisPoints: FixedDecimal = .zero) {
    self.perShare = perShare
    self.perOrder = perOrder
    self.basisPoints = basisPoints
  }

  /// The fee for an order: `perShare × |quantity| + perOrder + notional × bps / 10 000`, rounded to
  /// 12 places half-to-even.
  /// - Throws: `AmountError` on overflow or when the currencies differ.
  public func fee(quantity: Quantity, notional: Money) throws(AmountError) -> Money {
    var total = perOrder
    if !perShare.isZero {
      total = try total.adding(try perShare.multiplied(by: try quantity.value.magnitude(), rounding: .toNearestOrEven))
    }
    if !basisPoints.isZero {
      // notional × bps ÷ 10 000 in one rounding step.
      let raw = try FixedDecimal.multiplyDivide(
        notional.amount.rawValue, basisPoints.rawValue, 10_000 * FixedDecimal.rawUnitsPerOne, rounding: .toNearestOrEven)
      total = try total.adding(Money(amount: FixedDecimal(rawValue: raw), currency: notional.currency))
    }
    return total
  }
}

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
    let units = try quantity.value.magnitude()
    let shares = try perShare.multiplied(by: units, rounding: .toNearestOrEven)
    let rate = try basisPoints.divided(by: 10_000, rounding: .toNearestOrEven)
    let proportional = try notional.multiplied(by: rate, rounding: .toNearestOrEven)
    return try shares.adding(perOrder).adding(proportional)
  }
}

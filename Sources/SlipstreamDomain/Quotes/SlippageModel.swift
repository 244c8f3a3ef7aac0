/// Estimates the cost of an order against the mid price.
///
/// `slippage = halfSpread × quantity × multiplier × (1 + impactCoefficient × quantity / displayedSize)`
///
/// where `halfSpread = (ask − bid) / 2` and `displayedSize` is the far-touch size (the ask size
/// for a buy, the bid size for a sell). With the default coefficient 0 the estimate is just the
/// half-spread cost. The result is rounded half-to-even to 12 decimals once, at the end of each
/// multiplication.
public struct SlippageModel: Sendable, Hashable {
  /// Extra half-spreads paid per multiple of the displayed size taken (0 = no impact term).
  public var impactCoefficient: FixedDecimal
  /// Units per quantity unit (100 for US options).
  public var contractMultiplier: Quantity

  public init(impactCoefficient: FixedDecimal = 0, contractMultiplier: Quantity = 1) {
    self.impactCoefficient = impactCoefficient
    self.contractMultiplier = contractMultiplier
  }

  /// The estimated slippage of trading `quantity` on `side` against `quote`, in the symbol's
  /// quote currency.
  /// - Throws: ``AmountError/divisionByZero`` when the impact term is on and the far-touch size
  ///   is zero, ``AmountError/overflow``.
  public func estimate(_ quote: Quote, side: OrderSide, quantity: Quantity) throws(AmountError) -> Money {
    let half = try quote.spread().value.divided(by: 2, rounding: .toNearestOrEven)
    let units = try quantity.value.multiplied(by: contractMultiplier.value, rounding: .toNearestOrEven)
    var cost = try half.multiplied(by: units, rounding: .toNearestOrEven)
    if !impactCoefficient.isZero {
      let taken = try quantity.value.divided(by: quote.farTouch(for: side).size.value, rounding: .toNearestOrEven)
      let factor = try FixedDecimal.one + impactCoefficient.multiplied(by: taken, rounding: .toNearestOrEven)
      cost = try cost.multiplied(by: factor, rounding: .toNearestOrEven)
    }
    return Money(amount: cost, currency: quote.symbol.quoteCurrency)
  }
}

/// Running totals of what the cost gate saved by blocking wide-spread signals, per currency.
///
/// For each blocked signal the avoided cost is `notional × spread`.
public struct CostSavings: Sendable, Hashable {
  /// Totals in one currency.
  public struct Totals: Sendable, Hashable {
    public var blockedSignals: Int = 0
    public var blockedNotional: FixedDecimal = 0
    public var avoidedCost: FixedDecimal = 0
  }

  public private(set) var totals: [Currency: Totals] = [:]

  public init() {}

  /// Adds one blocked signal.
  /// - Parameters:
  ///   - notional: the notional that was not traded.
  ///   - spread: the relative spread at the time (a fraction).
  /// - Throws: ``AmountError/overflow``; on error nothing is recorded.
  public mutating func recordBlocked(notional: Money, spread: FixedDecimal) throws(AmountError) {
    var entry = totals[notional.currency] ?? Totals()
    entry.blockedNotional = try entry.blockedNotional + notional.amount
    entry.avoidedCost = try entry.avoidedCost + notional.amount.multiplied(by: spread, rounding: .toNearestOrEven)
    entry.blockedSignals += 1
    totals[notional.currency] = entry
  }

  /// Adds a blocked signal from a gate analysis; executes are ignored.
  /// - Throws: ``AmountError/overflow``.
  public mutating func record(_ analysis: CostAnalysis) throws(AmountError) {
    guard case .downgrade = analysis.decision else { return }
    try recordBlocked(notional: analysis.notional, spread: analysis.spread)
  }

  /// The avoided cost in `currency` (zero if none).
  public func avoidedCost(in currency: Currency = .usd) -> Money {
    Money(amount: totals[currency]?.avoidedCost ?? 0, currency: currency)
  }
}

/// Trading rules of one symbol: price grid, quantity grid and contract size.
public struct Instrument: Sendable, Hashable {
  public let symbol: Symbol
  /// Price increments.
  public let tickSizeRule: TickSizeRule
  /// Order quantities must be whole multiples of this (1 share, 1 contract, 1 satoshi...).
  public let lotSize: Quantity
  /// Smallest order quantity.
  public let minimumQuantity: Quantity
  /// Units of the underlying per quantity unit: 100 for US options, 1 otherwise.
  public let contractMultiplier: Quantity
  /// Currency prices are quoted in.
  public let quoteCurrency: Currency

  /// Builds an instrument.
  /// - Throws: ``InstrumentError/nonPositiveLotSize(_:)`` if the lot size, minimum or multiplier
  ///   is not positive.
  public init(
    symbol: Symbol, tickSizeRule: TickSizeRule, lotSize: Quantity, minimumQuantity: Quantity,
    contractMultiplier: Quantity = 1, quoteCurrency: Currency = .usd
  ) throws(InstrumentError) {
    for amount in [lotSize, minimumQuantity, contractMultiplier] where !amount.isPositive {
      throw .nonPositiveLotSize(amount)
    }
    self.symbol = symbol
    self.tickSizeRule = tickSizeRule
    self.lotSize = lotSize
    self.minimumQuantity = minimumQuantity
    self.contractMultiplier = contractMultiplier
    self.quoteCurrency = quoteCurrency
  }

  public var assetClass: AssetClass { symbol.assetClass }

  /// The tick at `price`.
  public func tick(at price: Price) -> Price { tickSizeRule.tick(at: price) }

  /// Rounds a price to the tick grid.
  /// - Throws: ``AmountError/overflow``; ``AmountError/precisionLoss`` for `.exact`.
  public func round(price: Price, _ mode: RoundingMode) throws(AmountError) -> Price {
    try tickSizeRule.round(price, mode)
  }

  /// Rounds a quantity to whole lots.
  /// - Throws: ``AmountError/overflow``; ``AmountError/precisionLoss`` for `.exact`.
  public func round(quantity: Quantity, _ mode: RoundingMode) throws(AmountError) -> Quantity {
    try quantity.rounded(toMultipleOf: lotSize, mode)
  }

  /// Checks an order quantity: positive, at least the minimum, whole lots.
  /// - Throws: ``InstrumentError/nonPositiveQuantity(_:)``,
  ///   ``InstrumentError/belowMinimumQuantity(symbol:quantity:minimum:)``,
  ///   ``InstrumentError/notMultipleOfLot(symbol:quantity:lot:)``.
  public func validate(quantity: Quantity) throws(InstrumentError) {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    guard quantity >= minimumQuantity else {
      throw .belowMinimumQuantity(symbol: symbol, quantity: quantity, minimum: minimumQuantity)
    }
    guard quantity.isMultiple(of: lotSize) else {
      throw .notMultipleOfLot(symbol: symbol, quantity: quantity, lot: lotSize)
    }
  }

  /// Checks that a limit price is on the tick grid.
  /// - Throws: ``InstrumentError/priceOffTick(symbol:price:tick:)``.
  public func validate(price: Price) throws(InstrumentError) {
    guard tickSizeRule.isOnTick(price) else {
      throw .priceOffTick(symbol: symbol, price: price, tick: tick(at: price))
    }
  }

  /// `price × quantity × contractMultiplier` in the quote currency, rounded half-to-even past
  /// the twelfth decimal.
  /// - Throws: ``AmountError/overflow``.
  public func notional(price: Price, quantity: Quantity) throws(AmountError) -> Money {
    let units = try quantity.value.multiplied(by: contractMultiplier.value, rounding: .toNearestOrEven)
    return try price.notional(of: Quantity(value: units), in: quoteCurrency)
  }
}

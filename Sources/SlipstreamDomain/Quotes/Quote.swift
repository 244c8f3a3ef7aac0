/// A top-of-book quote: best bid and ask with their sizes.
public struct Quote: Sendable, Hashable {
  public let symbol: Symbol
  public let bid: Price
  public let ask: Price
  public let bidSize: Quantity
  public let askSize: Quantity
  /// When the market produced the quote.
  public let eventTime: Timestamp
  /// When the platform received it.
  public let receiveTime: Timestamp

  public init(
    symbol: Symbol, bid: Price, ask: Price, bidSize: Quantity, askSize: Quantity, eventTime: Timestamp,
    receiveTime: Timestamp
  ) {
    self.symbol = symbol
    self.bid = bid
    self.ask = ask
    self.bidSize = bidSize
    self.askSize = askSize
    self.eventTime = eventTime
    self.receiveTime = receiveTime
  }

  /// The best price on `side`'s own side of the book: the bid for a buyer, the ask for a seller.
  public func nearTouch(for side: OrderSide) -> (price: Price, size: Quantity) {
    side == .buy ? (bid, bidSize) : (ask, askSize)
  }

  /// The price `side` would trade against: the ask for a buyer, the bid for a seller.
  public func farTouch(for side: OrderSide) -> (price: Price, size: Quantity) {
    side == .buy ? (ask, askSize) : (bid, bidSize)
  }

  /// `ask − bid`.
  /// - Throws: ``AmountError/overflow``.
  public func spread() throws(AmountError) -> Price {
    try ask - bid
  }

  /// `(bid + ask) / 2`, rounded to 12 decimals with `rounding` (half-to-even by default).
  /// - Throws: ``AmountError/overflow``.
  public func mid(rounding: RoundingMode = .toNearestOrEven) throws(AmountError) -> Price {
    let sum = try bid + ask
    return Price(value: FixedDecimal(rawValue: try FixedDecimal.multiplyDivide(sum.value.rawValue, 1, 2, rounding: rounding)))
  }

  /// The relative spread `(ask − bid) / mid` as a fraction (0.001 is 0.10 %).
  ///
  /// Computed exactly as `2(ask − bid) / (ask + bid)` and rounded *up* to 12 decimals, so
  /// comparing it with any threshold on the 12-decimal grid gives the same answer as the exact
  /// value would.
  /// - Throws: ``AmountError/divisionByZero`` when `bid + ask == 0`, ``AmountError/overflow``.
  public func spreadFraction() throws(AmountError) -> FixedDecimal {
    let width = try spread()
    let sum = try bid + ask
    return FixedDecimal(
      rawValue: try FixedDecimal.multiplyDivide(
        width.value.rawValue, 2 * FixedDecimal.rawUnitsPerOne, sum.value.rawValue, rounding: .up))
  }

  /// ``spreadFraction()`` in percent (0.10 for 0.10 %).
  /// - Throws: as ``spreadFraction()``.
  public func spreadPercent() throws(AmountError) -> FixedDecimal {
    try spreadFraction().multiplied(by: 100)
  }
}

extension CostBasisTracker {
  /// Applies an execution: a buy fill adds a lot, a sell fill realizes P&L.
  ///
  /// Fees are not folded into the cost basis; book them separately.
  /// - Returns: the realized P&L of a sell fill, zero for a buy.
  /// - Throws: `PortfolioError` as `buy` and `sell` do.
  @discardableResult
  public mutating func apply(_ fill: Fill, side: OrderSide) throws(PortfolioError) -> Money {
    switch side {
    case .buy:
      try buy(fill.quantity, at: fill.price, on: fill.timestamp)
      return .zero(currency)
    case .sell:
      return try sell(fill.quantity, at: fill.price)
    }
  }
}

extension RiskOrder {
  /// The risk view of an order: its symbol, side, remaining (unfilled) quantity and limit price.
  ///
  /// A smart-limit order has no fixed limit price; it is checked like a market order (notional at
  /// the quote's mid, no collar), and its pegged price is collared when it is placed.
  public init(_ order: Order) {
    self.init(
      symbol: order.symbol, side: order.side, quantity: order.remainingQuantity, limitPrice: order.limitPrice)
  }
}

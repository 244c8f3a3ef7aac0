extension RoutingRequest {
  /// The routing view of an order: its symbol, side and remaining quantity, priced at its limit
  /// price or, without one, at `referencePrice` (typically the quote's mid).
  public init(_ order: Order, referencePrice: Price) {
    self.init(
      symbol: order.symbol, side: order.side, quantity: order.remainingQuantity,
      referencePrice: order.limitPrice ?? referencePrice)
  }
}

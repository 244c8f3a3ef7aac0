/// Why an order cannot be created or an event cannot be applied to it.
public enum OrderError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The lifecycle table has no transition for this pair.
  case invalidTransition(from: OrderStatus, event: OrderEvent.Kind)
  /// The fill would take the filled quantity past the order quantity.
  case overfill(orderID: OrderID, ordered: Quantity, alreadyFilled: Quantity, fill: Quantity)
  /// The order quantity is zero or negative.
  case nonPositiveQuantity(Quantity)
  /// A fill's quantity or price is zero or negative.
  case invalidFill(tradeID: TradeID, quantity: Quantity, price: Price)
  /// A fill for a different order.
  case fillForOtherOrder(expected: OrderID, received: OrderID)
  /// A fill with a trade id already applied.
  case duplicateFill(TradeID)
  /// A limit order without a limit price.
  case missingLimitPrice(OrderType)
  /// A market order with a limit price.
  case unexpectedLimitPrice(OrderType)
  /// A limit price that is zero or negative.
  case nonPositiveLimitPrice(Price)
  /// The average price or notional overflowed.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .invalidTransition(let from, let event):
      return "order in state \(from) cannot take event \(event)"
    case .overfill(let orderID, let ordered, let filled, let fill):
      return "fill of \(fill) on order \(orderID) would exceed its quantity \(ordered) (already filled \(filled))"
    case .nonPositiveQuantity(let quantity):
      return "order quantity must be positive, got \(quantity)"
    case .invalidFill(let tradeID, let quantity, let price):
      return "fill \(tradeID) needs a positive quantity and price, got \(quantity) @ \(price)"
    case .fillForOtherOrder(let expected, let received):
      return "fill for order \(received) applied to order \(expected)"
    case .duplicateFill(let tradeID):
      return "fill \(tradeID) was already applied"
    case .missingLimitPrice(let type):
      return "a \(type) order needs a limit price"
    case .unexpectedLimitPrice(let type):
      return "a \(type) order takes no limit price"
    case .nonPositiveLimitPrice(let price):
      return "limit price must be positive, got \(price)"
    case .arithmetic(let error):
      return "order arithmetic failed: \(error)"
    }
  }
}

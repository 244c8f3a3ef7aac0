/// An order and its lifecycle state.
///
/// Created in ``OrderStatus/new``; every change goes through ``apply(_:)``, which follows
/// ``OrderStatus/transition(from:on:)`` and throws ``OrderError/invalidTransition(from:event:)``
/// for any pair not in the table (so terminal states absorb nothing). Fills accumulate into
/// ``filledQuantity`` and a volume-weighted ``averageFillPrice`` and never overfill.
public struct Order: Sendable, Hashable {
  public let id: OrderID
  public let clientOrderID: ClientOrderID
  public let tenant: TenantID
  public let user: UserID
  public let strategy: StrategyID?
  public let symbol: Symbol
  public let side: OrderSide
  public let type: OrderType
  public let timeInForce: TimeInForce
  public let quantity: Quantity
  /// Required for limit orders, absent for market orders, optional for smart-limit orders
  /// (the pricer sets the working price).
  public let limitPrice: Price?

  public private(set) var status: OrderStatus = .new
  public private(set) var filledQuantity: Quantity = 0
  /// `Σ(price × quantity) / Σ quantity` over the fills, rounded half-to-even to 12 decimals;
  /// `nil` before the first fill. Recomputed from the exact filled notional on every fill, so
  /// rounding never accumulates.
  public private(set) var averageFillPrice: Price?
  public private(set) var fills: [Fill] = []
  /// The replacing order, once ``OrderStatus/replaced``.
  public private(set) var replacedBy: OrderID?
  /// The reason of the last reject or cancel reject.
  public private(set) var lastReason: String?
  /// Σ price.raw × quantity.raw: the exact filled notional × 10²⁴.
  private var filledNotionalRaw: Int128 = 0

  /// Creates an order in ``OrderStatus/new``.
  /// - Throws: ``OrderError/nonPositiveQuantity(_:)``, ``OrderError/missingLimitPrice(_:)``,
  ///   ``OrderError/unexpectedLimitPrice(_:)``, ``OrderError/nonPositiveLimitPrice(_:)``.
  public init(
    id: OrderID, clientOrderID: ClientOrderID, tenant: TenantID, user: UserID, strategy: StrategyID? = nil,
    symbol: Symbol, side: OrderSide, type: OrderType, timeInForce: TimeInForce, quantity: Quantity,
    limitPrice: Price? = nil
  ) throws(OrderError) {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    switch (type, limitPrice) {
    case (.limit, nil): throw .missingLimitPrice(type)
    case (.market, .some): throw .unexpectedLimitPrice(type)
    case (_, .some(let price)) where !price.isPositive: throw .nonPositiveLimitPrice(price)
    default: break
    }
    self.id = id
    self.clientOrderID = clientOrderID
    self.tenant = tenant
    self.user = user
    self.strategy = strategy
    self.symbol = symbol
    self.side = side
    self.type = type
    self.timeInForce = timeInForce
    self.quantity = quantity
    self.limitPrice = limitPrice
  }

  /// `quantity − filledQuantity`.
  public var remainingQuantity: Quantity {
    // Never overflows: 0 <= filledQuantity <= quantity.
    Quantity(value: FixedDecimal(rawValue: quantity.value.rawValue - filledQuantity.value.rawValue))
  }

  /// The exact filled notional `Σ price × quantity` rounded half-to-even to 12 decimals, in
  /// the symbol's quote currency.
  /// - Throws: ``AmountError/overflow`` (not reachable below about 1.7 × 10¹⁴ of notional).
  public func filledNotional() throws(AmountError) -> Money {
    let raw = try FixedDecimal.multiplyDivide(filledNotionalRaw, 1, FixedDecimal.rawUnitsPerOne, rounding: .toNearestOrEven)
    return Money(amount: FixedDecimal(rawValue: raw), currency: symbol.quoteCurrency)
  }

  /// Applies an event; on error the order is unchanged.
  /// - Throws: ``OrderError/invalidTransition(from:event:)`` for a pair outside the table; for
  ///   fills also ``OrderError/fillForOtherOrder(expected:received:)``,
  ///   ``OrderError/duplicateFill(_:)``, ``OrderError/invalidFill(tradeID:quantity:price:)``,
  ///   ``OrderError/overfill(orderID:ordered:alreadyFilled:fill:)``, ``OrderError/arithmetic(_:)``.
  public mutating func apply(_ event: OrderEvent) throws(OrderError) {
    guard let transition = OrderStatus.transition(from: status, on: event.kind) else {
      throw .invalidTransition(from: status, event: event.kind)
    }
    switch (transition, event) {
    case (.fill(let partial), .fill(let fill)):
      try record(fill)
      status = filledQuantity == quantity ? .filled : partial
    case (.resumeWorking, _):
      status = filledQuantity.isZero ? .accepted : .partiallyFilled
    case (.to(let next), _):
      status = next
    case (.fill, _):
      preconditionFailure("the table maps only fill events to fill transitions")
    }
    switch event {
    case .reject(let reason), .cancelRejected(let reason): lastReason = reason
    case .replace(let replacement): replacedBy = replacement
    default: break
    }
  }

  /// A copy with `event` applied.
  /// - Throws: as ``apply(_:)``.
  public func applying(_ event: OrderEvent) throws(OrderError) -> Order {
    var copy = self
    try copy.apply(event)
    return copy
  }

  private mutating func record(_ fill: Fill) throws(OrderError) {
    guard fill.orderID == id else { throw .fillForOtherOrder(expected: id, received: fill.orderID) }
    guard !fills.contains(where: { $0.tradeID == fill.tradeID }) else { throw .duplicateFill(fill.tradeID) }
    guard fill.quantity.isPositive, fill.price.isPositive else {
      throw .invalidFill(tradeID: fill.tradeID, quantity: fill.quantity, price: fill.price)
    }
    guard fill.quantity <= remainingQuantity else {
      throw .overfill(orderID: id, ordered: quantity, alreadyFilled: filledQuantity, fill: fill.quantity)
    }
    do throws(AmountError) {
      let product = try FixedDecimal.multiplyDivide(fill.price.value.rawValue, fill.quantity.value.rawValue, 1, rounding: .exact)
      let (notional, overflow) = filledNotionalRaw.addingReportingOverflow(product)
      guard !overflow else { throw AmountError.overflow }
      let filled = try filledQuantity + fill.quantity
      let average = try FixedDecimal.multiplyDivide(notional, 1, filled.value.rawValue, rounding: .toNearestOrEven)
      filledNotionalRaw = notional
      filledQuantity = filled
      averageFillPrice = Price(value: FixedDecimal(rawValue: average))
      fills.append(fill)
    } catch {
      throw .arithmetic(error)
    }
  }
}

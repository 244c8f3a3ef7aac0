import Testing

@testable import SlipstreamDomain

@Suite("Order lifecycle")
struct OrderTests {
  static let orderID = try! OrderID("ord-1")

  static func makeOrder(quantity: Quantity = 100, type: OrderType = .limit, limit: Price? = "150") throws -> Order {
    try Order(
      id: orderID, clientOrderID: ClientOrderID("cli-1"), tenant: TenantID("t1"), user: UserID("u1"),
      strategy: StrategyID("s1"), symbol: Symbol("AAPL"), side: .buy, type: type, timeInForce: .day,
      quantity: quantity, limitPrice: limit)
  }

  static func fill(_ trade: String, _ quantity: Quantity, _ price: Price, order: OrderID = orderID) throws -> Fill {
    Fill(tradeID: try TradeID(trade), orderID: order, quantity: quantity, price: price, timestamp: .epoch)
  }

  static func event(_ kind: OrderEvent.Kind) throws -> OrderEvent {
    switch kind {
    case .accept: .accept
    case .reject: .reject(reason: "no buying power")
    case .fill: .fill(try fill("t-table", 10, "150"))
    case .requestCancel: .requestCancel
    case .cancel: .cancel
    case .cancelRejected: .cancelRejected(reason: "too late")
    case .expire: .expire
    case .replace: .replace(by: try OrderID("ord-2"))
    }
  }

  /// An order driven into `status` through allowed events (partiallyFilled has 40 filled).
  static func order(in status: OrderStatus) throws -> Order {
    var order = try makeOrder()
    let path: [OrderEvent] =
      switch status {
      case .new: []
      case .accepted: [.accept]
      case .partiallyFilled: [.accept, .fill(try fill("t-p", 40, "150"))]
      case .filled: [.accept, .fill(try fill("t-f", 100, "150"))]
      case .pendingCancel: [.accept, .requestCancel]
      case .cancelled: [.accept, .cancel]
      case .rejected: [.reject(reason: "x")]
      case .expired: [.accept, .expire]
      case .replaced: [.accept, .replace(by: try OrderID("ord-0"))]
      }
    for event in path { try order.apply(event) }
    #expect(order.status == status)
    return order
  }

  /// The expected table, written out independently of the implementation (fill = a partial
  /// 10-share fill; missing pairs are invalid).
  static let expected: [OrderStatus: [OrderEvent.Kind: OrderStatus]] = [
    .new: [.accept: .accepted, .reject: .rejected, .fill: .partiallyFilled, .cancel: .cancelled],
    .accepted: [
      .fill: .partiallyFilled, .requestCancel: .pendingCancel, .cancel: .cancelled, .expire: .expired,
      .replace: .replaced,
    ],
    .partiallyFilled: [
      .fill: .partiallyFilled, .requestCancel: .pendingCancel, .cancel: .cancelled, .expire: .expired,
      .replace: .replaced,
    ],
    .pendingCancel: [.fill: .pendingCancel, .cancel: .cancelled, .cancelRejected: .accepted, .expire: .expired],
  ]

  @Test("every (state, event) pair follows the table", arguments: OrderStatus.allCases, OrderEvent.Kind.allCases)
  func table(status: OrderStatus, kind: OrderEvent.Kind) throws {
    var order = try Self.order(in: status)
    let before = order
    if let next = Self.expected[status]?[kind] {
      try order.apply(try Self.event(kind))
      #expect(order.status == next)
    } else {
      #expect(throws: OrderError.invalidTransition(from: status, event: kind)) { try order.apply(try Self.event(kind)) }
      #expect(order == before)
      #expect(OrderStatus.transition(from: status, on: kind) == nil)
    }
  }

  @Test("terminal states are exactly filled, cancelled, rejected, expired, replaced")
  func terminal() {
    #expect(OrderStatus.allCases.filter(\.isTerminal) == [.filled, .cancelled, .rejected, .expired, .replaced])
    for status in OrderStatus.allCases where status.isTerminal {
      #expect(OrderEvent.Kind.allCases.allSatisfy { OrderStatus.transition(from: status, on: $0) == nil })
    }
  }

  @Test("fills complete the order; a cancel reject after fills resumes as partially filled")
  func fillPaths() throws {
    var order = try Self.order(in: .pendingCancel)
    try order.apply(.fill(Self.fill("a", 30, "150")))
    #expect(order.status == .pendingCancel)
    try order.apply(.cancelRejected(reason: "already routed"))
    #expect(order.status == .partiallyFilled)
    #expect(order.lastReason == "already routed")
    try order.apply(.fill(Self.fill("b", 70, "151")))
    #expect(order.status == .filled)
    #expect(order.remainingQuantity == 0)

    var racing = try Self.order(in: .pendingCancel)
    try racing.apply(.fill(Self.fill("c", 100, "150")))
    #expect(racing.status == .filled)

    var direct = try Self.makeOrder()
    try direct.apply(.fill(Self.fill("d", 100, "149.99")))
    #expect(direct.status == .filled)
  }

  @Test("reject reason and replacement are kept")
  func payloads() throws {
    let rejected = try Self.makeOrder().applying(.reject(reason: "no buying power"))
    #expect(rejected.lastReason == "no buying power")
    let replaced = try Self.order(in: .replaced)
    #expect(replaced.replacedBy == (try OrderID("ord-0")))
  }

  @Test("volume-weighted average price, exact notional, documented rounding")
  func averagePrice() throws {
    var order = try Self.order(in: .accepted)
    #expect(order.averageFillPrice == nil)
    try order.apply(.fill(Self.fill("1", 30, "150.10")))
    #expect(order.averageFillPrice == "150.1")
    try order.apply(.fill(Self.fill("2", 10, "150.50")))
    #expect(order.averageFillPrice == "150.2")
    try order.apply(.fill(Self.fill("3", 20, "150.00")))
    // (4503 + 1505 + 3000) / 60 = 150.1333…, half-to-even at 12 decimals
    #expect(order.averageFillPrice == "150.133333333333")
    #expect(try order.filledNotional() == Money("9008"))
    #expect(order.filledQuantity == 60)
    #expect(order.remainingQuantity == 40)
    #expect(order.fills.map(\.tradeID.rawValue) == ["1", "2", "3"])
  }

  @Test("fill errors are typed and leave the order unchanged")
  func fillErrors() throws {
    var order = try Self.order(in: .partiallyFilled)
    let before = order
    #expect(throws: OrderError.overfill(orderID: Self.orderID, ordered: 100, alreadyFilled: 40, fill: "60.000000000001")) {
      try order.apply(.fill(Self.fill("x", "60.000000000001", "150")))
    }
    #expect(throws: OrderError.duplicateFill(try TradeID("t-p"))) { try order.apply(.fill(Self.fill("t-p", 1, "150"))) }
    let other = try OrderID("ord-9")
    #expect(throws: OrderError.fillForOtherOrder(expected: Self.orderID, received: other)) {
      try order.apply(.fill(Self.fill("y", 1, "150", order: other)))
    }
    #expect(throws: OrderError.invalidFill(tradeID: try TradeID("z"), quantity: 0, price: 150)) {
      try order.apply(.fill(Self.fill("z", 0, "150")))
    }
    #expect(throws: OrderError.invalidFill(tradeID: try TradeID("w"), quantity: 1, price: 0)) {
      try order.apply(.fill(Self.fill("w", 1, 0)))
    }
    #expect(order == before)
  }

  @Test("notional overflow is an arithmetic error, not a trap")
  func notionalOverflow() throws {
    var order = try Self.makeOrder(quantity: "100000000000000", type: .market, limit: nil)
    #expect(throws: OrderError.arithmetic(.overflow)) {
      try order.apply(.fill(Self.fill("big", "100000000000000", "100000000000000")))
    }
    #expect(order.filledQuantity == 0)
  }

  @Test("creation checks quantity and limit price")
  func creation() throws {
    #expect(throws: OrderError.nonPositiveQuantity(0)) { try Self.makeOrder(quantity: 0) }
    #expect(throws: OrderError.nonPositiveQuantity(-1)) { try Self.makeOrder(quantity: -1) }
    #expect(throws: OrderError.missingLimitPrice(.limit)) { try Self.makeOrder(limit: nil) }
    #expect(throws: OrderError.unexpectedLimitPrice(.market)) { try Self.makeOrder(type: .market, limit: 1) }
    #expect(throws: OrderError.nonPositiveLimitPrice(0)) { try Self.makeOrder(limit: 0) }
    #expect(try Self.makeOrder(type: .smartLimit, limit: nil).limitPrice == nil)
    #expect(try Self.makeOrder(type: .market, limit: nil).status == .new)
  }

  @Test("messages")
  func messages() {
    #expect(OrderError.invalidTransition(from: .filled, event: .cancel).description == "order in state filled cannot take event cancel")
  }

  @Test("property: the average is Σpq/Σq within half a unit of the 12th decimal, between the extremes, never overfilled")
  func averageLaw() throws {
    var rng = SeededGenerator(seed: 0x0_4D3)
    var overfills = 0
    for round in 0..<200 {
      var order = try Self.makeOrder(quantity: 1_000, type: .market, limit: nil)
      try order.apply(.accept)
      var sumPQ: Int128 = 0
      var sumQ: Int128 = 0
      var prices: [Price] = []
      for index in 0..<8 {
        let quantity = Quantity(value: FixedDecimal(rawValue: Int128(rng.next() % 300 + 1) * 1_000_000_000))  // × 1000 below: 1 … 300 shares in 0.001 steps
        let price = Price(value: FixedDecimal(rawValue: Int128(rng.next() % 2_000_000 + 1) * 100_000_000))  // 0.0001 … 200
        let fill = try Self.fill("r\(round)-\(index)", Quantity(value: quantity.value.multiplied(by: 1_000)), price)
        do {
          try order.apply(.fill(fill))
          sumPQ += price.value.rawValue * fill.quantity.value.rawValue
          sumQ += fill.quantity.value.rawValue
          prices.append(price)
        } catch {
          overfills += 1
          let expected: OrderError =
            order.status == .filled
            ? .invalidTransition(from: .filled, event: .fill)
            : .overfill(orderID: Self.orderID, ordered: 1_000, alreadyFilled: order.filledQuantity, fill: fill.quantity)
          #expect(error == expected)
        }
      }
      #expect(order.filledQuantity.value.rawValue == sumQ)
      #expect(order.filledQuantity <= order.quantity)
      let average = try #require(order.averageFillPrice)
      // |average × Σq − Σpq| <= Σq / 2 (in raw units): half-to-even at the 12th decimal.
      #expect((average.value.rawValue * sumQ - sumPQ).magnitude * 2 <= sumQ.magnitude)
      #expect(average >= prices.min()! && average <= prices.max()!)
    }
    #expect(overfills > 0)
  }
}

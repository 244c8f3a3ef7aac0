import Testing

@testable import SlipstreamDomain

@Suite("Order adapters for risk, routing and cost basis")
struct OrderAdapterTests {
  func order(_ type: OrderType, limit: Price?) throws -> Order {
    try Order(
      id: OrderID("o-1"), clientOrderID: ClientOrderID("c-1"), tenant: TenantID("t"), user: UserID("u"),
      symbol: Fixture.aapl, side: .buy, type: type, timeInForce: .day, quantity: 300, limitPrice: limit)
  }

  @Test("a limit order keeps its limit price for risk and routing")
  func limitOrder() throws {
    let limit = try order(.limit, limit: "125")
    #expect(RiskOrder(limit) == RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 300, limitPrice: "125"))
    let request = RoutingRequest(limit, referencePrice: "999")
    #expect(request.referencePrice == "125")
    #expect(try request.notional() == Fixture.usd("37500"))
    let check = PreTradeRiskCheck(limits: RiskLimits(maxOrderNotional: Fixture.usd("30000")))
    #expect(check.evaluate(RiskOrder(limit), in: RiskContext(now: Fixture.t(0))) == [
      .notionalAboveLimit(notional: Fixture.usd("37500"), limit: Fixture.usd("30000"))
    ])
  }

  @Test("a market order is priced at the reference price")
  func marketOrder() throws {
    let market = try order(.market, limit: nil)
    #expect(RiskOrder(market).limitPrice == nil)
    #expect(RoutingRequest(market, referencePrice: "100").referencePrice == "100")
  }

  @Test("fills drive the cost basis")
  func fills() throws {
    var tracker = CostBasisTracker(method: .fifo)
    let buy = Fill(tradeID: try TradeID("f1"), orderID: try OrderID("o1"), quantity: 10, price: "50", timestamp: Fixture.t(0))
    let sell = Fill(tradeID: try TradeID("f2"), orderID: try OrderID("o2"), quantity: 4, price: "55", timestamp: Fixture.t(1))
    #expect(try tracker.apply(buy, side: .buy) == Fixture.usd("0"))
    #expect(try tracker.apply(sell, side: .sell) == Fixture.usd("20"))
    #expect(tracker.quantity == 6)
  }
}

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

@Suite("Contract multipliers and quote currencies in notionals")
struct NotionalUnitsTests {
  let option = Fixture.symbol("AAPL250117C00150000")

  @Test("an options order's notional counts 100 units per contract")
  func optionsNotional() throws {
    let check = PreTradeRiskCheck(limits: RiskLimits(maxOrderNotional: Fixture.usd("1000")))
    let order = RiskOrder(symbol: option, side: .buy, quantity: 3, limitPrice: "4")
    #expect(order.contractMultiplier == 100)
    #expect(check.evaluate(order, in: RiskContext(now: Fixture.t(0))) == [
      .notionalAboveLimit(notional: Fixture.usd("1200"), limit: Fixture.usd("1000"))
    ])
    let request = RoutingRequest(symbol: option, side: .buy, quantity: 3, referencePrice: "4")
    #expect(try request.notional() == Fixture.usd("1200"))
    #expect(RoutingRequest(symbol: Fixture.aapl, side: .buy, quantity: 3, referencePrice: "4", contractMultiplier: 10).contractMultiplier == 10)
  }

  @Test("notionals are in the instrument's quote currency; a rule in another currency never matches")
  func quoteCurrency() throws {
    let ethBTC = Fixture.symbol("ETH/BTC")
    let request = RoutingRequest(symbol: ethBTC, side: .buy, quantity: 10, referencePrice: "0.05")
    #expect(try request.notional() == Money(amount: "0.5", currency: .btc))
    #expect(!RoutingRule(.notionalAtLeast(Fixture.usd("0.1")), broker: .coinbase).matches(request))
    #expect(RoutingRule(.notionalAtLeast(Money(amount: "0.1", currency: .btc)), broker: .coinbase).matches(request))
    let check = PreTradeRiskCheck(limits: RiskLimits(maxOrderNotional: Fixture.usd("1000")))
    let order = RiskOrder(symbol: ethBTC, side: .buy, quantity: 10, limitPrice: "0.05")
    #expect(check.evaluate(order, in: RiskContext(now: Fixture.t(0))) == [.arithmetic(.currencyMismatch(.usd, .btc))])
  }
}

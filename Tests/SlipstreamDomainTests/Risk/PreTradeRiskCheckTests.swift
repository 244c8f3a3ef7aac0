import Testing

@testable import SlipstreamDomain

@Suite("PreTradeRiskCheck")
struct PreTradeRiskCheckTests {
  static let limits = RiskLimits(
    maxOrderQuantity: 1_000, maxOrderNotional: Fixture.usd("100000"), maxPositionPerSymbol: 1_500,
    dailyLossLimit: Fixture.usd("5000"), priceCollar: "0.05", allowedAssetClasses: [.equity, .crypto])
  let check = PreTradeRiskCheck(limits: limits)
  let quote = Fixture.quote(Fixture.aapl, bid: "99.90", ask: "100.10")

  func context(position: Quantity = .zero, pnl: String = "0", quote: Quote?? = .none) -> RiskContext {
    RiskContext(now: Fixture.t(0), position: position, dailyPnL: Fixture.usd(pnl), quote: quote ?? self.quote)
  }

  @Test("an order inside every limit passes")
  func passes() throws {
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 500, limitPrice: "101")
    #expect(check.evaluate(order, in: context()).isEmpty)
    try check.check(order, in: context())
  }

  @Test("the notional message names both amounts")
  func notionalMessage() {
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1_000, limitPrice: "125")
    let violations = check.evaluate(order, in: context(quote: Fixture.quote(Fixture.aapl, bid: "124.9", ask: "125.1")))
    #expect(violations == [.notionalAboveLimit(notional: Fixture.usd("125000"), limit: Fixture.usd("100000"))])
    #expect(violations[0].description == "Order notional $125,000.00 exceeds limit $100,000.00.")
  }

  @Test(
    "each limit on its own",
    arguments: [
      ("quantity", RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1_001, limitPrice: "99"), "0", Quantity.zero,
       RiskViolation.quantityAboveLimit(quantity: 1_001, limit: 1_000)),
      ("asset class", RiskOrder(symbol: Fixture.eurusd, side: .buy, quantity: 10, limitPrice: nil), "0", .zero,
       .assetClassNotAllowed(.forex, allowed: [.equity, .crypto])),
      ("position long", RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 600, limitPrice: "100"), "0", 1_000,
       .positionAboveLimit(symbol: Fixture.aapl, resulting: 1_600, limit: 1_500)),
      ("position short", RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 900, limitPrice: "100"), "0", -700,
       .positionAboveLimit(symbol: Fixture.aapl, resulting: -1_600, limit: 1_500)),
      ("daily loss at limit", RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "100"), "-5000", .zero,
       .dailyLossLimitReached(loss: Fixture.usd("5000"), limit: Fixture.usd("5000"))),
      ("collar", RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "105.01"), "0", .zero,
       .priceOutsideCollar(limitPrice: "105.01", mid: "100", deviation: "0.0501", maximum: "0.05")),
      ("collar below", RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 1, limitPrice: "94.5"), "0", .zero,
       .priceOutsideCollar(limitPrice: "94.5", mid: "100", deviation: "0.055", maximum: "0.05")),
    ])
  func singleViolation(label: String, order: RiskOrder, pnl: String, position: Quantity, expected: RiskViolation) {
    #expect(check.evaluate(order, in: context(position: position, pnl: pnl)) == [expected], "\(label)")
  }

  @Test("boundaries: exactly at a limit passes", arguments: [
    RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1_000, limitPrice: "100"),  // notional = limit
    RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "105"),  // collar = 5 %
    RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 1, limitPrice: "95"),
  ])
  func boundaries(order: RiskOrder) {
    #expect(check.evaluate(order, in: context(pnl: "-4999.99")).isEmpty)
  }

  @Test("all failures are reported in order, or only the first")
  func allOrFirst() {
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 2_000, limitPrice: "120")
    let all = check.evaluate(order, in: context(position: 0, pnl: "-6000"))
    #expect(all == [
      .quantityAboveLimit(quantity: 2_000, limit: 1_000),
      .notionalAboveLimit(notional: Fixture.usd("240000"), limit: Fixture.usd("100000")),
      .positionAboveLimit(symbol: Fixture.aapl, resulting: 2_000, limit: 1_500),
      .dailyLossLimitReached(loss: Fixture.usd("6000"), limit: Fixture.usd("5000")),
      .priceOutsideCollar(limitPrice: "120", mid: "100", deviation: "0.2", maximum: "0.05"),
    ])
    let first = check.evaluate(order, in: context(pnl: "-6000"), mode: .firstFailure)
    #expect(first == [.quantityAboveLimit(quantity: 2_000, limit: 1_000)])
    #expect(throws: RiskRejection(violations: first)) {
      try check.check(order, in: context(pnl: "-6000"), mode: .firstFailure)
    }
  }

  @Test("market orders price the notional at the mid; without a quote the check says so")
  func marketOrders() {
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1_000)
    let wide = Fixture.quote(Fixture.aapl, bid: "110", ask: "110.2")
    #expect(check.evaluate(order, in: context(quote: wide)) == [
      .notionalAboveLimit(notional: Fixture.usd("110100"), limit: Fixture.usd("100000"))
    ])
    let noQuote = check.evaluate(order, in: context(quote: .some(nil)))
    #expect(noQuote == [.quoteRequired(symbol: Fixture.aapl, check: "notional")])
    let limited = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "100")
    #expect(check.evaluate(limited, in: context(quote: .some(nil))) == [.quoteRequired(symbol: Fixture.aapl, check: "price collar")])
    #expect(noQuote[0].description == "The notional check needs a current quote for AAPL; subscribe to it or send a limit price.")
  }

  @Test("a notional limit in another currency is an arithmetic violation, not a pass")
  func currencyMismatch() throws {
    var limits = Self.limits
    limits.dailyLossLimit = Money(amount: 5, currency: .eur)
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "100")
    let violations = PreTradeRiskCheck(limits: limits).evaluate(order, in: context(pnl: "-1"))
    #expect(violations == [.arithmetic(.currencyMismatch(.usd, .eur))])
  }

  @Test("the kill switch refuses everything and is reported alone")
  func killSwitch() {
    var ctx = context()
    ctx.killSwitch.engage(reason: "operator emergency stop", at: Fixture.t(0))
    let order = RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 5_000, limitPrice: "1")
    let violations = check.evaluate(order, in: ctx)
    #expect(violations == [.killSwitchEngaged(reason: "operator emergency stop")])
    #expect(violations[0].description == "Trading is halted by the kill switch (operator emergency stop); release it to place orders.")
    ctx.killSwitch.release()
    #expect(!ctx.killSwitch.isEngaged)
    #expect(check.evaluate(RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 1, limitPrice: "100"), in: ctx).isEmpty)
  }

  @Test("a tripped circuit breaker refuses orders until it resets")
  func circuitBreaker() throws {
    var breaker = try CircuitBreaker(configuration: .init(
      window: .seconds(3600), lossThreshold: Fixture.usd("1000"), reset: .afterCoolDown(.seconds(900))))
    try breaker.record(realizedPnL: Fixture.usd("-1500"), at: Fixture.t(0))
    var ctx = context()
    ctx.circuitBreaker = breaker
    ctx.now = Fixture.t(60)
    let order = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "100")
    let violation = RiskViolation.circuitBreakerTripped(
      loss: Fixture.usd("1500"), threshold: Fixture.usd("1000"), resetsAt: Fixture.t(900))
    #expect(check.evaluate(order, in: ctx) == [violation])
    ctx.now = Fixture.t(900)
    #expect(check.evaluate(order, in: ctx).isEmpty)
  }

  @Test("drawdown blocks buys but not sells")
  func drawdown() throws {
    var control = try DrawdownControl(maxDrawdown: "0.1")
    try control.record(equity: Fixture.usd("100000"))
    try control.record(equity: Fixture.usd("89000"))
    var ctx = context()
    ctx.drawdown = control
    let buy = RiskOrder(symbol: Fixture.aapl, side: .buy, quantity: 1, limitPrice: "100")
    let sell = RiskOrder(symbol: Fixture.aapl, side: .sell, quantity: 1, limitPrice: "100")
    #expect(check.evaluate(buy, in: ctx) == [.drawdownBlocksBuys(drawdown: "0.11", limit: "0.1")])
    #expect(check.evaluate(sell, in: ctx).isEmpty)
    #expect(RiskViolation.drawdownBlocksBuys(drawdown: "0.11", limit: "0.1").description
      == "New buys are blocked: drawdown 11.00 % from peak equity exceeds the limit 10.00 %; sells are still allowed.")
  }
}

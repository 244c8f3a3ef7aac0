import Testing

@testable import SlipstreamDomain

@Suite("Smart-limit pricing, re-peg and escalation")
struct SmartLimitTests {
  static func instrument(_ symbol: String) throws -> Instrument {
    try InstrumentCatalog.defaults.instrument(for: Symbol(symbol))
  }

  /// A struct row, not a tuple (see `QuoteTests.RejectionRow`).
  struct PriceRow: Sendable, CustomTestStringConvertible {
    var symbol = "AAPL"
    var bid: Price, ask: Price
    var buy: Price, sell: Price
    var testDescription: String { "\(symbol) \(bid)/\(ask)" }
  }

  static let wideCaps = SpreadThresholds(equity: "0.05", forex: "0.05", crypto: "0.05", options: "0.05")

  @Test(
    "one tick inside the touch, joining when the spread is one tick, on the grid",
    arguments: [
      PriceRow(bid: 100, ask: "100.05", buy: "100.01", sell: "100.04"),
      PriceRow(bid: 100, ask: "100.02", buy: "100.01", sell: "100.01"),
      PriceRow(bid: 100, ask: "100.01", buy: 100, sell: "100.01"),  // one tick: join
      PriceRow(bid: "100.004", ask: "100.046", buy: "100.01", sell: "100.04"),  // sub-penny quotes
      PriceRow(bid: "100.005", ask: "100.012", buy: "100.01", sell: "100.01"),  // sub-penny, both inside
      PriceRow(bid: "100.005", ask: "100.009", buy: 100, sell: "100.01"),  // improving would cross: join, rounded
      PriceRow(bid: "0.5", ask: "0.5003", buy: "0.5001", sell: "0.5002"),  // sub-dollar tick
      PriceRow(bid: "0.9999", ask: 1, buy: "0.9999", sell: 1),  // one sub-dollar tick across the boundary
      PriceRow(bid: "0.98", ask: 1, buy: "0.9801", sell: "0.9999"),  // the tick below 1.00 is 0.0001
      PriceRow(symbol: "BTC/USD", bid: 65000, ask: "65000.5", buy: "65000.01", sell: "65000.49"),
      PriceRow(symbol: "EUR/USD", bid: "1.0850", ask: "1.0853", buy: "1.0851", sell: "1.0852"),
      PriceRow(symbol: "AAPL250117C00150000", bid: "2.40", ask: "2.50", buy: "2.45", sell: "2.45"),
    ])
  func pricing(row: PriceRow) throws {
    let pricer = SmartLimitPricer(spreadCaps: Self.wideCaps)
    let quote = try Fixtures.quote(row.symbol, bid: row.bid, ask: row.ask)
    let instrument = try Self.instrument(row.symbol)
    #expect(try pricer.price(side: .buy, quote: quote, instrument: instrument) == row.buy)
    #expect(try pricer.price(side: .sell, quote: quote, instrument: instrument) == row.sell)
  }

  @Test("refusals: spread over the cap, thin touch, unusable quote")
  func refusals() throws {
    let aapl = try Self.instrument("AAPL")
    let wide = try Fixtures.quote(bid: "99.925", ask: "100.075")
    #expect(throws: SmartLimitRefusal.spreadTooWide(spread: "0.0015", cap: "0.001")) {
      try SmartLimitPricer.defaults.price(side: .buy, quote: wide, instrument: aapl)
    }
    let thinBid = try Fixtures.quote(bid: 100, ask: "100.05", bidSize: 99, askSize: 1_000)
    #expect(throws: SmartLimitRefusal.insufficientSizeAtTouch(available: 99, minimum: 100)) {
      try SmartLimitPricer.defaults.price(side: .buy, quote: thinBid, instrument: aapl)
    }
    #expect(try SmartLimitPricer.defaults.price(side: .sell, quote: thinBid, instrument: aapl) == "100.04")
    let thinAsk = try Fixtures.quote(bid: 100, ask: "100.05", bidSize: 1_000, askSize: 0)
    #expect(throws: SmartLimitRefusal.insufficientSizeAtTouch(available: 0, minimum: 100)) {
      try SmartLimitPricer.defaults.price(side: .sell, quote: thinAsk, instrument: aapl)
    }
    let crossed = try Fixtures.quote(bid: 101, ask: 100)
    #expect(throws: SmartLimitRefusal.invalidQuote(.crossed(bid: 101, ask: 100))) {
      try SmartLimitPricer.defaults.price(side: .buy, quote: crossed, instrument: aapl)
    }
    // No minimum for crypto by default: a 0.01 BTC touch is fine.
    let btc = try Fixtures.quote("BTC/USD", bid: 65000, ask: "65000.5", bidSize: "0.01", askSize: "0.01")
    #expect(try SmartLimitPricer.defaults.price(side: .buy, quote: btc, instrument: Self.instrument("BTC/USD")) == "65000.01")
    #expect(
      SmartLimitRefusal.spreadTooWide(spread: "0.0015", cap: "0.001").description
        == "smart limit refused: Spread 0.15% exceeds threshold 0.10%")
  }

  @Test(
    "re-peg decisions",
    arguments: [
      (Price(100), Price("100.1"), 0, RepegPolicy.Decision.hold),  // exactly 0.10 %: not more
      (100, "100.100000000001", 0, .repeg), (100, "99.89", 4, .repeg), (100, "100.2", 5, .escalate),
      (100, "100.05", 5, .hold),
    ])
  func repeg(reference: Price, current: Price, done: Int, decision: RepegPolicy.Decision) throws {
    #expect(try RepegPolicy.defaults.decide(referenceMid: reference, currentMid: current, repegsDone: done) == decision)
  }

  @Test("re-peg with a zero reference is a typed error")
  func repegZeroReference() {
    #expect(throws: AmountError.divisionByZero) {
      try RepegPolicy.defaults.decide(referenceMid: 0, currentMid: 1, repegsDone: 0)
    }
  }

  @Test("escalation on the remaining quantity")
  func escalation() throws {
    let aapl = try Self.instrument("AAPL")
    let quote = try Fixtures.quote(bid: 100, ask: "100.05")
    #expect(
      try EscalationPolicy.defaults.escalate(side: .buy, remaining: 40, quote: quote, instrument: aapl)
        == EscalatedOrder(type: .limit, limitPrice: "100.06", quantity: 40))
    #expect(
      try EscalationPolicy.marketableLimit(ticksThrough: 3).escalate(side: .sell, remaining: 7, quote: quote, instrument: aapl)
        == EscalatedOrder(type: .limit, limitPrice: "99.97", quantity: 7))
    #expect(
      try EscalationPolicy.marketableLimit(ticksThrough: 0).escalate(side: .buy, remaining: 1, quote: quote, instrument: aapl)
        .limitPrice == "100.05")
    #expect(
      try EscalationPolicy.market.escalate(side: .sell, remaining: 5, quote: quote, instrument: aapl)
        == EscalatedOrder(type: .market, limitPrice: nil, quantity: 5))
    #expect(throws: SmartLimitRefusal.nothingRemaining) {
      try EscalationPolicy.market.escalate(side: .sell, remaining: 0, quote: quote, instrument: aapl)
    }
    let penny = try Fixtures.quote(bid: "0.0001", ask: "0.0002")
    #expect(throws: SmartLimitRefusal.nonPositiveEscalationPrice("-0.0001")) {
      try EscalationPolicy.marketableLimit(ticksThrough: 2).escalate(side: .sell, remaining: 1, quote: penny, instrument: aapl)
    }
    #expect(throws: SmartLimitRefusal.invalidQuote(.locked(price: 100))) {
      try EscalationPolicy.defaults.escalate(side: .buy, remaining: 1, quote: Fixtures.quote(bid: 100, ask: 100), instrument: aapl)
    }
  }

  @Test("an execution re-pegs up to the maximum, then escalates the remaining quantity")
  func execution() throws {
    var execution = SmartLimitExecution(side: .buy, instrument: try Self.instrument("AAPL"))
    #expect(try execution.start(quote: Fixtures.quote(bid: 100, ask: "100.04")) == "100.01")
    #expect(execution.referenceMid == "100.02")
    // A move of 0.05 % holds.
    #expect(try execution.onQuote(Fixtures.quote(bid: "100.05", ask: "100.09"), remaining: 100) == .hold)
    var bid: Price = 100
    for count in 1...5 {
      bid = try bid + "0.5"
      let action = try execution.onQuote(Fixtures.quote(bid: bid, ask: bid + "0.04"), remaining: 100)
      #expect(action == .reprice(try bid + "0.01"))
      #expect(execution.repegCount == count)
    }
    bid = try bid + "0.5"
    let escalated = try execution.onQuote(Fixtures.quote(bid: bid, ask: bid + "0.04"), remaining: 60)
    #expect(escalated == .escalate(EscalatedOrder(type: .limit, limitPrice: try bid + "0.05", quantity: 60)))
    #expect(execution.workingPrice == (try bid + "0.05"))
    #expect(try execution.onQuote(Fixtures.quote(bid: 200, ask: "200.04"), remaining: 60) == .hold)
  }

  @Test("a refused re-peg leaves the execution unchanged; a first quote starts it")
  func executionErrors() throws {
    var execution = SmartLimitExecution(side: .sell, instrument: try Self.instrument("AAPL"))
    #expect(try execution.onQuote(Fixtures.quote(bid: 100, ask: "100.04"), remaining: 100) == .reprice("100.03"))
    let before = execution
    #expect(throws: SmartLimitRefusal.spreadTooWide(spread: "0.004987531173", cap: "0.001")) {
      try execution.onQuote(Fixtures.quote(bid: 100, ask: "100.5"), remaining: 100)
    }
    #expect(throws: SmartLimitRefusal.invalidQuote(.nonPositivePrice(side: .bid, price: 0))) {
      try execution.onQuote(Fixtures.quote(bid: 0, ask: "100.5"), remaining: 100)
    }
    #expect(execution == before)
    let escalated = try execution.escalate(quote: Fixtures.quote(bid: 100, ask: "100.04"), remaining: 10)
    #expect(escalated == EscalatedOrder(type: .limit, limitPrice: "99.99", quantity: 10))
    #expect(execution.escalation == escalated)
  }

  @Test("property: smart prices are on the grid, never cross, and are at most one tick inside the touch")
  func neverCrosses() throws {
    var rng = SeededGenerator(seed: 0x5A_A27)
    let pricer = SmartLimitPricer(spreadCaps: SpreadThresholds(equity: 1, forex: 1, crypto: 1, options: 1))
    let aapl = try Self.instrument("AAPL")
    for _ in 0..<1_000 {
      let bidRaw = Int128(rng.next() % 3_000_000 + 1) * 100_000_000  // 0.0001 … 300 by 0.0001
      let askRaw = bidRaw + Int128(rng.next() % 1_000 + 1) * 10_000_000  // + 0.00001 … 0.01
      let quote = try Fixtures.quote(
        bid: Price(value: FixedDecimal(rawValue: bidRaw)), ask: Price(value: FixedDecimal(rawValue: askRaw)))
      let buy = try pricer.price(side: .buy, quote: quote, instrument: aapl)
      let sell = try pricer.price(side: .sell, quote: quote, instrument: aapl)
      #expect(aapl.tickSizeRule.isOnTick(buy) && aapl.tickSizeRule.isOnTick(sell))
      #expect(buy < quote.ask && sell > quote.bid)
      #expect(buy <= (try quote.bid + aapl.tick(at: quote.bid)))
      #expect(sell >= (try quote.ask - aapl.tick(at: quote.ask)))
      #expect(buy >= (try aapl.round(price: quote.bid, .down)))
      #expect(sell <= (try aapl.round(price: quote.ask, .up)))
    }
  }
}

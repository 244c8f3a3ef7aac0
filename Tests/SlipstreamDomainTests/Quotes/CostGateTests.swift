import Testing

@testable import SlipstreamDomain

@Suite("Cost gate, slippage, savings")
struct CostGateTests {
  @Test(
    "default thresholds per asset class",
    arguments: [
      (AssetClass.equity, FixedDecimal("0.001")), (.forex, "0.0005"), (.crypto, "0.002"), (.options, "0.005"),
    ])
  func defaults(assetClass: AssetClass, threshold: FixedDecimal) {
    #expect(SpreadThresholds.defaults[assetClass] == threshold)
    #expect(CostGate().threshold(for: assetClass) == threshold)
  }

  @Test(
    "decisions against the asset class threshold",
    arguments: [
      ("AAPL", Price("99.925"), Price("100.075"), CostDecision.downgrade(to: .wait, reason: "Spread 0.15% exceeds threshold 0.10%")),
      ("AAPL", "99.95", "100.05", .execute),  // exactly 0.10 %: executes
      ("AAPL", "99.95", "100.050000000001", .downgrade(to: .wait, reason: "Spread 0.11% exceeds threshold 0.10%")),
      ("EUR/USD", "1.0849", "1.0851", .execute),
      ("EUR/USD", "1.0845", "1.0855", .downgrade(to: .wait, reason: "Spread 0.10% exceeds threshold 0.05%")),
      ("BTC/USD", "64900", "65100", .downgrade(to: .wait, reason: "Spread 0.31% exceeds threshold 0.20%")),
      ("BTC/USD", "64990", "65010", .execute),
      ("AAPL250117C00150000", "2.40", "2.60", .downgrade(to: .wait, reason: "Spread 8.00% exceeds threshold 0.50%")),
      ("AAPL250117C00150000", "99.75", "100.25", .execute),
    ])
  func decisions(symbol: String, bid: Price, ask: Price, decision: CostDecision) throws {
    let quote = try Fixtures.quote(symbol, bid: bid, ask: ask)
    #expect(try CostGate().evaluate(quote, side: .buy, quantity: 100) == decision)
  }

  @Test("strategy override beats global override beats asset class")
  func precedence() throws {
    let strategy = try StrategyID("momentum")
    let other = try StrategyID("other")
    var gate = CostGate()
    let quote = try Fixtures.quote(bid: "99.925", ask: "100.075")  // 0.15 %
    gate.globalOverride = try SpreadThresholds.fraction(percent: "0.20")
    #expect(try gate.evaluate(quote, side: .sell, quantity: 1) == .execute)
    gate.strategyOverrides[strategy] = try SpreadThresholds.fraction(percent: "0.05")
    #expect(
      try gate.evaluate(quote, side: .sell, quantity: 1, strategy: strategy)
        == .downgrade(to: .wait, reason: "Spread 0.15% exceeds threshold 0.05%"))
    #expect(try gate.evaluate(quote, side: .sell, quantity: 1, strategy: other) == .execute)
    gate.globalOverride = nil
    gate.thresholds[.equity] = "0.0015"
    #expect(try gate.evaluate(quote, side: .sell, quantity: 1) == .execute)
    #expect(gate.thresholds.equity == "0.0015")
  }

  @Test("unusable quotes are rejected before any decision")
  func rejectsBadQuotes() throws {
    #expect(throws: QuoteRejection.crossed(bid: 101, ask: 100)) {
      try CostGate().evaluate(Fixtures.quote(bid: 101, ask: 100), side: .buy, quantity: 1)
    }
    #expect(throws: QuoteRejection.locked(price: 100)) {
      try CostGate().evaluate(Fixtures.quote(bid: 100, ask: 100), side: .buy, quantity: 1)
    }
  }

  @Test("arithmetic overflow on extreme prices is a typed rejection")
  func overflow() throws {
    let huge = try Fixtures.quote(
      bid: Price(value: FixedDecimal(rawValue: .max - 1)), ask: Price(value: FixedDecimal(rawValue: .max)))
    #expect(throws: QuoteRejection.arithmetic(.overflow)) { try CostGate().evaluate(huge, side: .buy, quantity: 1) }
    let aapl = try InstrumentCatalog.defaults.instrument(for: Symbol("AAPL"))
    #expect(throws: SmartLimitRefusal.arithmetic(.overflow)) {
      try SmartLimitPricer.defaults.price(side: .buy, quote: huge, instrument: aapl)
    }
  }

  @Test("reason formatting: spread rounds up, threshold half-to-even, two decimals")
  func reasonFormatting() throws {
    #expect(try CostGate.reason(spread: "0.001001", threshold: "0.001") == "Spread 0.11% exceeds threshold 0.10%")
    #expect(try CostGate.reason(spread: "0.0013", threshold: "0.00125") == "Spread 0.13% exceeds threshold 0.12%")
    #expect(try CostGate.reason(spread: "0.5", threshold: "0.002") == "Spread 50.00% exceeds threshold 0.20%")
    #expect(throws: AmountError.precisionLoss) { try SpreadThresholds.fraction(percent: "0.000000000001") }
  }

  @Test("analysis: far-touch notional and half-spread slippage")
  func analysis() throws {
    let quote = try Fixtures.quote(bid: "99.925", ask: "100.075")
    let buy = try CostGate().analyze(quote, side: .buy, quantity: 100)
    #expect(buy.notional == (try Money("10007.5")))
    #expect(buy.estimatedSlippage == (try Money("7.5")))
    #expect(buy.spread == "0.0015")
    #expect(buy.threshold == "0.001")
    let sell = try CostGate().analyze(quote, side: .sell, quantity: 100)
    #expect(sell.notional == (try Money("9992.5")))
    let options = CostGate(slippageModel: SlippageModel(contractMultiplier: 100))
    let contract = try options.analyze(
      Fixtures.quote("AAPL250117C00150000", bid: "2.40", ask: "2.41"), side: .buy, quantity: 2)
    #expect(contract.notional == (try Money("482")))
    #expect(contract.estimatedSlippage == (try Money("1")))
  }

  @Test("slippage with the impact term and contract multiplier")
  func slippage() throws {
    let quote = try Fixtures.quote("ETH/USDT", bid: "2999", ask: "3001", bidSize: 4, askSize: 2)
    let plain = SlippageModel()
    #expect(try plain.estimate(quote, side: .buy, quantity: 1) == Money("1", currency: .usdt))
    let impact = SlippageModel(impactCoefficient: "0.5")
    // buy 1 against 2 displayed: 1 × (1 + 0.5 × 0.5) = 1.25
    #expect(try impact.estimate(quote, side: .buy, quantity: 1) == Money("1.25", currency: .usdt))
    // sell 2 against 4 displayed: 2 × (1 + 0.5 × 0.5) = 2.5
    #expect(try impact.estimate(quote, side: .sell, quantity: 2) == Money("2.5", currency: .usdt))
    let empty = try Fixtures.quote(bid: 1, ask: "1.02", bidSize: 0, askSize: 0)
    #expect(throws: AmountError.divisionByZero) { try impact.estimate(empty, side: .buy, quantity: 1) }
    let options = SlippageModel(contractMultiplier: 100)
    let optionQuote = try Fixtures.quote("AAPL250117C00150000", bid: "2.40", ask: "2.60")
    #expect(try options.estimate(optionQuote, side: .buy, quantity: 3) == Money("30"))
  }

  @Test("savings accumulate notional × spread per currency")
  func savings() throws {
    var savings = CostSavings()
    try savings.recordBlocked(notional: Money("10000"), spread: "0.0015")
    try savings.recordBlocked(notional: Money("2000"), spread: "0.002")
    try savings.recordBlocked(notional: Money("500", currency: .usdt), spread: "0.01")
    #expect(savings.avoidedCost() == (try Money("19")))
    #expect(savings.avoidedCost(in: .usdt) == (try Money("5", currency: .usdt)))
    #expect(savings.avoidedCost(in: .eur) == Money.zero(.eur))
    #expect(savings.totals[.usd]?.blockedSignals == 2)
    #expect(savings.totals[.usd]?.blockedNotional == 12000)

    let gate = CostGate()
    let wide = try gate.analyze(Fixtures.quote(bid: "99.925", ask: "100.075"), side: .buy, quantity: 100)
    let tight = try gate.analyze(Fixtures.quote(bid: "99.99", ask: "100.01"), side: .buy, quantity: 100)
    var fromGate = CostSavings()
    try fromGate.record(wide)
    try fromGate.record(tight)
    #expect(fromGate.totals[.usd]?.blockedSignals == 1)
    #expect(fromGate.avoidedCost() == (try Money("15.01125")))

    var overflow = CostSavings()
    try overflow.recordBlocked(notional: Money(amount: FixedDecimal(rawValue: .max)), spread: 0)
    #expect(throws: AmountError.overflow) { try overflow.recordBlocked(notional: Money("1"), spread: 0) }
    #expect(overflow.totals[.usd]?.blockedSignals == 1)
  }

  @Test("property: the gate downgrades exactly when 2(ask − bid) > threshold × (ask + bid)")
  func gateMatchesExactComparison() throws {
    var rng = SeededGenerator(seed: 0xC057)
    for _ in 0..<1_000 {
      let bidRaw = Int128(rng.next() % 1_000_000 + 1) * 10_000_000_000  // 0.01 ... 10000 by 0.01
      let askRaw = bidRaw + Int128(rng.next() % 5_000 + 1) * 10_000_000  // up to +50 by 0.00001
      let threshold = FixedDecimal(rawValue: Int128(rng.next() % 10_000_000_000))  // up to 1 %
      var gate = CostGate()
      gate.globalOverride = threshold
      let quote = try Fixtures.quote(
        bid: Price(value: FixedDecimal(rawValue: bidRaw)), ask: Price(value: FixedDecimal(rawValue: askRaw)))
      let exceeds = 2 * (askRaw - bidRaw) * FixedDecimal.rawUnitsPerOne > threshold.rawValue * (askRaw + bidRaw)
      let decision = try gate.evaluate(quote, side: .buy, quantity: 1)
      #expect((decision != .execute) == exceeds)
    }
  }
}

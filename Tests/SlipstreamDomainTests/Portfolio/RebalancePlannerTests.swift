import Testing

@testable import SlipstreamDomain

@Suite("RebalancePlanner")
struct RebalancePlannerTests {
  let msft = Fixture.symbol("MSFT")
  let spy = Fixture.symbol("SPY")

  @Test("weights: sells first, buys from cash plus proceeds, whole shares")
  func weights() throws {
    // Equity = 1000 cash + 10 AAPL × 100 + 10 MSFT × 300 = 5000.
    let plan = try RebalancePlanner().plan(
      target: .weights([Fixture.aapl: "0.5", spy: "0.3"]),
      holdings: [Fixture.aapl: 10, msft: 10], prices: [Fixture.aapl: "100", msft: "300", spy: "450"],
      cash: Fixture.usd("1000"))
    #expect(plan.sells == [RebalanceLeg(symbol: msft, side: .sell, quantity: 10, price: "300", notional: Fixture.usd("3000"))])
    // AAPL: target 25 → buy 15 ($1500). SPY: 1500 / 450 = 3.33 → 3 ($1350).
    #expect(plan.buys == [
      RebalanceLeg(symbol: Fixture.aapl, side: .buy, quantity: 15, price: "100", notional: Fixture.usd("1500")),
      RebalanceLeg(symbol: spy, side: .buy, quantity: 3, price: "450", notional: Fixture.usd("1350")),
    ])
    #expect(plan.buyingPower == Fixture.usd("4000"))
    #expect(plan.cashAfter == Fixture.usd("1150"))
    #expect(!plan.buysReduced)
    #expect(plan.legs.map(\.side) == [.sell, .buy, .buy])
  }

  @Test("a unified portfolio plans from its merged quantities, marks and cash")
  func fromPortfolio() throws {
    let portfolio = try UnifiedPortfolio(
      positions: [
        BrokerPosition(broker: .alpaca, symbol: Fixture.aapl, quantity: 4),
        BrokerPosition(broker: .schwab, symbol: Fixture.aapl, quantity: 6),
      ],
      cash: [.alpaca: Fixture.usd("500"), .schwab: Fixture.usd("500")], marks: [Fixture.aapl: "100"])
    // Equity 2000: AAPL 50 % → 10 (no trade), SPY 50 % → 1000 / 450 → 2.
    let plan = try RebalancePlanner().plan(
      target: .weights([Fixture.aapl: "0.5", spy: "0.5"]), portfolio: portfolio, additionalPrices: [spy: "450"])
    #expect(plan.sells.isEmpty)
    #expect(plan.buys == [RebalanceLeg(symbol: spy, side: .buy, quantity: 2, price: "450", notional: Fixture.usd("900"))])
    #expect(plan.cashAfter == Fixture.usd("100"))
    #expect(throws: PortfolioError.missingPrice(spy)) {
      try RebalancePlanner().plan(target: .weights([spy: "0.5"]), portfolio: portfolio)
    }
  }

  @Test("partial sells round down to the lot; a zero target liquidates an odd remainder")
  func sellRounding() throws {
    var catalog = InstrumentCatalog()
    catalog.fractionalShares = true
    catalog.fractionalShareIncrement = "0.001"
    let planner = RebalancePlanner(constraints: RebalanceConstraints(instruments: catalog))
    let plan = try planner.plan(
      target: .quantities([Fixture.aapl: "2.5004", msft: 0]), holdings: [Fixture.aapl: 5, msft: "1.2345"],
      prices: [Fixture.aapl: "100", msft: "100"], cash: Fixture.usd("0"))
    #expect(plan.sells.map(\.quantity) == ["2.499", "1.2345"])
  }

  @Test(
    "shortfall policies",
    arguments: [
      // Wanted: AAPL 20 × 100 = 2000, MSFT 10 × 300 = 3000; buying power 2500.
      (ShortfallPolicy.scaleProportionally, [Quantity(10), 5], "0"),
      (.priorityOrder([Fixture.symbol("MSFT")]), [Quantity(5), 8], "0"),  // MSFT gets 8 (2400), AAPL 1 (100)
    ])
  func shortfall(policy: ShortfallPolicy, expected: [Quantity], cashAfter: String) throws {
    let planner = RebalancePlanner(constraints: RebalanceConstraints(shortfall: policy))
    let plan = try planner.plan(
      target: .quantities([Fixture.aapl: 20, msft: 10]), holdings: [:],
      prices: [Fixture.aapl: "100", msft: "300"], cash: Fixture.usd("2500"))
    #expect(plan.buysReduced)
    let bySymbol = Dictionary(uniqueKeysWithValues: plan.buys.map { ($0.symbol, $0.quantity) })
    if case .scaleProportionally = policy {
      #expect(bySymbol == [Fixture.aapl: expected[0], msft: expected[1]])
      #expect(plan.cashAfter == Fixture.usd("0"))
    } else {
      #expect(plan.buys.map(\.symbol) == [msft, Fixture.aapl])
      #expect(bySymbol == [msft: 8, Fixture.aapl: 1])
      #expect(plan.cashAfter == Fixture.usd(cashAfter))
    }
  }

  @Test("no buying power skips every buy with a reason")
  func noBuyingPower() throws {
    let plan = try RebalancePlanner().plan(
      target: .quantities([Fixture.aapl: 1]), holdings: [:], prices: [Fixture.aapl: "100"], cash: Fixture.usd("0"))
    #expect(plan.buys.isEmpty)
    #expect(plan.skipped == [SkippedTrade(symbol: Fixture.aapl, side: .buy, reason: .noBuyingPower)])
  }

  @Test("trades below the minimum size or a whole lot are skipped with reasons")
  func minimums() throws {
    let planner = RebalancePlanner(constraints: RebalanceConstraints(minimumTradeNotional: Fixture.usd("500")))
    let plan = try planner.plan(
      target: .quantities([Fixture.aapl: 12, msft: "0.5"]), holdings: [Fixture.aapl: 10],
      prices: [Fixture.aapl: "100", msft: "300"], cash: Fixture.usd("10000"))
    #expect(plan.buys.isEmpty)
    #expect(Set(plan.skipped) == [
      SkippedTrade(symbol: Fixture.aapl, side: .buy, reason: .belowMinimumTradeNotional(Fixture.usd("200"))),
      SkippedTrade(symbol: msft, side: .buy, reason: .belowMinimumQuantity(0)),
    ])
  }

  @Test("invalid inputs are typed errors")
  func errors() {
    let planner = RebalancePlanner()
    let prices: [Symbol: Price] = [Fixture.aapl: "100", msft: "300"]
    #expect(throws: PortfolioError.weightsExceedOne("1.1")) {
      try planner.plan(target: .weights([Fixture.aapl: "0.6", msft: "0.5"]), holdings: [:], prices: prices, cash: Fixture.usd("1"))
    }
    #expect(throws: PortfolioError.weightOutOfRange(Fixture.aapl, "-0.1")) {
      try planner.plan(target: .weights([Fixture.aapl: "-0.1"]), holdings: [:], prices: prices, cash: Fixture.usd("1"))
    }
    #expect(throws: PortfolioError.missingPrice(spy)) {
      try planner.plan(target: .weights([spy: "0.1"]), holdings: [:], prices: prices, cash: Fixture.usd("1"))
    }
    #expect(throws: PortfolioError.negativeTargetQuantity(Fixture.aapl, -1)) {
      try planner.plan(target: .quantities([Fixture.aapl: -1]), holdings: [:], prices: prices, cash: Fixture.usd("1"))
    }
    #expect(throws: PortfolioError.nonPositivePrice(Fixture.aapl, 0)) {
      try planner.plan(target: .quantities([Fixture.aapl: 1]), holdings: [:], prices: [Fixture.aapl: 0], cash: Fixture.usd("1"))
    }
  }

  @Test("property: buys never exceed buying power, legs are whole lots within holdings and above the minimum")
  func invariants() throws {
    var rng = SeededGenerator(seed: 99)
    let universe = ["AAPL", "MSFT", "SPY", "QQQ", "NVDA", "AMZN", "GOOG", "META"].map(Fixture.symbol)
    let minimum = Fixture.usd("50")
    for round in 0..<150 {
      var holdings: [Symbol: Quantity] = [:]
      var prices: [Symbol: Price] = [:]
      var weights: [Symbol: FixedDecimal] = [:]
      var remaining: Int = 1_000
      for symbol in universe {
        prices[symbol] = Price(value: FixedDecimal(rawValue: Int128(rng.next() % 100_000 + 100) * 10_000_000_000))
        if rng.next() % 2 == 0 { holdings[symbol] = Quantity(value: FixedDecimal(integerLiteral: Int(rng.next() % 200))) }
        if rng.next() % 2 == 0 {
          let permille = Int(rng.next() % UInt64(remaining + 1))
          remaining -= permille
          weights[symbol] = try FixedDecimal(units: Int64(permille), scale: 3)
        }
      }
      let policy: ShortfallPolicy = round % 2 == 0 ? .scaleProportionally : .priorityOrder(universe.reversed())
      let planner = RebalancePlanner(constraints: RebalanceConstraints(minimumTradeNotional: minimum, shortfall: policy))
      let cash = Money(amount: FixedDecimal(integerLiteral: Int(rng.next() % 50_000)))
      let target: RebalanceTarget = round % 3 == 0
        ? .quantities(Dictionary(uniqueKeysWithValues: universe.map { ($0, Quantity(value: FixedDecimal(integerLiteral: Int(rng.next() % 150)))) }))
        : .weights(weights)
      let plan = try planner.plan(target: target, holdings: holdings, prices: prices, cash: cash)
      #expect(try !plan.buyingPower.isLess(than: plan.buyCost))
      #expect(!plan.cashAfter.isNegative)
      for leg in plan.legs {
        #expect(leg.quantity.isPositive && leg.quantity.isMultiple(of: 1))
        #expect(try !leg.notional.isLess(than: minimum))
      }
      for sell in plan.sells { #expect(sell.quantity <= holdings[sell.symbol] ?? .zero) }
      #expect(Set(plan.sells.map(\.symbol)).isDisjoint(with: plan.buys.map(\.symbol)))
    }
  }
}

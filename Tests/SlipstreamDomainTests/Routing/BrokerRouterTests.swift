import Testing

@testable import SlipstreamDomain

private func id(_ name: String) -> BrokerID {
  do { return try BrokerID(name) } catch { preconditionFailure("\(error)") }
}

private func latency(_ us: Int64?) -> LatencyEWMA {
  do {
    return try us.map { try LatencyEWMA(microseconds: $0) } ?? LatencyEWMA()
  } catch { preconditionFailure("\(error)") }
}

private func profile(
  _ broker: BrokerID, _ classes: Set<AssetClass> = [.equity], fractional: Bool = false,
  perOrder: String = "0", bps: FixedDecimal = 0, us: Int64? = 1_000, fill: FixedDecimal? = "0.5",
  connected: Bool = true, healthy: Bool = true, headroom: Int = 10
) -> BrokerProfile {
  BrokerProfile(
    id: broker, supportedAssetClasses: classes, supportsFractional: fractional,
    fees: FeeSchedule(perOrder: Fixture.usd(perOrder), basisPoints: bps), latency: latency(us),
    fillQuality: fill, isConnected: connected, isHealthy: healthy, rateLimitHeadroom: headroom)
}

private let aaplBuy = RoutingRequest(symbol: Fixture.aapl, side: .buy, quantity: 100, referencePrice: "200")

@Suite("BrokerRouter")
struct BrokerRouterTests {
  @Test("scores follow the formula with default weights")
  func formula() throws {
    // Fees: A $1, B $2 → normalized 0.5, 1. Latency: A 500 µs, B 1000 µs → 0.5, 1. Fill 0.9, 0.6.
    let a = profile(id("a"), perOrder: "1", us: 500, fill: "0.9")
    let b = profile(id("b"), perOrder: "2", us: 1_000, fill: "0.6")
    let decision = try BrokerRouter().route(aaplBuy, among: [b, a])
    #expect(decision.chosen == id("a"))
    #expect(decision.selection == .highestScore)
    let scoreA = decision.scores[0]
    #expect(scoreA.broker == id("a"))
    #expect(scoreA.normalizedFee == "0.5")
    #expect(scoreA.normalizedLatency == "0.5")
    #expect(scoreA.costComponent == "0.2")
    #expect(scoreA.speedComponent == "0.15")
    #expect(scoreA.fillComponent == "0.27")
    #expect(scoreA.total == "0.62")
    #expect(decision.scores[1].total == "0.18")  // 0 + 0 + 0.3 × 0.6
    #expect(decision.failoverChain == [id("a"), id("b")])
    #expect(decision.exclusions.isEmpty)
  }

  @Test("ratios are fixed-point at 10⁻⁹, rounded half-to-even")
  func resolution() throws {
    let a = profile(id("a"), perOrder: "1", us: 2, fill: "1")
    let b = profile(id("b"), perOrder: "3", us: 3, fill: "1")
    let decision = try BrokerRouter().route(aaplBuy, among: [a, b])
    let scoreA = try #require(decision.scores.first { $0.broker == id("a") })
    #expect(scoreA.normalizedFee == "0.333333333")
    #expect(scoreA.normalizedLatency == "0.666666667")
    #expect(scoreA.costComponent == "0.266666667")  // 0.4 × 0.666666667 = 0.2666666668 → half-even
    #expect(scoreA.speedComponent == "0.1")  // 0.3 × 0.333333333 = 0.0999999999 → 0.1
    #expect(scoreA.total == "0.666666667")
  }

  @Test("custom weights change the winner")
  func customWeights() throws {
    let cheap = profile(id("cheap"), perOrder: "0", us: 2_000, fill: "0.5")
    let fast = profile(id("fast"), perOrder: "5", us: 100, fill: "0.5")
    let costly = try ScoringWeights(cost: "0.1", speed: "0.8", fill: "0.1")
    #expect(try BrokerRouter().route(aaplBuy, among: [cheap, fast]).chosen == id("cheap"))
    #expect(try BrokerRouter(weights: costly).route(aaplBuy, among: [cheap, fast]).chosen == id("fast"))
  }

  @Test("weights must sum to 1 and not be negative", arguments: [
    (FixedDecimal("0.4"), FixedDecimal("0.3"), FixedDecimal("0.31")), ("0.5", "0.5", "0.5"), ("0", "0", "0"),
  ])
  func badWeights(cost: FixedDecimal, speed: FixedDecimal, fill: FixedDecimal) {
    #expect(throws: RoutingError.weightsMustSumToOne(cost: cost, speed: speed, fill: fill)) {
      try ScoringWeights(cost: cost, speed: speed, fill: fill)
    }
  }

  @Test("negative weight")
  func negativeWeight() {
    #expect(throws: RoutingError.negativeWeight("-0.1")) { try ScoringWeights(cost: "-0.1", speed: "0.6", fill: "0.5") }
    #expect(ScoringWeights.defaults.cost == "0.4")
  }

  @Test("exclusions carry every reason; the rest are still routed")
  func exclusions() throws {
    let down = profile(id("down"), connected: false, healthy: false)
    let limited = profile(id("limited"), headroom: 0)
    let crypto = profile(id("crypto-only"), [.crypto])
    let ok = profile(id("ok"))
    let decision = try BrokerRouter().route(aaplBuy, among: [down, limited, crypto, ok])
    #expect(decision.chosen == id("ok"))
    #expect(decision.exclusions == [
      BrokerExclusion(broker: id("down"), reasons: [.disconnected, .unhealthy]),
      BrokerExclusion(broker: id("limited"), reasons: [.rateLimited(headroom: 0)]),
      BrokerExclusion(broker: id("crypto-only"), reasons: [.assetClassNotSupported(.equity)]),
    ])
    #expect(decision.failoverChain == [id("ok")])
  }

  @Test("fractional orders exclude whole-share brokers and default to Robinhood")
  func fractional() throws {
    let request = RoutingRequest(symbol: Fixture.aapl, side: .buy, quantity: "0.5", referencePrice: "200")
    let alpaca = profile(.alpaca, fractional: false)
    let robinhood = profile(.robinhood, fractional: true, us: nil, fill: nil)
    let other = profile(id("other"), fractional: true)
    let decision = try BrokerRouter().route(request, among: [alpaca, robinhood, other])
    #expect(decision.exclusions == [BrokerExclusion(broker: .alpaca, reasons: [.fractionalNotSupported])])
    #expect(decision.chosen == .robinhood)
    #expect(decision.selection == .smartDefaultOnMissingData)
    #expect(decision.failoverChain == [.robinhood, id("other")])
  }

  @Test("no eligible broker is an error listing every exclusion")
  func noneEligible() {
    let down = profile(id("down"), connected: false)
    let error = RoutingError.noEligibleBroker(exclusions: [BrokerExclusion(broker: id("down"), reasons: [.disconnected])])
    #expect(throws: error) { try BrokerRouter().route(aaplBuy, among: [down]) }
    #expect(error.description == "No broker can take this order (down: not connected).")
    #expect(throws: RoutingError.noEligibleBroker(exclusions: [])) { try BrokerRouter().route(aaplBuy, among: []) }
  }

  @Test("invalid candidates are rejected")
  func invalidCandidates() {
    #expect(throws: RoutingError.duplicateBroker(id("a"))) {
      try BrokerRouter().route(aaplBuy, among: [profile(id("a")), profile(id("a"))])
    }
    #expect(throws: RoutingError.fillScoreOutOfRange(broker: id("a"), score: "1.1")) {
      try BrokerRouter().route(aaplBuy, among: [profile(id("a"), fill: "1.1")])
    }
  }

  @Test("user rules come before scores, in order, and skip excluded brokers")
  func rules() throws {
    let best = profile(id("best"), us: 100, fill: "1")
    let pinned = profile(id("pinned"), perOrder: "9", us: 9_000, fill: "0")
    let down = profile(id("down"), connected: false)
    let rules = [
      RoutingRule(.symbol(Fixture.aapl), broker: id("down")),
      RoutingRule(.notionalAtLeast(Fixture.usd("20000")), broker: id("pinned")),
    ]
    let decision = try BrokerRouter(rules: rules).route(aaplBuy, among: [best, pinned, down])
    #expect(decision.chosen == id("pinned"))
    #expect(decision.selection == .userRule(index: 1, rule: rules[1]))
    #expect(decision.failoverChain == [id("pinned"), id("best")])
    let small = RoutingRequest(symbol: Fixture.aapl, side: .buy, quantity: 10, referencePrice: "200")
    #expect(try BrokerRouter(rules: rules).route(small, among: [best, pinned]).chosen == id("best"))
  }

  @Test("rule conditions", arguments: [
    (RoutingRule.Condition.assetClass(.equity), true), (.assetClass(.crypto), false),
    (.symbol(Fixture.aapl), true), (.symbol(Fixture.btc), false),
    (.notionalAtLeast(Fixture.usd("20000")), true), (.notionalAtLeast(Fixture.usd("20000.01")), false),
    (.quantityAtLeast(100), true), (.quantityAtLeast(101), false),
  ])
  func conditions(condition: RoutingRule.Condition, expected: Bool) {
    #expect(RoutingRule(condition, broker: .paper).matches(aaplBuy) == expected)
  }

  @Test("smart defaults break ties and cover missing data", arguments: [
    (Fixture.btc, Set<AssetClass>([.crypto]), BrokerID.coinbase), (Fixture.aapl, Set<AssetClass>([.equity]), BrokerID.alpaca),
  ])
  func smartDefaults(symbol: Symbol, classes: Set<AssetClass>, expected: BrokerID) throws {
    let request = RoutingRequest(symbol: symbol, side: .buy, quantity: 1, referencePrice: "100")
    // Identical profiles tie; the default wins although another id sorts first.
    let tie = try BrokerRouter().route(request, among: [profile(.paper, classes), profile(expected, classes)])
    #expect(tie.chosen == expected)
    #expect(tie.selection == .smartDefaultOnTie)
    #expect(tie.failoverChain == [expected, .paper])
  }

  @Test("options default to Schwab when data is missing; without an eligible default the best score wins")
  func optionsDefault() throws {
    let option = Fixture.symbol("AAPL250117C00150000")
    let request = RoutingRequest(symbol: option, side: .buy, quantity: 1, referencePrice: "5")
    let fast = profile(id("fast"), [.options], us: 10, fill: "0.9")
    let schwab = profile(.schwab, [.options], us: nil, fill: nil)
    let decision = try BrokerRouter().route(request, among: [fast, schwab])
    #expect(decision.chosen == .schwab)
    #expect(decision.selection == .smartDefaultOnMissingData)
    let withoutDefault = try BrokerRouter().route(request, among: [fast, profile(id("slow"), [.options], us: nil, fill: nil)])
    #expect(withoutDefault.chosen == id("fast"))
    #expect(withoutDefault.selection == .highestScore)
    // A tie without the default among the tied goes to the first id.
    let tie = try BrokerRouter().route(aaplBuy, among: [profile(id("y")), profile(id("x"))])
    #expect(tie.chosen == id("x"))
    #expect(tie.selection == .highestScore)
  }

  @Test("property: totals stay in 0…1 and the chain lists every eligible broker once")
  func properties() throws {
    var rng = SeededGenerator(seed: 42)
    for _ in 0..<200 {
      var candidates: [BrokerProfile] = []
      for index in 0..<Int(rng.next() % 6 + 1) {
        candidates.append(profile(
          id("b\(index)"), perOrder: "\(rng.next() % 10)", bps: FixedDecimal(integerLiteral: Int(rng.next() % 20)),
          us: rng.next() % 4 == 0 ? nil : Int64(rng.next() % 50_000), fill: FixedDecimal(rawValue: Int128(rng.next() % 1_000_000_000_001)),
          connected: rng.next() % 5 != 0))
      }
      guard let decision = try? BrokerRouter().route(aaplBuy, among: candidates) else { continue }
      #expect(decision.scores.allSatisfy { $0.total >= 0 && $0.total <= 1 })
      #expect(Set(decision.failoverChain).count == decision.failoverChain.count)
      #expect(decision.failoverChain.count + decision.exclusions.count == candidates.count)
      #expect(zip(decision.scores, decision.scores.dropFirst()).allSatisfy { $0.total >= $1.total })
    }
  }
}

@Suite("FeeSchedule and LatencyEWMA")
struct FeeAndLatencyTests {
  @Test("fee = per share + per order + bps of notional", arguments: [
    (FeeSchedule(), Quantity(100), "20000", "0"),
    (FeeSchedule(perShare: Fixture.usd("0.005")), 100, "20000", "0.5"),
    (FeeSchedule(perShare: Fixture.usd("0.005"), perOrder: Fixture.usd("1")), -100, "20000", "1.5"),
    (FeeSchedule(basisPoints: "25"), 1, "20000", "50"),
    (FeeSchedule(perShare: Fixture.usd("0.01"), perOrder: Fixture.usd("0.99"), basisPoints: "1.5"), 10, "1234.56", "1.275184"),
  ])
  func fees(schedule: FeeSchedule, quantity: Quantity, notional: String, expected: String) throws {
    #expect(try schedule.fee(quantity: quantity, notional: Fixture.usd(notional)) == Fixture.usd(expected))
  }

  @Test("EWMA update in integer microseconds")
  func ewma() throws {
    var average = try LatencyEWMA(smoothingPerMille: 125)
    #expect(average.microseconds == nil)
    try average.update(sampleMicroseconds: 1_000)
    #expect(average.microseconds == 1_000)
    try average.update(sampleMicroseconds: 2_000)
    #expect(average.microseconds == 1_125)
    try average.update(sampleMicroseconds: 0)
    #expect(average.microseconds == 984)  // 1125 − 140.625 → −141
    #expect(average.sampleCount == 3)
    #expect(throws: RoutingError.negativeLatency(-1)) { try average.update(sampleMicroseconds: -1) }
    #expect(throws: RoutingError.smoothingOutOfRange(0)) { try LatencyEWMA(smoothingPerMille: 0) }
    #expect(throws: RoutingError.smoothingOutOfRange(1001)) { try LatencyEWMA(smoothingPerMille: 1001) }
  }

  @Test("property: the EWMA stays within the samples' range and a constant input is a fixed point")
  func ewmaBounds() throws {
    var rng = SeededGenerator(seed: 7)
    for _ in 0..<200 {
      var average = try LatencyEWMA(smoothingPerMille: Int64(rng.next() % 1000) + 1)
      var low = Int64.max, high = Int64.min
      for _ in 0..<20 {
        let sample = Int64(rng.next() % 1_000_000)
        low = min(low, sample)
        high = max(high, sample)
        try average.update(sampleMicroseconds: sample)
        #expect(average.microseconds! >= low && average.microseconds! <= high)
      }
      let constant = average.microseconds!
      try average.update(sampleMicroseconds: constant)
      #expect(average.microseconds == constant)
    }
  }
}

import Testing

@testable import SlipstreamDomain

@Suite("CostBasisTracker")
struct CostBasisTrackerTests {
  /// Buy 10 @ 100, buy 10 @ 120, sell 15 @ 130.
  func scenario(_ method: CostBasisMethod) throws -> (CostBasisTracker, Money) {
    var tracker = CostBasisTracker(method: method)
    try tracker.buy(10, at: "100", on: Fixture.t(0))
    try tracker.buy(10, at: "120", on: Fixture.t(1))
    let realized = try tracker.sell(15, at: "130")
    return (tracker, realized)
  }

  @Test("FIFO sells the oldest lots first")
  func fifo() throws {
    let (tracker, realized) = try scenario(.fifo)
    // 10 × (130 − 100) + 5 × (130 − 120) = 350
    #expect(realized == Fixture.usd("350"))
    #expect(tracker.quantity == 5)
    #expect(tracker.costBasis == Fixture.usd("600"))
    #expect(tracker.averageCost == "120")
    #expect(tracker.lots == [TaxLot(quantity: 5, unitCost: "120", acquiredAt: Fixture.t(1))])
    #expect(try tracker.unrealizedPnL(mark: "110") == Fixture.usd("-50"))
  }

  @Test("average cost pools the lots")
  func average() throws {
    let (tracker, realized) = try scenario(.averageCost)
    // average 110: 15 × 20 = 300
    #expect(realized == Fixture.usd("300"))
    #expect(tracker.quantity == 5)
    #expect(tracker.costBasis == Fixture.usd("550"))
    #expect(tracker.averageCost == "110")
    #expect(try tracker.unrealizedPnL(mark: "110") == Fixture.usd("0"))
    #expect(tracker.realizedPnL == Fixture.usd("300"))
  }

  @Test("selling everything leaves no residual cost even when the average does not divide", arguments: CostBasisMethod.allCases)
  func noResidue(method: CostBasisMethod) throws {
    var tracker = CostBasisTracker(method: method)
    try tracker.buy(3, at: "10", on: Fixture.t(0))
    try tracker.buy(3, at: "10.01", on: Fixture.t(1))
    try tracker.sell(1, at: "11")
    try tracker.sell(5, at: "9")
    #expect(tracker.quantity == 0)
    #expect(tracker.costBasis == Fixture.usd("0"))
    #expect(tracker.averageCost == nil)
    #expect(tracker.realizedPnL == Fixture.usd("-4.03"))  // 11 + 45 − 60.03
  }

  @Test("errors", arguments: CostBasisMethod.allCases)
  func errors(method: CostBasisMethod) throws {
    var tracker = CostBasisTracker(method: method)
    try tracker.buy(2, at: "10", on: Fixture.t(0))
    #expect(throws: PortfolioError.insufficientQuantity(held: 2, requested: 3)) { try tracker.sell(3, at: "10") }
    #expect(throws: PortfolioError.nonPositiveQuantity(0)) { try tracker.sell(0, at: "10") }
    #expect(throws: PortfolioError.nonPositiveQuantity(-1)) { try tracker.buy(-1, at: "10", on: Fixture.t(0)) }
    #expect(PortfolioError.insufficientQuantity(held: 2, requested: 3).description == "Cannot sell 3: only 2 is held.")
  }

  @Test("property: for both methods realized + unrealized = market value + proceeds − purchases")
  func totalPnLLaw() throws {
    var rng = SeededGenerator(seed: 2026)
    for _ in 0..<100 {
      var fifo = CostBasisTracker(method: .fifo)
      var average = CostBasisTracker(method: .averageCost)
      var flow = FixedDecimal.zero  // proceeds − purchases
      for step in 0..<12 {
        let price = Price(value: FixedDecimal(rawValue: Int128(rng.next() % 50_000 + 1) * 10_000_000_000))
        let held = fifo.quantity
        if held.isPositive && rng.next() % 2 == 0 {
          let quantity = Quantity(value: FixedDecimal(integerLiteral: Int(rng.next() % UInt64(Int(held.value.rawValue / FixedDecimal.rawUnitsPerOne)) + 1)))
          try fifo.sell(quantity, at: price)
          try average.sell(quantity, at: price)
          flow = try flow + (try price.notional(of: quantity)).amount
        } else {
          let quantity = Quantity(value: FixedDecimal(integerLiteral: Int(rng.next() % 100 + 1)))
          try fifo.buy(quantity, at: price, on: Fixture.t(Int64(step)))
          try average.buy(quantity, at: price, on: Fixture.t(Int64(step)))
          flow = try flow - (try price.notional(of: quantity)).amount
        }
      }
      let mark: Price = "123.45"
      let expected = try (try mark.notional(of: fifo.quantity)).amount + flow
      for tracker in [fifo, average] {
        let total = try tracker.realizedPnL.amount + (try tracker.unrealizedPnL(mark: mark)).amount
        // Average-cost divisions round at 1e-12 per sale; allow that much per step.
        let error = try (try total - expected).magnitude()
        #expect(error <= FixedDecimal(rawValue: 12), "\(tracker.method)")
      }
      #expect(fifo.quantity == average.quantity)
    }
  }
}

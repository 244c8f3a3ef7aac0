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
    #expect(tracker.lots == [TaxLot(quantity: 5, cost: Fixture.usd("600"), acquiredAt: Fixture.t(1))])
    #expect(tracker.lots.map(\.unitCost) == ["120"])
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

  @Test("FIFO: a purchase's fees are part of its lot's cost, a sale's fees reduce its proceeds")
  func fifoFees() throws {
    var tracker = CostBasisTracker(method: .fifo)
    try tracker.buy(10, at: "100", fees: Fixture.usd("1"), on: Fixture.t(0))
    #expect(tracker.lots == [TaxLot(quantity: 10, cost: Fixture.usd("1001"), acquiredAt: Fixture.t(0))])
    #expect(tracker.lots[0].unitCost == "100.1")
    // 4 sold: proceeds 440 − 1, cost 4/10 of 1,001 = 400.4.
    #expect(try tracker.sell(4, at: "110", fees: Fixture.usd("1")) == Fixture.usd("38.6"))
    #expect(tracker.lots == [TaxLot(quantity: 6, cost: Fixture.usd("600.6"), acquiredAt: Fixture.t(0))])
    #expect(tracker.lots[0].unitCost == "100.1")
    // The rest: proceeds 540 − 0.5, the lot's whole remaining cost.
    #expect(try tracker.sell(6, at: "90", fees: Fixture.usd("0.5")) == Fixture.usd("-61.1"))
    #expect(tracker.costBasis == Fixture.usd("0") && tracker.lots.isEmpty)
    #expect(tracker.realizedPnL == Fixture.usd("-22.5"))
  }

  @Test("FIFO: a lot split into thirds leaves no residue when its last part is sold")
  func fifoSplitLot() throws {
    var tracker = CostBasisTracker(method: .fifo)
    try tracker.buy(3, at: "10", fees: Fixture.usd("0.01"), on: Fixture.t(0))
    try tracker.buy(1, at: "20", on: Fixture.t(1))
    try tracker.sell(1, at: "10")
    try tracker.sell(1, at: "10")
    // 30.01 / 3 does not divide; the third part takes what is left of the lot.
    try tracker.sell(1, at: "10")
    #expect(tracker.lots == [TaxLot(quantity: 1, cost: Fixture.usd("20"), acquiredAt: Fixture.t(1))])
    #expect(tracker.costBasis == Fixture.usd("20"))
    #expect(tracker.realizedPnL == Fixture.usd("-0.01"))
  }

  @Test("average cost: fees pool into the cost")
  func averageFees() throws {
    var tracker = CostBasisTracker(method: .averageCost)
    try tracker.buy(10, at: "100", fees: Fixture.usd("2"), on: Fixture.t(0))
    try tracker.buy(10, at: "120", fees: Fixture.usd("2"), on: Fixture.t(1))
    #expect(tracker.averageCost == "110.2")
    // proceeds 1,950 − 3; cost 15/20 of 2,204 = 1,653.
    #expect(try tracker.sell(15, at: "130", fees: Fixture.usd("3")) == Fixture.usd("294"))
    #expect(tracker.costBasis == Fixture.usd("551"))
    #expect(tracker.lots.map(\.cost) == [Fixture.usd("551")])
    #expect(tracker.averageCost == "110.2")
  }

  @Test("fees in another currency are refused and change nothing", arguments: CostBasisMethod.allCases)
  func feesInAnotherCurrency(method: CostBasisMethod) throws {
    var tracker = CostBasisTracker(method: method)
    try tracker.buy(2, at: "10", on: Fixture.t(0))
    let before = tracker
    let euro = Money(amount: "1", currency: .eur)
    #expect(throws: PortfolioError.arithmetic(.currencyMismatch(.usd, .eur))) { try tracker.buy(1, at: "10", fees: euro, on: Fixture.t(1)) }
    #expect(throws: PortfolioError.arithmetic(.currencyMismatch(.usd, .eur))) { try tracker.sell(1, at: "10", fees: euro) }
    #expect(tracker == before)
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

  @Test("property: for both methods realized + unrealized = market value + proceeds − purchases − fees")
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
          let fee = Money(amount: FixedDecimal(rawValue: Int128(rng.next() % 500) * FixedDecimal.rawUnitsPerOne / 100))
          try fifo.sell(quantity, at: price, fees: fee)
          try average.sell(quantity, at: price, fees: fee)
          flow = try flow + (try price.notional(of: quantity)).amount - fee.amount
        } else {
          let quantity = Quantity(value: FixedDecimal(integerLiteral: Int(rng.next() % 100 + 1)))
          let fee = Money(amount: FixedDecimal(rawValue: Int128(rng.next() % 500) * FixedDecimal.rawUnitsPerOne / 100))
          try fifo.buy(quantity, at: price, fees: fee, on: Fixture.t(Int64(step)))
          try average.buy(quantity, at: price, fees: fee, on: Fixture.t(Int64(step)))
          flow = try flow - (try price.notional(of: quantity)).amount - fee.amount
        }
      }
      let mark: Price = "123.45"
      let expected = try (try mark.notional(of: fifo.quantity)).amount + flow
      for tracker in [fifo, average] {
        let total = try tracker.realizedPnL.amount + (try tracker.unrealizedPnL(mark: mark)).amount
        // Partial-lot and average-cost divisions round at 1e-12 per sale; allow that much per step.
        let error = try (try total - expected).magnitude()
        #expect(error <= FixedDecimal(rawValue: 12), "\(tracker.method)")
      }
      #expect(fifo.quantity == average.quantity)
    }
  }
}

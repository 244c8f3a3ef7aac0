import Testing

@testable import SlipstreamDomain

@Suite("TickSizeRule")
struct TickSizeRuleTests {
  @Test(
    "tick at a price level",
    arguments: [
      (TickSizeRule.usEquity, Price("0.5"), Price("0.0001")), (.usEquity, "0.9999", "0.0001"), (.usEquity, 1, "0.01"),
      (.usEquity, "150.25", "0.01"), (.usEquity, -1, "0.0001"), (.usOptions, "2.95", "0.05"), (.usOptions, 3, "0.10"),
      (.usOptionsPennyPilot, "2.99", "0.01"), (.usOptionsPennyPilot, 3, "0.05"),
    ])
  func tickAt(rule: TickSizeRule, price: Price, tick: Price) {
    #expect(rule.tick(at: price) == tick)
  }

  @Test(
    "rounding to the grid of the tier",
    arguments: [
      (TickSizeRule.usEquity, Price("150.255"), RoundingMode.toNearestOrEven, Price("150.26")),
      (.usEquity, "150.255", .down, "150.25"), (.usEquity, "0.12345", .up, "0.1235"),
      (.usEquity, "0.99995", .up, 1), (.usEquity, "1.005", .down, 1), (.usOptions, "2.97", .up, 3),
      (.usOptions, "3.04", .toNearestOrEven, 3), (.usOptions, "3.06", .toNearestOrEven, "3.1"),
      (.usOptionsPennyPilot, "3.07", .down, "3.05"),
    ])
  func rounding(rule: TickSizeRule, price: Price, mode: RoundingMode, expected: Price) throws {
    let rounded = try rule.round(price, mode)
    #expect(rounded == expected)
    #expect(rule.isOnTick(rounded))
  }

  @Test("off-grid prices with exact rounding are an error")
  func exactOffGrid() {
    #expect(throws: AmountError.precisionLoss) { try TickSizeRule.usEquity.round("1.001", .exact) }
    #expect(!TickSizeRule.usEquity.isOnTick("1.001"))
    #expect(TickSizeRule.usEquity.isOnTick("0.0001"))
  }

  @Test(
    "malformed rules are rejected",
    arguments: [
      ([TickSizeRule.Tier](), InstrumentError.TickSizeRuleProblem.noTiers),
      ([.init(minimumPrice: 1, tick: "0.01")], .firstTierNotAtZero(1)),
      ([.init(minimumPrice: 0, tick: 0)], .nonPositiveTick(0)),
      ([.init(minimumPrice: 0, tick: "0.01"), .init(minimumPrice: 0, tick: "0.1")], .tiersNotAscending),
      ([.init(minimumPrice: 0, tick: "0.05"), .init(minimumPrice: "3.01", tick: "0.01")], .boundaryOffTick("3.01")),
      ([.init(minimumPrice: 0, tick: "0.01"), .init(minimumPrice: "3.05", tick: "0.1")], .boundaryOffTick("3.05")),
    ])
  func malformed(tiers: [TickSizeRule.Tier], problem: InstrumentError.TickSizeRuleProblem) {
    #expect(throws: InstrumentError.invalidTickSizeRule(problem)) { try TickSizeRule(tiers: tiers) }
  }

  @Test("built-in rules equal the same rules built by hand")
  func builtIns() throws {
    #expect(try TickSizeRule.twoTier(below: "0.0001", threshold: 1, atOrAbove: "0.01") == .usEquity)
    #expect(try TickSizeRule.twoTier(below: "0.05", threshold: 3, atOrAbove: "0.10") == .usOptions)
    #expect(try TickSizeRule.twoTier(below: "0.01", threshold: 3, atOrAbove: "0.05") == .usOptionsPennyPilot)
    #expect(throws: InstrumentError.invalidTickSizeRule(.nonPositiveTick(-1))) { try TickSizeRule.fixed(-1) }
  }

  @Test("property: rounding in any mode stays on the tier's grid and within one tick")
  func roundingLaw() throws {
    var rng = SeededGenerator(seed: 0x7_1C4)
    for _ in 0..<1_000 {
      let price = Price(value: FixedDecimal(rawValue: Int128(rng.next() % 10_000_000) * 10_000_000))  // 0...100 by 1e-5
      for rule in [TickSizeRule.usEquity, .usOptions, .usOptionsPennyPilot] {
        for mode in RoundingMode.allCases where mode != .exact {
          let rounded = try rule.round(price, mode)
          #expect(rule.isOnTick(rounded))
          #expect((try rounded - price).value.rawValue.magnitude <= rule.tick(at: price).value.rawValue.magnitude)
        }
      }
    }
  }
}

import SlipstreamDomain
import Testing
@testable import SlipstreamLedger

@Suite("LedgerAnalytics")
struct LedgerAnalyticsTests {
  /// Buy 10 @ 100, buy 10 @ 120, sell 15 @ 130 (given out of order).
  let trades = [
    LedgerFixtures.trade("t3", side: .sell, quantity: "15", price: "130", fees: "3", executedAt: 3),
    LedgerFixtures.trade("t1", quantity: "10", price: "100", fees: "1", executedAt: 1),
    LedgerFixtures.trade("t2", quantity: "10", price: "120", fees: "2", executedAt: 2),
  ]

  /// Fees are part of the basis (the proto's `Lot.unit_cost` is "fees included").
  @Test func fifoMatchesTheOldestLotsFirst() throws {
    let report = try LedgerAnalytics.costBasis(of: trades, method: .fifo)
    #expect(report.quantity == "5")
    // Lots: 10 cost 1,001 and 10 cost 1,202; the 5 left of the second cost 601.
    #expect(report.totalCost == Money(amount: "601"))
    #expect(report.averageCost == "120.2")
    // 15 sold: 1,001 + 601 of cost; proceeds 1,950 − 3.
    #expect(report.realizedPnL == Money(amount: "345"))
    #expect(report.lots == [OpenLot(tradeID: "t2", quantity: "5", unitCost: "120.2", openedAt: Timestamp(nanosecondsSinceEpoch: 2))])
  }

  @Test func averageCostPoolsTheLots() throws {
    let report = try LedgerAnalytics.costBasis(of: trades, method: .averageCost)
    #expect(report.quantity == "5")
    // Pool 2,203 for 20 (110.15 each); 15 sold remove 1,652.25.
    #expect(report.totalCost == Money(amount: "550.75"))
    #expect(report.averageCost == "110.15")
    #expect(report.realizedPnL == Money(amount: "294.75"))
    #expect(report.lots.isEmpty)
  }

  @Test func aSaleLargerThanTheHoldingIsRefused() {
    let short = [LedgerFixtures.trade("s1", side: .sell, quantity: "1", executedAt: 1)]
    #expect(throws: LedgerError.failedPrecondition(reason: "trade 's1' sells 1 AAPL but only 0 are held; short positions are not modelled")) {
      try LedgerAnalytics.costBasis(of: short, method: .fifo)
    }
  }

  @Test func mixedCurrenciesAreRefused() {
    var euro = LedgerFixtures.trade("e1", executedAt: 4)
    euro.currency = .eur
    #expect(throws: LedgerError.failedPrecondition(reason: "the trades are in EUR and USD; narrow the request to one currency")) {
      try LedgerAnalytics.costBasis(of: trades + [euro], method: .fifo)
    }
  }

  @Test func pnlByStrategyWithMarksAndUnmarkedHoldings() throws {
    let all = [
      LedgerFixtures.trade("a1", strategy: "carry", quantity: "10", price: "100", fees: "1", executedAt: 1),
      LedgerFixtures.trade("a2", strategy: "carry", side: .sell, quantity: "4", price: "110", fees: "1", executedAt: 5),
      LedgerFixtures.trade("b1", strategy: "momentum", symbol: "BTC/USD", quantity: "0.5", price: "60000", fees: "2", executedAt: 2),
      LedgerFixtures.trade("c1", strategy: "momentum", symbol: "MSFT", quantity: "1", price: "400", fees: "0", executedAt: 3),
    ]
    let report = try LedgerAnalytics.pnl(
      of: all, marks: ["AAPL": "105", "BTC/USD": "62000"], method: .fifo, grouping: .strategy
    )
    #expect(report.lines.map { "\($0.strategyID) \($0.symbol) \($0.quantity) \($0.realized.amount) \($0.unrealized.amount) \($0.fees.amount)" } == [
      "carry AAPL 6 40 30 2",
      "momentum BTC/USD 0.5 0 1000 2",
      "momentum MSFT 1 0 0 0",
    ])
    #expect(report.unmarked == ["MSFT"])
    #expect(report.realized.amount == "40" && report.unrealized.amount == "1030" && report.fees.amount == "4")
    #expect(report.total.amount == "1066")
  }

  @Test func thePeriodLimitsRealizedAndFeesButNotTheLots() throws {
    let report = try LedgerAnalytics.pnl(
      of: trades, marks: [:], method: .fifo, grouping: .tenant,
      executedFrom: Timestamp(nanosecondsSinceEpoch: 2), executedBefore: Timestamp(nanosecondsSinceEpoch: 3)
    )
    // Only t1 and t2 are before the end; nothing sold; fees of t2 only.
    #expect(report.realized.amount == "0" && report.fees.amount == "2")
    #expect(report.lines.first?.quantity == "20")
    #expect(report.unmarked == ["AAPL"])
  }

  @Test(arguments: [PnLGrouping.tenant, .user, .strategy])
  func groupingsKeyTheLines(_ grouping: PnLGrouping) throws {
    let all = [
      LedgerFixtures.trade("x1", user: "u-1", strategy: "s-1", executedAt: 1),
      LedgerFixtures.trade("x2", user: "u-2", strategy: "s-1", executedAt: 2),
      LedgerFixtures.trade("x3", user: "u-2", strategy: "s-2", executedAt: 3),
    ]
    let lines = try LedgerAnalytics.pnl(of: all, marks: [:], method: .fifo, grouping: grouping).lines
    switch grouping {
    case .tenant: #expect(lines.map(\.quantity) == ["30"])
    case .user: #expect(lines.map { "\($0.userID):\($0.quantity)" } == ["u-1:10", "u-2:20"])
    case .strategy: #expect(lines.map { "\($0.strategyID):\($0.quantity)" } == ["s-1:20", "s-2:10"])
    }
  }
}

import Testing

@testable import SlipstreamDomain

private func at(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) -> Timestamp {
  Timestamp(nanosecondsSinceEpoch: NewYorkOracle.ns(y, mo, d, h, mi))
}

@Suite("MarketHours and the Timestamp API")
struct MarketHoursTests {
  let hours = MarketHours()

  @Test(
    "open by asset class",
    arguments: [
      // Saturday noon: only crypto.
      (AssetClass.crypto, (2025, 3, 15, 12, 0), true), (.forex, (2025, 3, 15, 12, 0), false),
      (.equity, (2025, 3, 15, 12, 0), false), (.options, (2025, 3, 15, 12, 0), false),
      // Tuesday 08:00: equity pre-market, options not yet.
      (.equity, (2025, 3, 11, 8, 0), true), (.options, (2025, 3, 11, 8, 0), false),
      (.forex, (2025, 3, 11, 8, 0), true), (.options, (2025, 3, 11, 10, 0), true),
      // Christmas 2025: equities closed, forex and crypto trade.
      (.equity, (2025, 12, 25, 11, 0), false), (.forex, (2025, 12, 25, 11, 0), true),
      (.crypto, (2025, 12, 25, 11, 0), true),
    ])
  func openByAssetClass(assetClass: AssetClass, t: (Int, Int, Int, Int, Int), expected: Bool) throws {
    #expect(try hours.isOpen(assetClass, at: at(t.0, t.1, t.2, t.3, t.4)) == expected)
  }

  @Test("time until safe execution per asset class from Saturday noon (before spring DST)")
  func safeExecutionByAssetClass() throws {
    let saturday = at(2024, 3, 9, 12, 0)
    #expect(try hours.timeUntilSafeExecution(for: .crypto, from: saturday) == .zero)
    // Sat 12:00 EST → Sun 17:00 EDT = 28 hours.
    #expect(try hours.timeUntilSafeExecution(for: .forex, from: saturday) == .seconds(28 * 3600))
    // Sat 12:00 EST → Mon 09:35 EDT = 44h35m.
    let equity = Duration.seconds(44 * 3600 + 35 * 60)
    #expect(try hours.timeUntilSafeExecution(for: .equity, from: saturday) == equity)
    #expect(try hours.timeUntilSafeExecution(for: .options, from: saturday) == equity)
  }

  @Test("Timestamp API mirrors the core answers")
  func timestampAPI() throws {
    let calendar = USEquityCalendar.nyse
    let friday = at(2024, 12, 24, 12, 0)
    let status = try calendar.status(at: friday)
    #expect(status.session == .regular)
    #expect(status.day.earlyCloseName == "Christmas Eve")
    #expect(try calendar.nextClose(after: friday) == at(2024, 12, 24, 13, 0))
    #expect(try calendar.nextOpen(after: friday) == at(2024, 12, 26, 9, 30))
    #expect(try calendar.isInOpeningWindow(at: at(2024, 12, 26, 9, 31)))
    #expect(try calendar.timeUntilSafeExecution(from: at(2024, 12, 26, 9, 31)) == .seconds(240))
    #expect(NewYorkTime.localDateTime(at: friday).description == "2024-12-24 12:00")
    #expect(throws: MarketCalendarError.yearNotCovered(year: 2028, covered: 2024...2027)) {
      try hours.isOpen(.equity, at: at(2028, 3, 1, 10, 0))
    }
  }
}

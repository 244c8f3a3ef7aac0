import Testing

@testable import SlipstreamDomain

@Suite("USEquityCalendar laws")
struct USEquityCalendarPropertyTests {
  @Test("for random instants in 2024–2027: next open, next close and safe execution agree with status")
  func laws() throws {
    let calendar = USEquityCalendar.nyse
    var rng = SeededGenerator(seed: 20_240_101)
    let start = NewYorkOracle.utc(2024, 1, 1, 12)
    let span = NewYorkOracle.utc(2027, 12, 20, 0) - start
    for _ in 0..<2_000 {
      // Whole seconds, so boundaries are hit exactly sometimes.
      let t = start + Int64(rng.next() % UInt64(span / 1_000_000_000)) * 1_000_000_000
      let status = try calendar.status(atUTCNanoseconds: t)
      let wait = try calendar.nanosecondsUntilSafeExecution(fromUTCNanoseconds: t)
      let inWindow = try calendar.isInOpeningWindow(atUTCNanoseconds: t)
      #expect((wait == 0) == (status.session == .regular && !inWindow), "\(status.localTime)")
      let safe = try calendar.status(atUTCNanoseconds: t + wait)
      #expect(safe.session == .regular)
      #expect(try !calendar.isInOpeningWindow(atUTCNanoseconds: t + wait))
      // One second earlier than a positive wait is still unsafe.
      if wait > 0 {
        let before = t + wait - 1_000_000_000
        let unsafe = try calendar.status(atUTCNanoseconds: before).session != .regular
          || (try calendar.isInOpeningWindow(atUTCNanoseconds: before))
        #expect(unsafe)
      }
      let open = try calendar.nextOpen(afterUTCNanoseconds: t)
      #expect(open > t)
      #expect(try calendar.status(atUTCNanoseconds: open).session == .regular)
      #expect(try calendar.status(atUTCNanoseconds: open - 1_000_000_000).session == .preMarket)
      #expect(NewYorkTime.localDateTime(atUTCSeconds: open / 1_000_000_000).time == LocalTime(hour: 9, minute: 30))
      let close = try calendar.nextClose(afterUTCNanoseconds: t)
      #expect(close > t)
      #expect(try calendar.status(atUTCNanoseconds: close).session == .postMarket)
      #expect(try calendar.status(atUTCNanoseconds: close - 1_000_000_000).session == .regular)
    }
  }
}

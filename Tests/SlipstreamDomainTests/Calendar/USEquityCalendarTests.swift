import Testing

@testable import SlipstreamDomain

private func ns(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Int64 {
  NewYorkOracle.ns(y, mo, d, h, mi, s)
}
private let calendar = USEquityCalendar.nyse

@Suite("USEquityCalendar")
struct USEquityCalendarTests {
  @Test(
    "session boundaries on a full trading day (Tue 2025-03-11, EDT)",
    arguments: [
      (0, 0, 0, MarketSession.closed), (3, 59, 59, .closed), (4, 0, 0, .preMarket),
      (9, 29, 59, .preMarket), (9, 30, 0, .regular), (12, 0, 0, .regular), (15, 59, 59, .regular),
      (16, 0, 0, .postMarket), (19, 59, 59, .postMarket), (20, 0, 0, .closed), (23, 59, 59, .closed),
    ])
  func fullDay(h: Int, m: Int, s: Int, expected: MarketSession) throws {
    let status = try calendar.status(atUTCNanoseconds: ns(2025, 3, 11, h, m, s))
    #expect(status.session == expected)
    #expect(status.holidayName == nil)
    #expect(!status.isEarlyClose)
    #expect(status.day.date == CivilDate(year: 2025, month: 3, day: 11))
  }

  @Test(
    "the same wall-clock boundaries hold in winter (Tue 2025-01-14, EST)",
    arguments: [(9, 29, MarketSession.preMarket), (9, 30, .regular), (15, 59, .regular), (16, 0, .postMarket)])
  func winterDay(h: Int, m: Int, expected: MarketSession) throws {
    #expect(try calendar.status(atUTCNanoseconds: ns(2025, 1, 14, h, m)).session == expected)
  }

  @Test("weekends are closed all day", arguments: [(2025, 3, 8), (2025, 3, 9), (2027, 11, 6), (2027, 11, 7)])
  func weekend(y: Int, m: Int, d: Int) throws {
    for hour in [5, 10, 17] {
      let status = try calendar.status(atUTCNanoseconds: ns(y, m, d, hour, 0))
      #expect(status.session == .closed)
      #expect(status.day.closure == .weekend)
    }
  }

  @Test("every published closure is closed all day with its name",
        arguments: NYSECalendarEntry.published.filter { $0.kind == .closed })
  func closures(entry: NYSECalendarEntry) throws {
    let d = entry.date
    for (hour, minute) in [(4, 0), (9, 30), (12, 0), (16, 0), (19, 59)] {
      let status = try calendar.status(atUTCNanoseconds: ns(d.year, d.month, d.day, hour, minute))
      #expect(status.session == .closed)
      #expect(status.holidayName == entry.name)
    }
  }

  @Test("every published early close ends regular at 13:00 and post-market at 17:00",
        arguments: NYSECalendarEntry.published.filter { $0.kind == .earlyClose })
  func earlyCloses(entry: NYSECalendarEntry) throws {
    let d = entry.date
    func session(_ h: Int, _ m: Int, _ s: Int = 0) throws -> MarketSession {
      try calendar.status(atUTCNanoseconds: ns(d.year, d.month, d.day, h, m, s)).session
    }
    #expect(try session(4, 0) == .preMarket)
    #expect(try session(9, 30) == .regular)
    #expect(try session(12, 59, 59) == .regular)
    #expect(try session(13, 0) == .postMarket)
    #expect(try session(16, 59, 59) == .postMarket)
    #expect(try session(17, 0) == .closed)
    let status = try calendar.status(atUTCNanoseconds: ns(d.year, d.month, d.day, 10, 0))
    #expect(status.isEarlyClose)
    #expect(status.day.earlyCloseName == entry.name)
    #expect(try calendar.nextClose(afterUTCNanoseconds: ns(d.year, d.month, d.day, 10, 0)) == ns(d.year, d.month, d.day, 13, 0))
  }

  @Test("DST switch Sundays are closed and the nonexistent 02:30 / repeated 01:30 do not confuse it",
        arguments: [(2024, 3, 10), (2024, 11, 3), (2025, 3, 9), (2025, 11, 2), (2026, 3, 8), (2026, 11, 1), (2027, 3, 14), (2027, 11, 7)])
  func dstSundays(y: Int, m: Int, d: Int) throws {
    let midnight = NewYorkOracle.ns(y, m, d, 0, 0)
    for quarter in 0..<(26 * 4) {
      let t = midnight + Int64(quarter) * 15 * .nsPerMinute
      let status = try calendar.status(atUTCNanoseconds: t)
      #expect(status.session == .closed)
      #expect(status.day.closure == .weekend || status.day.date.weekday == .monday)
    }
    // The Monday after opens at 09:30 local in the new offset.
    let open = try calendar.nextOpen(afterUTCNanoseconds: midnight)
    #expect(open == ns(y, m, d + 1, 9, 30))
  }

  @Test(
    "next open and next close",
    arguments: [
      // (from, expected next open, expected next close), all New York wall times.
      ("Fri close → Mon across spring DST", ns(2024, 3, 8, 16, 0), ns(2024, 3, 11, 9, 30), ns(2024, 3, 11, 16, 0)),
      ("Fri close → Mon across fall DST", ns(2025, 10, 31, 16, 0), ns(2025, 11, 3, 9, 30), ns(2025, 11, 3, 16, 0)),
      ("before the open → same day", ns(2025, 3, 11, 8, 0), ns(2025, 3, 11, 9, 30), ns(2025, 3, 11, 16, 0)),
      ("during the session → tomorrow's open, today's close", ns(2025, 3, 11, 10, 0), ns(2025, 3, 12, 9, 30), ns(2025, 3, 11, 16, 0)),
      ("exactly at the open → next day's open", ns(2025, 3, 11, 9, 30), ns(2025, 3, 12, 9, 30), ns(2025, 3, 11, 16, 0)),
      ("Thursday before Good Friday 2024", ns(2024, 3, 28, 16, 0), ns(2024, 4, 1, 9, 30), ns(2024, 4, 1, 16, 0)),
      ("before the Carter closure", ns(2025, 1, 8, 16, 0), ns(2025, 1, 10, 9, 30), ns(2025, 1, 10, 16, 0)),
      ("Christmas 2027 observed Friday", ns(2027, 12, 23, 16, 0), ns(2027, 12, 27, 9, 30), ns(2027, 12, 27, 16, 0)),
      ("Thanksgiving → early close", ns(2026, 11, 25, 20, 0), ns(2026, 11, 27, 9, 30), ns(2026, 11, 27, 13, 0)),
      ("MLK weekend 2026", ns(2026, 1, 16, 17, 0), ns(2026, 1, 20, 9, 30), ns(2026, 1, 20, 16, 0)),
    ])
  func nextOpenClose(label: String, from: Int64, open: Int64, close: Int64) throws {
    #expect(try calendar.nextOpen(afterUTCNanoseconds: from) == open, "\(label)")
    #expect(try calendar.nextClose(afterUTCNanoseconds: from) == close, "\(label)")
  }

  @Test(
    "opening window (default 5 minutes)",
    arguments: [((9, 29, 59), false), ((9, 30, 0), true), ((9, 34, 59), true), ((9, 35, 0), false), ((15, 0, 0), false)])
  func openingWindow(time: (Int, Int, Int), expected: Bool) throws {
    #expect(try calendar.isInOpeningWindow(atUTCNanoseconds: ns(2025, 3, 11, time.0, time.1, time.2)) == expected)
  }

  @Test("the opening window is configurable")
  func configurableWindow() throws {
    let wide = try USEquityCalendar(configuration: .init(openingWindow: .seconds(15 * 60)))
    #expect(try wide.isInOpeningWindow(atUTCNanoseconds: ns(2025, 3, 11, 9, 44, 59)))
    #expect(try !wide.isInOpeningWindow(atUTCNanoseconds: ns(2025, 3, 11, 9, 45)))
    #expect(try wide.nanosecondsUntilSafeExecution(fromUTCNanoseconds: ns(2025, 3, 11, 9, 30)) == 15 * .nsPerMinute)
    let none = try USEquityCalendar(configuration: .init(openingWindow: .zero))
    #expect(try none.nanosecondsUntilSafeExecution(fromUTCNanoseconds: ns(2025, 3, 11, 9, 30)) == 0)
  }

  static let safeCases: [(String, Int64, Int64)] = {
    var c: [(String, Int64, Int64)] = []
    c.append(("mid-session", ns(2025, 3, 11, 11, 0), 0))
    c.append(("at the open", ns(2025, 3, 11, 9, 30), 5 * .nsPerMinute))
    c.append(("pre-market 09:00", ns(2025, 3, 11, 9, 0), 35 * .nsPerMinute))
    c.append(("last second before close", ns(2025, 3, 11, 15, 59, 59), 0))
    c.append(("at the close", ns(2025, 3, 11, 16, 0), ns(2025, 3, 12, 9, 35) - ns(2025, 3, 11, 16, 0)))
    // Spring forward: Fri 16:00 EST → Mon 09:35 EDT is 65h35m of wall clock but 64h35m of time.
    c.append(("weekend across spring DST", ns(2024, 3, 8, 16, 0), 64 * .nsPerHour + 35 * .nsPerMinute))
    // Fall back: Fri 16:00 EDT → Mon 09:35 EST is 66h35m of time.
    c.append(("weekend across fall DST", ns(2024, 11, 1, 16, 0), 66 * .nsPerHour + 35 * .nsPerMinute))
    c.append(("Good Friday weekend 2025", ns(2025, 4, 17, 16, 0), 89 * .nsPerHour + 35 * .nsPerMinute))
    c.append(("Carter closure", ns(2025, 1, 8, 16, 0), 41 * .nsPerHour + 35 * .nsPerMinute))
    c.append(("early close afternoon", ns(2024, 12, 24, 13, 0), ns(2024, 12, 26, 9, 35) - ns(2024, 12, 24, 13, 0)))
    c.append(("Independence Day observed Monday 2027", ns(2027, 7, 2, 16, 0), ns(2027, 7, 6, 9, 35) - ns(2027, 7, 2, 16, 0)))
    return c
  }()

  @Test("time until safe execution", arguments: safeCases)
  func timeUntilSafe(label: String, from: Int64, expected: Int64) throws {
    #expect(try calendar.nanosecondsUntilSafeExecution(fromUTCNanoseconds: from) == expected, "\(label)")
  }

  @Test("questions about uncovered years throw instead of guessing")
  func uncoveredYears() throws {
    #expect(throws: MarketCalendarError.yearNotCovered(year: 2028, covered: 2024...2027)) {
      try calendar.status(atUTCNanoseconds: ns(2028, 1, 3, 10, 0))
    }
    #expect(throws: MarketCalendarError.yearNotCovered(year: 2028, covered: 2024...2027)) {
      try calendar.nextOpen(afterUTCNanoseconds: ns(2027, 12, 31, 16, 0))
    }
    #expect(throws: MarketCalendarError.yearNotCovered(year: 2023, covered: 2024...2027)) {
      try calendar.schedule(for: CivilDate(year: 2023, month: 12, day: 29)!)
    }
    // Weekends need no data.
    #expect(try calendar.schedule(for: CivilDate(year: 2028, month: 1, day: 1)!).closure == .weekend)
    #expect(
      MarketCalendarError.yearNotCovered(year: 2028, covered: 2024...2027).description
        == "No NYSE holiday data for 2028; the calendar covers 2024–2027. Add the year's published dates to NYSECalendarData.swift.")
  }

  @Test("a bad holiday table is rejected with the offending date")
  func badTables() {
    let monday = CivilDate(year: 2025, month: 3, day: 10)!
    let saturday = CivilDate(year: 2025, month: 3, day: 8)!
    let entry = NYSECalendarEntry(date: monday, kind: .closed, name: "x")
    #expect(throws: MarketCalendarError.duplicateEntry(monday)) {
      try USEquityCalendar(entries: [entry, entry])
    }
    #expect(throws: MarketCalendarError.entryOnWeekend(saturday)) {
      try USEquityCalendar(entries: [NYSECalendarEntry(date: saturday, kind: .closed, name: "x")])
    }
    #expect(throws: MarketCalendarError.entryOutsideCoveredYears(monday, covered: 2026...2027)) {
      try USEquityCalendar(entries: [entry], coveredYears: 2026...2027)
    }
  }

  @Test("out-of-order session times and negative windows are rejected")
  func badConfiguration() {
    #expect(throws: MarketCalendarError.self) {
      try USEquityCalendar(configuration: .init(regularOpen: LocalTime(hour: 16, minute: 30)!))
    }
    #expect(throws: MarketCalendarError.invalidSessionTimes("the opening window -1.0 seconds is negative")) {
      try USEquityCalendar(configuration: .init(openingWindow: .seconds(-1)))
    }
  }
}

@Suite("ForexWeek")
struct ForexWeekTests {
  @Test(
    "open Sunday 17:00 to Friday 17:00 New York time",
    arguments: [
      ((2025, 3, 9, 16, 59), false), ((2025, 3, 9, 17, 0), true), ((2025, 3, 12, 3, 0), true),
      ((2025, 3, 14, 16, 59), true), ((2025, 3, 14, 17, 0), false), ((2025, 3, 15, 12, 0), false),
      ((2025, 12, 25, 12, 0), true),
    ])
  func openHours(t: (Int, Int, Int, Int, Int), expected: Bool) {
    #expect(ForexWeek.isOpen(atUTCNanoseconds: ns(t.0, t.1, t.2, t.3, t.4)) == expected)
  }

  @Test("time until the weekly open, across a DST switch")
  func untilOpen() {
    #expect(ForexWeek.nanosecondsUntilOpen(fromUTCNanoseconds: ns(2025, 3, 12, 3, 0)) == 0)
    // Fri 2024-03-08 17:00 EST → Sun 2024-03-10 17:00 EDT: 47 hours.
    #expect(ForexWeek.nanosecondsUntilOpen(fromUTCNanoseconds: ns(2024, 3, 8, 17, 0)) == 47 * .nsPerHour)
    // Fri 2024-11-01 17:00 EDT → Sun 2024-11-03 17:00 EST: 49 hours.
    #expect(ForexWeek.nanosecondsUntilOpen(fromUTCNanoseconds: ns(2024, 11, 1, 17, 0)) == 49 * .nsPerHour)
    #expect(ForexWeek.nanosecondsUntilOpen(fromUTCNanoseconds: ns(2025, 3, 9, 16, 0)) == .nsPerHour)
  }
}

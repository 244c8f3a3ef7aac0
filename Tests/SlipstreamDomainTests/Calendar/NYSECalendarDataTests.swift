import Testing

@testable import SlipstreamDomain

/// Checks the data table two ways: against an independent list typed from NYSE's releases, and
/// against the rules the exchange follows (nth-weekday holidays, Good Friday from Easter, fixed
/// dates observed on the nearest weekday).
@Suite("NYSE calendar data")
struct NYSECalendarDataTests {
  /// Closures per year as published, typed independently of the data file.
  static let publishedClosures: [Int: [String]] = [
    2024: ["01-01", "01-15", "02-19", "03-29", "05-27", "06-19", "07-04", "09-02", "11-28", "12-25"],
    2025: ["01-01", "01-09", "01-20", "02-17", "04-18", "05-26", "06-19", "07-04", "09-01", "11-27", "12-25"],
    2026: ["01-01", "01-19", "02-16", "04-03", "05-25", "06-19", "07-03", "09-07", "11-26", "12-25"],
    2027: ["01-01", "01-18", "02-15", "03-26", "05-31", "06-18", "07-05", "09-06", "11-25", "12-24"],
  ]
  static let publishedEarlyCloses: [Int: [String]] = [
    2024: ["07-03", "11-29", "12-24"],
    2025: ["07-03", "11-28", "12-24"],
    2026: ["11-27", "12-24"],
    2027: ["11-26"],
  ]

  static func dates(_ year: Int, _ kind: NYSECalendarEntry.Kind) -> [String] {
    NYSECalendarEntry.published.filter { $0.date.year == year && $0.kind == kind }
      .map { String($0.date.description.dropFirst(5)) }.sorted()
  }

  @Test("the table matches the published closures and early closes", arguments: 2024...2027)
  func matchesPublished(year: Int) {
    #expect(Self.dates(year, .closed) == Self.publishedClosures[year])
    #expect(Self.dates(year, .earlyClose) == Self.publishedEarlyCloses[year])
  }

  @Test("the table covers exactly 2024–2027 and builds a valid calendar")
  func coverage() throws {
    #expect(NYSECalendarEntry.coveredYears == 2024...2027)
    #expect(Set(NYSECalendarEntry.published.map(\.date.year)) == [2024, 2025, 2026, 2027])
    _ = try USEquityCalendar()
  }

  /// Gregorian Easter Sunday (anonymous Gregorian algorithm).
  static func easter(_ year: Int) -> CivilDate {
    let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
    let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
    let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
    let m = (a + 11 * h + 22 * l) / 451
    let month = (h + l - 7 * m + 114) / 31
    let day = (h + l - 7 * m + 114) % 31 + 1
    return CivilDate(year: year, month: month, day: day)!
  }

  /// A fixed-date holiday on a weekend is observed Friday (Saturday) or Monday (Sunday); New
  /// Year's Day on a Saturday is not observed (NYSE Rule 7.2).
  static func observed(_ date: CivilDate, isNewYear: Bool = false) -> CivilDate? {
    switch date.weekday {
    case .saturday: return isNewYear ? nil : date.adding(days: -1)
    case .sunday: return date.adding(days: 1)
    default: return date
    }
  }

  static func ruleClosures(_ year: Int) -> [CivilDate] {
    let lastMondayOfMay = (1...5).map { CivilDate.nth($0, .monday, ofMonth: 5, year: year) }
      .filter { $0.month == 5 }.last!
    let fixed = [(6, 19), (7, 4), (12, 25)].compactMap {
      observed(CivilDate(year: year, month: $0.0, day: $0.1)!)
    }
    let newYear = observed(CivilDate(year: year, month: 1, day: 1)!, isNewYear: true)
    return ([newYear].compactMap { $0 } + fixed + [
      CivilDate.nth(3, .monday, ofMonth: 1, year: year),
      CivilDate.nth(3, .monday, ofMonth: 2, year: year),
      easter(year).adding(days: -2),
      lastMondayOfMay,
      CivilDate.nth(1, .monday, ofMonth: 9, year: year),
      CivilDate.nth(4, .thursday, ofMonth: 11, year: year),
    ]).sorted()
  }

  @Test("closures follow the exchange's holiday rules (plus listed special closures)", arguments: 2024...2027)
  func closuresFollowRules(year: Int) {
    let special: Set<CivilDate> = [CivilDate(year: 2025, month: 1, day: 9)!]
    let table = NYSECalendarEntry.published.filter { $0.date.year == year && $0.kind == .closed }
      .map(\.date).filter { !special.contains($0) }.sorted()
    #expect(table == Self.ruleClosures(year))
  }

  @Test("early closes fall on the day after Thanksgiving, July 3 or December 24 trading days", arguments: 2024...2027)
  func earlyClosesFollowRules(year: Int) throws {
    let calendar = USEquityCalendar.nyse
    let thanksgiving = CivilDate.nth(4, .thursday, ofMonth: 11, year: year)
    var expected = [thanksgiving.adding(days: 1)]
    for (month, day) in [(7, 3), (12, 24)] {
      let date = CivilDate(year: year, month: month, day: day)!
      let next = date.adding(days: 1)
      // An early close only when the day trades and the holiday itself is closed the next day.
      if try calendar.schedule(for: date).isTradingDay, try !calendar.schedule(for: next).isTradingDay {
        expected.append(date)
      }
    }
    let table = NYSECalendarEntry.published.filter { $0.date.year == year && $0.kind == .earlyClose }
      .map(\.date).sorted()
    #expect(table == expected.sorted())
  }

  @Test("every entry is a weekday with a name")
  func entriesAreWeekdays() {
    for entry in NYSECalendarEntry.published {
      #expect(!entry.date.isWeekend, "\(entry.date)")
      #expect(!entry.name.isEmpty)
    }
  }
}

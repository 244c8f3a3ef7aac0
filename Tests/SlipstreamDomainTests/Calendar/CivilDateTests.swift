import Foundation
import Testing

@testable import SlipstreamDomain

@Suite("CivilDate and LocalTime")
struct CivilDateTests {
  @Test("day count round-trips and agrees with Foundation for every day 1900–2100")
  func roundTripAgainstFoundation() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let first = CivilDate(year: 1900, month: 1, day: 1)!.daysSinceEpoch
    let last = CivilDate(year: 2100, month: 12, day: 31)!.daysSinceEpoch
    #expect(first == -25_567)
    var mismatches = 0
    for days in first...last {
      let date = CivilDate(daysSinceEpoch: days)
      let foundation = calendar.dateComponents(
        [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
      if date.daysSinceEpoch != days || date.year != foundation.year || date.month != foundation.month
        || date.day != foundation.day || date.weekday.rawValue + 1 != foundation.weekday
      {
        mismatches += 1
      }
    }
    #expect(mismatches == 0)
  }

  @Test(
    "invalid dates are rejected",
    arguments: [(2023, 2, 29), (2100, 2, 29), (2024, 4, 31), (2024, 13, 1), (2024, 0, 1), (2024, 1, 0)])
  func invalidDates(year: Int, month: Int, day: Int) {
    #expect(CivilDate(year: year, month: month, day: day) == nil)
  }

  @Test("leap days that exist are accepted", arguments: [2000, 2024, 2028])
  func leapDays(year: Int) {
    #expect(CivilDate(year: year, month: 2, day: 29) != nil)
  }

  @Test(
    "nth weekday of a month",
    arguments: [
      (2, Weekday.sunday, 3, 2024, "2024-03-10"), (1, .sunday, 11, 2024, "2024-11-03"),
      (2, .sunday, 3, 2027, "2027-03-14"), (1, .sunday, 11, 2027, "2027-11-07"),
      (4, .thursday, 11, 2025, "2025-11-27"), (3, .monday, 1, 2026, "2026-01-19"),
    ])
  func nthWeekday(n: Int, weekday: Weekday, month: Int, year: Int, expected: String) {
    #expect(CivilDate.nth(n, weekday, ofMonth: month, year: year).description == expected)
  }

  @Test("local time validation and formatting")
  func localTime() {
    #expect(LocalTime(hour: 24, minute: 0) == nil)
    #expect(LocalTime(hour: 9, minute: 60) == nil)
    #expect(LocalTime(hour: 9, minute: 5, second: 60) == nil)
    #expect(LocalTime(hour: 9, minute: 5)!.description == "09:05")
    #expect(LocalTime(hour: 23, minute: 59, second: 7)!.description == "23:59:07")
  }

  @Test("floor division rounds toward negative infinity", arguments: [
    (Int64(7), Int64(2), Int64(3)), (-7, 2, -4), (-8, 2, -4), (0, 5, 0), (-1, 86_400, -1),
  ])
  func floorDivision(value: Int64, divisor: Int64, expected: Int64) {
    #expect(value.floorDivided(by: divisor) == expected)
  }
}

/// Why the market calendar cannot answer or cannot be built.
public enum MarketCalendarError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A question touched a year with no published holiday data.
  case yearNotCovered(year: Int, covered: ClosedRange<Int>)
  /// The holiday table lists the same date twice.
  case duplicateEntry(CivilDate)
  /// The holiday table lists a Saturday or Sunday (the exchange is closed anyway).
  case entryOnWeekend(CivilDate)
  /// The holiday table lists a date outside the years it claims to cover.
  case entryOutsideCoveredYears(CivilDate, covered: ClosedRange<Int>)
  /// A session boundary is out of order (e.g. the regular open after the close).
  case invalidSessionTimes(String)

  public var description: String {
    switch self {
    case .yearNotCovered(let year, let covered):
      return "No NYSE holiday data for \(year); the calendar covers \(covered.lowerBound)–\(covered.upperBound). "
        + "Add the year's published dates to NYSECalendarData.swift."
    case .duplicateEntry(let date):
      return "The NYSE holiday table lists \(date) more than once; keep one line per date."
    case .entryOnWeekend(let date):
      return "The NYSE holiday table lists \(date), a \(date.weekday); list the observed weekday instead."
    case .entryOutsideCoveredYears(let date, let covered):
      return "The NYSE holiday table lists \(date) outside its covered years "
        + "\(covered.lowerBound)–\(covered.upperBound); widen coveredYears or remove the line."
    case .invalidSessionTimes(let detail):
      return "Invalid session times: \(detail)."
    }
  }
}

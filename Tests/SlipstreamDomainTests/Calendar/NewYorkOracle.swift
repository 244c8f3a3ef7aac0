import Foundation

@testable import SlipstreamDomain

/// Test helpers that build instants with Foundation's tz database, independent of `NewYorkTime`.
enum NewYorkOracle {
  static let zone = TimeZone(identifier: "America/New_York")!

  static var calendar: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    return calendar
  }

  /// UTC nanoseconds of a New York wall-clock time (must not be skipped or repeated).
  static func ns(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Int64 {
    let components = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    let date = calendar.date(from: components)!
    return Int64(date.timeIntervalSince1970) * 1_000_000_000
  }

  /// UTC nanoseconds of a UTC wall-clock time.
  static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 {
    let day = CivilDate(year: y, month: mo, day: d)!.daysSinceEpoch
    return (Int64(day) * 86_400 + Int64(h * 3600 + mi * 60)) * 1_000_000_000
  }
}

extension Int64 {
  static let nsPerMinute: Int64 = 60_000_000_000
  static let nsPerHour: Int64 = 3_600_000_000_000
}

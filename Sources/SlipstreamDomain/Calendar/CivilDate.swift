/// A day of the week, numbered as in ISO C (`sunday == 0`).
public enum Weekday: Int, Sendable, Hashable, CaseIterable {
  case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday
}

/// A date on the proleptic Gregorian calendar with no time zone (a wall-calendar day).
///
/// Conversions to and from a day count use Howard Hinnant's `days_from_civil` algorithm, so they are
/// exact for every representable year and need no Foundation.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The year, e.g. 2025.
  public let year: Int
  /// The month, 1 (January) … 12 (December).
  public let month: Int
  /// The day of the month, 1 … 31.
  public let day: Int

  /// Creates a date; returns `nil` when the month or day does not exist (e.g. February 30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
      return nil
    }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Creates a date from a literal the caller knows is valid (the holiday table); traps otherwise.
  init(_ year: Int, _ month: Int, _ day: Int) {
    guard let date = CivilDate(year: year, month: month, day: day) else {
      preconditionFailure("invalid civil date \(year)-\(month)-\(day)")
    }
    self = date
  }

  /// The date `days` days after 1970-01-01 (negative counts go before it).
  public init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
    self.month = m
    self.day = d
  }

  /// Days since 1970-01-01 (negative before it).
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The day of the week (1970-01-01 was a Thursday).
  public var weekday: Weekday {
    let d = daysSinceEpoch
    let index = ((d % 7) + 7 + 4) % 7
    return Weekday(rawValue: index)!
  }

  /// Whether the day is a Saturday or a Sunday.
  public var isWeekend: Bool { weekday == .saturday || weekday == .sunday }

  /// The date `days` days later (earlier when negative).
  public func adding(days: Int) -> CivilDate {
    CivilDate(daysSinceEpoch: daysSinceEpoch + days)
  }

  /// The `n`-th (1-based) given weekday of a month, e.g. the second Sunday of March.
  public static func nth(_ n: Int, _ weekday: Weekday, ofMonth month: Int, year: Int) -> CivilDate {
    let first = CivilDate(year, month, 1)
    let offset = (weekday.rawValue - first.weekday.rawValue + 7) % 7
    return first.adding(days: offset + (n - 1) * 7)
  }

  /// Whether `year` is a Gregorian leap year.
  public static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  /// Number of days in a month of a year.
  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// ISO 8601 form, `2025-01-09`.
  public var description: String {
    func pad(_ v: Int, _ width: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }
}

/// A wall-clock time of day, to the second, with no date and no time zone.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Seconds since midnight, 0 ..< 86_400.
  public let secondsSinceMidnight: Int

  /// Creates a time of day; returns `nil` outside 00:00:00 … 23:59:59.
  public init?(hour: Int, minute: Int, second: Int = 0) {
    guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else {
      return nil
    }
    self.secondsSinceMidnight = hour * 3600 + minute * 60 + second
  }

  /// Creates a time from a literal the caller knows is valid; traps otherwise.
  @usableFromInline
  init(_ hour: Int, _ minute: Int) {
    guard let time = LocalTime(hour: hour, minute: minute) else {
      preconditionFailure("invalid local time \(hour):\(minute)")
    }
    self = time
  }

  init(secondsSinceMidnight: Int) {
    precondition((0..<86_400).contains(secondsSinceMidnight))
    self.secondsSinceMidnight = secondsSinceMidnight
  }

  /// The hour, 0 … 23.
  public var hour: Int { secondsSinceMidnight / 3600 }
  /// The minute, 0 … 59.
  public var minute: Int { secondsSinceMidnight / 60 % 60 }
  /// The second, 0 … 59.
  public var second: Int { secondsSinceMidnight % 60 }

  public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool {
    lhs.secondsSinceMidnight < rhs.secondsSinceMidnight
  }

  /// `HH:MM` (or `HH:MM:SS` when seconds are not zero).
  public var description: String {
    func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let base = "\(pad(hour)):\(pad(minute))"
    return second == 0 ? base : base + ":\(pad(second))"
  }
}

/// A wall-clock date and time with no time zone.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The calendar day.
  public let date: CivilDate
  /// The time of day.
  public let time: LocalTime

  /// Creates a local date and time.
  public init(date: CivilDate, time: LocalTime) {
    self.date = date
    self.time = time
  }

  /// Seconds since 1970-01-01T00:00:00 of the same wall clock (not an instant).
  var wallSeconds: Int64 {
    Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsSinceMidnight)
  }

  init(wallSeconds: Int64) {
    let days = wallSeconds.floorDivided(by: 86_400)
    self.date = CivilDate(daysSinceEpoch: Int(days))
    self.time = LocalTime(secondsSinceMidnight: Int(wallSeconds - days * 86_400))
  }

  public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
    (lhs.date, lhs.time) < (rhs.date, rhs.time)
  }

  /// `2025-03-09 02:30`.
  public var description: String { "\(date) \(time)" }
}

extension Int64 {
  /// Division rounding toward negative infinity.
  func floorDivided(by divisor: Int64) -> Int64 {
    let q = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
  }
}

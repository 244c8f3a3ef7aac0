/// How a wall-clock time in New York maps onto instants.
public enum LocalTimeResolution: Hashable, Sendable {
  /// Exactly one instant (UTC seconds since the Unix epoch) shows this wall-clock time.
  case unique(utcSeconds: Int64)
  /// The time is shown twice (the repeated hour when daylight saving time ends, e.g. 01:30 on the
  /// first Sunday of November): first in daylight time, then an hour later in standard time.
  case repeated(earlierUTCSeconds: Int64, laterUTCSeconds: Int64)
  /// The time never occurs (the skipped hour when daylight saving time begins, e.g. 02:30 on the
  /// second Sunday of March); `nextValidUTCSeconds` is the instant the clocks jump to 03:00.
  case skipped(nextValidUTCSeconds: Int64)
}

/// The America/New_York time zone in pure Swift: EST (UTC−5) and EDT (UTC−4) under the US rule in
/// force since 2007 — daylight time from the second Sunday of March at 02:00 local standard time to
/// the first Sunday of November at 02:00 local daylight time.
///
/// Years before 2007 used other rules; the rule here is applied to every year regardless, so only
/// use it for 2007 onward. Tests cross-check it against Foundation's tz database hour by hour.
public enum NewYorkTime {
  /// UTC offset of Eastern Standard Time, in seconds.
  public static let standardOffsetSeconds = -5 * 3600
  /// UTC offset of Eastern Daylight Time, in seconds.
  public static let daylightOffsetSeconds = -4 * 3600

  /// The instant (UTC seconds) daylight time begins in `year`: 02:00 EST on the second Sunday of
  /// March, i.e. 07:00 UTC.
  public static func daylightTimeStartUTCSeconds(year: Int) -> Int64 {
    let day = CivilDate.nth(2, .sunday, ofMonth: 3, year: year)
    return Int64(day.daysSinceEpoch) * 86_400 + 2 * 3600 - Int64(standardOffsetSeconds)
  }

  /// The instant (UTC seconds) daylight time ends in `year`: 02:00 EDT on the first Sunday of
  /// November, i.e. 06:00 UTC.
  public static func daylightTimeEndUTCSeconds(year: Int) -> Int64 {
    let day = CivilDate.nth(1, .sunday, ofMonth: 11, year: year)
    return Int64(day.daysSinceEpoch) * 86_400 + 2 * 3600 - Int64(daylightOffsetSeconds)
  }

  /// The UTC offset in force at an instant, in seconds (−18 000 or −14 400).
  public static func utcOffsetSeconds(atUTCSeconds utc: Int64) -> Int {
    // The UTC year and the New York year differ only in the first hours of January 1, far
    // from either switch, so the UTC year picks the right pair of switch instants.
    let year = CivilDate(daysSinceEpoch: Int(utc.floorDivided(by: 86_400))).year
    let isDaylight =
      utc >= daylightTimeStartUTCSeconds(year: year) && utc < daylightTimeEndUTCSeconds(year: year)
    return isDaylight ? daylightOffsetSeconds : standardOffsetSeconds
  }

  /// The New York wall-clock date and time at an instant.
  public static func localDateTime(atUTCSeconds utc: Int64) -> LocalDateTime {
    LocalDateTime(wallSeconds: utc + Int64(utcOffsetSeconds(atUTCSeconds: utc)))
  }

  /// The instant(s) at which New York clocks show `local`.
  public static func resolve(_ local: LocalDateTime) -> LocalTimeResolution {
    let wall = local.wallSeconds
    let asStandard = wall - Int64(standardOffsetSeconds)
    let asDaylight = wall - Int64(daylightOffsetSeconds)
    let standardValid = utcOffsetSeconds(atUTCSeconds: asStandard) == standardOffsetSeconds
    let daylightValid = utcOffsetSeconds(atUTCSeconds: asDaylight) == daylightOffsetSeconds
    switch (daylightValid, standardValid) {
    case (true, true):
      return .repeated(earlierUTCSeconds: asDaylight, laterUTCSeconds: asStandard)
    case (true, false):
      return .unique(utcSeconds: asDaylight)
    case (false, true):
      return .unique(utcSeconds: asStandard)
    case (false, false):
      return .skipped(nextValidUTCSeconds: daylightTimeStartUTCSeconds(year: local.date.year))
    }
  }

  /// The first instant at or after which New York clocks show `local` or later: the instant itself
  /// when unique, the earlier one when repeated, the end of the gap when skipped.
  public static func firstUTCSeconds(atOrAfter local: LocalDateTime) -> Int64 {
    switch resolve(local) {
    case .unique(let utc): return utc
    case .repeated(let earlier, _): return earlier
    case .skipped(let next): return next
    }
  }
}

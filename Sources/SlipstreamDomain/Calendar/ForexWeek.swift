/// The spot forex trading week in New York time: open from Sunday 17:00 to Friday 17:00 ET.
///
/// Bank holidays that thin the interbank market are not modelled; the week is the only rule.
public enum ForexWeek {
  /// The weekly open, Sunday 17:00 ET.
  public static let openTime = LocalTime(17, 0)
  /// The weekly close, Friday 17:00 ET.
  public static let closeTime = LocalTime(17, 0)

  /// Whether forex trades at a New York wall-clock time.
  public static func isOpen(at local: LocalDateTime) -> Bool {
    switch local.date.weekday {
    case .saturday: return false
    case .sunday: return local.time >= openTime
    case .friday: return local.time < closeTime
    default: return true
    }
  }

  /// Whether forex trades at an instant (UTC nanoseconds).
  static func isOpen(atUTCNanoseconds t: Int64) -> Bool {
    isOpen(at: NewYorkTime.localDateTime(atUTCSeconds: t.floorDivided(by: 1_000_000_000)))
  }

  /// Nanoseconds from `t` until forex next trades: zero when open, else until Sunday 17:00 ET.
  static func nanosecondsUntilOpen(fromUTCNanoseconds t: Int64) -> Int64 {
    if isOpen(atUTCNanoseconds: t) { return 0 }
    var date = NewYorkTime.localDateTime(atUTCSeconds: t.floorDivided(by: 1_000_000_000)).date
    while date.weekday != .sunday { date = date.adding(days: 1) }
    return USEquityCalendar.instant(date, openTime) - t
  }
}

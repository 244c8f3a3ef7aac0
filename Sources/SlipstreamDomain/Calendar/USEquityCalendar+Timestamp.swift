extension USEquityCalendar {
  /// The session, day schedule, holiday name and early close at an instant.
  /// - Throws: `MarketCalendarError.yearNotCovered` on a weekday of a year missing from the table.
  public func status(at instant: Timestamp) throws(MarketCalendarError) -> MarketStatus {
    try status(atUTCNanoseconds: instant.nanosecondsSinceEpoch)
  }

  /// The first regular-session open strictly after `instant` (skips nights, weekends, holidays).
  /// - Throws: `MarketCalendarError.yearNotCovered` when the search reaches an uncovered year.
  public func nextOpen(after instant: Timestamp) throws(MarketCalendarError) -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: try nextOpen(afterUTCNanoseconds: instant.nanosecondsSinceEpoch))
  }

  /// The first regular-session close strictly after `instant` (today's close during the session,
  /// 13:00 on early-close days).
  /// - Throws: `MarketCalendarError.yearNotCovered` when the search reaches an uncovered year.
  public func nextClose(after instant: Timestamp) throws(MarketCalendarError) -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: try nextClose(afterUTCNanoseconds: instant.nanosecondsSinceEpoch))
  }

  /// Whether `instant` is inside the opening window (no orders are placed there).
  /// - Throws: `MarketCalendarError.yearNotCovered`.
  public func isInOpeningWindow(at instant: Timestamp) throws(MarketCalendarError) -> Bool {
    try isInOpeningWindow(atUTCNanoseconds: instant.nanosecondsSinceEpoch)
  }

  /// How long from `instant` until orders may be placed: zero in the regular session after the
  /// opening window, otherwise until the next open plus the window.
  /// - Throws: `MarketCalendarError.yearNotCovered` when the search reaches an uncovered year.
  public func timeUntilSafeExecution(from instant: Timestamp) throws(MarketCalendarError) -> Duration {
    .nanoseconds(try nanosecondsUntilSafeExecution(fromUTCNanoseconds: instant.nanosecondsSinceEpoch))
  }
}

extension NewYorkTime {
  /// The New York wall-clock date and time at an instant.
  public static func localDateTime(at instant: Timestamp) -> LocalDateTime {
    localDateTime(atUTCSeconds: instant.nanosecondsSinceEpoch.floorDivided(by: 1_000_000_000))
  }
}

extension ForexWeek {
  /// Whether spot forex trades at an instant.
  public static func isOpen(at instant: Timestamp) -> Bool {
    isOpen(atUTCNanoseconds: instant.nanosecondsSinceEpoch)
  }

  /// How long from `instant` until forex next trades (zero while open).
  public static func timeUntilOpen(from instant: Timestamp) -> Duration {
    .nanoseconds(nanosecondsUntilOpen(fromUTCNanoseconds: instant.nanosecondsSinceEpoch))
  }
}

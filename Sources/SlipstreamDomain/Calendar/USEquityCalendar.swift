/// The trading session in force at an instant.
public enum MarketSession: Hashable, Sendable {
  /// No trading (night, weekend or holiday).
  case closed
  /// Extended hours before the open (04:00–09:30 ET).
  case preMarket
  /// The regular session (09:30–16:00 ET, 09:30–13:00 on early-close days).
  case regular
  /// Extended hours after the close (16:00–20:00 ET; 13:00–17:00 on early-close days).
  case postMarket
}

/// Why a day has no sessions at all.
public enum ClosureReason: Hashable, Sendable {
  /// Saturday or Sunday.
  case weekend
  /// An exchange holiday or special closure, with its published name.
  case holiday(name: String)
}

/// The sessions of one New York calendar day.
public struct TradingDaySchedule: Hashable, Sendable {
  /// The New York calendar day.
  public let date: CivilDate
  /// Why the day has no sessions; `nil` on a trading day.
  public let closure: ClosureReason?
  /// The published name of the early close (e.g. "Christmas Eve"); `nil` on a full day.
  public let earlyCloseName: String?
  /// Start of pre-market.
  public let preMarketOpen: LocalTime
  /// Start of the regular session.
  public let regularOpen: LocalTime
  /// End of the regular session (13:00 on early-close days).
  public let regularClose: LocalTime
  /// End of post-market (17:00 on early-close days).
  public let postMarketClose: LocalTime

  /// Whether the exchange trades at all that day.
  public var isTradingDay: Bool { closure == nil }
  /// Whether the regular session ends early.
  public var isEarlyClose: Bool { earlyCloseName != nil }

  /// The session at a New York wall-clock time of this day.
  public func session(at time: LocalTime) -> MarketSession {
    guard closure == nil else { return .closed }
    if time < preMarketOpen { return .closed }
    if time < regularOpen { return .preMarket }
    if time < regularClose { return .regular }
    if time < postMarketClose { return .postMarket }
    return .closed
  }
}

/// What the calendar says about one instant.
public struct MarketStatus: Hashable, Sendable {
  /// The session in force.
  public let session: MarketSession
  /// The New York wall-clock time of the instant.
  public let localTime: LocalDateTime
  /// The whole day's schedule.
  public let day: TradingDaySchedule

  /// The holiday's name when the exchange is closed for one.
  public var holidayName: String? {
    if case .holiday(let name) = day.closure { return name }
    return nil
  }

  /// Whether the day's regular session ends early.
  public var isEarlyClose: Bool { day.isEarlyClose }
}

/// The US equity market calendar (NYSE / Nasdaq hours) in America/New_York, with holidays and early
/// closes from a data table, and the opening window in which the platform places no orders.
///
/// Every question is answered for an explicit instant; nothing reads a clock. A question whose answer
/// depends on a year missing from the table throws `MarketCalendarError.yearNotCovered` rather than
/// guessing that the exchange is open.
public struct USEquityCalendar: Sendable {
  /// Session boundaries (New York wall-clock times) and the opening window.
  public struct Configuration: Hashable, Sendable {
    /// Start of pre-market. Default 04:00.
    public var preMarketOpen: LocalTime
    /// Start of the regular session. Default 09:30.
    public var regularOpen: LocalTime
    /// End of the regular session on a full day. Default 16:00.
    public var regularClose: LocalTime
    /// End of the regular session on an early-close day. Default 13:00.
    public var earlyClose: LocalTime
    /// End of post-market on a full day. Default 20:00.
    public var postMarketClose: LocalTime
    /// End of post-market on an early-close day. Default 17:00.
    public var earlyClosePostMarketClose: LocalTime
    /// The time after the regular open during which no orders are placed. Default 5 minutes.
    public var openingWindow: Duration

    /// Creates a configuration; every parameter defaults to the NYSE value.
    public init(
      preMarketOpen: LocalTime = LocalTime(4, 0),
      regularOpen: LocalTime = LocalTime(9, 30),
      regularClose: LocalTime = LocalTime(16, 0),
      earlyClose: LocalTime = LocalTime(13, 0),
      postMarketClose: LocalTime = LocalTime(20, 0),
      earlyClosePostMarketClose: LocalTime = LocalTime(17, 0),
      openingWindow: Duration = .seconds(300)
    ) {
      self.preMarketOpen = preMarketOpen
      self.regularOpen = regularOpen
      self.regularClose = regularClose
      self.earlyClose = earlyClose
      self.postMarketClose = postMarketClose
      self.earlyClosePostMarketClose = earlyClosePostMarketClose
      self.openingWindow = openingWindow
    }

    /// NYSE hours with a 5-minute opening window.
    public static var defaults: Configuration { Configuration() }
  }

  /// The configuration in force.
  public let configuration: Configuration
  /// The years the holiday table covers.
  public let coveredYears: ClosedRange<Int>
  private let entries: [CivilDate: NYSECalendarEntry]
  private let openingWindowNanoseconds: Int64

  /// Creates a calendar from a holiday table.
  ///
  /// - Parameters:
  ///   - entries: closures and early closes; defaults to the published NYSE table.
  ///   - coveredYears: the years `entries` fully describes.
  ///   - configuration: session boundaries and opening window.
  /// - Throws: `MarketCalendarError` when an entry repeats a date, falls on a weekend or outside
  ///   `coveredYears`, or when session boundaries are out of order or the window is negative.
  public init(
    entries: [NYSECalendarEntry] = NYSECalendarEntry.published,
    coveredYears: ClosedRange<Int> = NYSECalendarEntry.coveredYears,
    configuration: Configuration = .defaults
  ) throws(MarketCalendarError) {
    let c = configuration
    guard c.preMarketOpen <= c.regularOpen, c.regularOpen < c.earlyClose,
      c.earlyClose <= c.regularClose, c.regularClose <= c.postMarketClose,
      c.earlyClose <= c.earlyClosePostMarketClose
    else {
      throw .invalidSessionTimes(
        "need pre-market open ≤ regular open < early close ≤ regular close ≤ post-market close")
    }
    guard c.openingWindow >= .zero else {
      throw .invalidSessionTimes("the opening window \(c.openingWindow) is negative")
    }
    var table: [CivilDate: NYSECalendarEntry] = [:]
    for entry in entries {
      guard coveredYears.contains(entry.date.year) else {
        throw .entryOutsideCoveredYears(entry.date, covered: coveredYears)
      }
      guard !entry.date.isWeekend else { throw .entryOnWeekend(entry.date) }
      guard table.updateValue(entry, forKey: entry.date) == nil else {
        throw .duplicateEntry(entry.date)
      }
    }
    self.entries = table
    self.coveredYears = coveredYears
    self.configuration = configuration
    let (seconds, attoseconds) = configuration.openingWindow.components
    self.openingWindowNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }

  /// The published NYSE calendar with default hours (validated by the tests).
  public static let nyse: USEquityCalendar = {
    do { return try USEquityCalendar() } catch { preconditionFailure("\(error)") }
  }()

  /// The sessions of a New York calendar day.
  ///
  /// - Throws: `MarketCalendarError.yearNotCovered` for a weekday outside the table's years.
  public func schedule(for date: CivilDate) throws(MarketCalendarError) -> TradingDaySchedule {
    let c = configuration
    var closure: ClosureReason? = nil
    var earlyName: String? = nil
    if date.isWeekend {
      closure = .weekend
    } else {
      guard coveredYears.contains(date.year) else {
        throw .yearNotCovered(year: date.year, covered: coveredYears)
      }
      if let entry = entries[date] {
        switch entry.kind {
        case .closed: closure = .holiday(name: entry.name)
        case .earlyClose: earlyName = entry.name
        }
      }
    }
    let early = earlyName != nil
    return TradingDaySchedule(
      date: date, closure: closure, earlyCloseName: earlyName,
      preMarketOpen: c.preMarketOpen, regularOpen: c.regularOpen,
      regularClose: early ? c.earlyClose : c.regularClose,
      postMarketClose: early ? c.earlyClosePostMarketClose : c.postMarketClose)
  }

  // MARK: - Core, on UTC nanoseconds since the Unix epoch

  func status(atUTCNanoseconds t: Int64) throws(MarketCalendarError) -> MarketStatus {
    let local = NewYorkTime.localDateTime(atUTCSeconds: t.floorDivided(by: 1_000_000_000))
    let day = try schedule(for: local.date)
    return MarketStatus(session: day.session(at: local.time), localTime: local, day: day)
  }

  /// The first regular-session open strictly after `t`.
  func nextOpen(afterUTCNanoseconds t: Int64) throws(MarketCalendarError) -> Int64 {
    try firstTradingDayInstant(after: t) { $0.regularOpen }
  }

  /// The first regular-session close strictly after `t` (today's close during the session).
  func nextClose(afterUTCNanoseconds t: Int64) throws(MarketCalendarError) -> Int64 {
    try firstTradingDayInstant(after: t) { $0.regularClose }
  }

  /// Whether `t` falls in the opening window (regular open ..< open + window) of a trading day.
  func isInOpeningWindow(atUTCNanoseconds t: Int64) throws(MarketCalendarError) -> Bool {
    let status = try status(atUTCNanoseconds: t)
    guard status.session == .regular else { return false }
    let open = Self.instant(status.day.date, status.day.regularOpen)
    return t < open + openingWindowNanoseconds
  }

  /// Nanoseconds from `t` until orders may be placed: zero during the regular session past the
  /// opening window, otherwise until the next open plus the window (across nights, weekends and
  /// holidays).
  func nanosecondsUntilSafeExecution(fromUTCNanoseconds t: Int64) throws(MarketCalendarError) -> Int64 {
    var date = NewYorkTime.localDateTime(atUTCSeconds: t.floorDivided(by: 1_000_000_000)).date
    while true {
      let day = try schedule(for: date)
      if day.isTradingDay {
        let safeStart = Self.instant(date, day.regularOpen) + openingWindowNanoseconds
        let close = Self.instant(date, day.regularClose)
        if safeStart < close {
          if t < safeStart { return safeStart - t }
          if t < close { return 0 }
        }
      }
      date = date.adding(days: 1)
    }
  }

  private func firstTradingDayInstant(
    after t: Int64, _ time: (TradingDaySchedule) -> LocalTime
  ) throws(MarketCalendarError) -> Int64 {
    var date = NewYorkTime.localDateTime(atUTCSeconds: t.floorDivided(by: 1_000_000_000)).date
    while true {
      let day = try schedule(for: date)
      if day.isTradingDay {
        let instant = Self.instant(date, time(day))
        if instant > t { return instant }
      }
      date = date.adding(days: 1)
    }
  }

  /// UTC nanoseconds of a New York wall-clock time (the first occurrence; the end of a gap).
  static func instant(_ date: CivilDate, _ time: LocalTime) -> Int64 {
    NewYorkTime.firstUTCSeconds(atOrAfter: LocalDateTime(date: date, time: time)) * 1_000_000_000
  }
}

/// Trading hours for every asset class: US equities and listed options follow the NYSE calendar,
/// crypto trades around the clock, spot forex from Sunday 17:00 to Friday 17:00 New York time.
public struct MarketHours: Sendable {
  /// The equity calendar (holidays, early closes, opening window).
  public let equityCalendar: USEquityCalendar

  /// Creates market hours over an equity calendar (the published NYSE one by default).
  public init(equityCalendar: USEquityCalendar = .nyse) {
    self.equityCalendar = equityCalendar
  }

  /// Whether `assetClass` trades at `instant`. Equities count pre- and post-market as open;
  /// options trade only in the regular session.
  /// - Throws: `MarketCalendarError.yearNotCovered` for equities/options in an uncovered year.
  public func isOpen(_ assetClass: AssetClass, at instant: Timestamp) throws(MarketCalendarError) -> Bool {
    switch assetClass {
    case .crypto: return true
    case .forex: return ForexWeek.isOpen(at: instant)
    case .equity: return try equityCalendar.status(at: instant).session != .closed
    case .options: return try equityCalendar.status(at: instant).session == .regular
    }
  }

  /// How long from `instant` until an order in `assetClass` may be placed: zero for crypto, the
  /// time to the weekly open for forex, and for equities and options the time to the regular
  /// session past the opening window.
  /// - Throws: `MarketCalendarError.yearNotCovered` for equities/options in an uncovered year.
  public func timeUntilSafeExecution(
    for assetClass: AssetClass, from instant: Timestamp
  ) throws(MarketCalendarError) -> Duration {
    switch assetClass {
    case .crypto: return .zero
    case .forex: return ForexWeek.timeUntilOpen(from: instant)
    case .equity, .options: return try equityCalendar.timeUntilSafeExecution(from: instant)
    }
  }
}

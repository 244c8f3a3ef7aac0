/// One exceptional NYSE trading day: a full-day closure or an early (13:00 ET) close.
///
/// The published dates live in `NYSECalendarData.swift`, a file of pure data (one line per date, no
/// logic) so that adding a year is a data change, not a code change. A Swift literal was chosen over
/// a bundled text resource because the domain module must not load files at runtime; the table
/// compiles into the module and needs no generator to stay in sync.
public struct NYSECalendarEntry: Hashable, Sendable {
  /// What happens on the day.
  public enum Kind: Hashable, Sendable {
    /// The exchange is closed all day (no pre-market, regular or post-market session).
    case closed
    /// The regular session ends early (13:00 ET) and the late session at 17:00 ET.
    case earlyClose
  }

  /// The New York calendar day.
  public let date: CivilDate
  /// Closure or early close.
  public let kind: Kind
  /// The published name, e.g. "Good Friday" or "Day after Thanksgiving".
  public let name: String

  /// Creates an entry.
  public init(date: CivilDate, kind: Kind, name: String) {
    self.date = date
    self.kind = kind
    self.name = name
  }

  static func closed(_ year: Int, _ month: Int, _ day: Int, _ name: String) -> NYSECalendarEntry {
    NYSECalendarEntry(date: CivilDate(year, month, day), kind: .closed, name: name)
  }

  static func earlyClose(_ year: Int, _ month: Int, _ day: Int, _ name: String) -> NYSECalendarEntry {
    NYSECalendarEntry(date: CivilDate(year, month, day), kind: .earlyClose, name: name)
  }
}

/// A point in time: nanoseconds since the Unix epoch (UTC), as an `Int64`
/// (covers 1677 to 2262).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let nanosecondsSinceEpoch: Int64

  public init(nanosecondsSinceEpoch: Int64) {
    self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
  }

  /// Whole seconds since the epoch.
  /// - Returns: `nil` if the value does not fit in nanoseconds (beyond year 2262).
  public init?(secondsSinceEpoch: Int64) {
    let (nanos, overflow) = secondsSinceEpoch.multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return nil }
    self.nanosecondsSinceEpoch = nanos
  }

  public static let epoch = Timestamp(nanosecondsSinceEpoch: 0)

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
    lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
  }

  /// `self − earlier` as a `Duration` (negative if `earlier` is later); never overflows.
  public func duration(since earlier: Timestamp) -> Duration {
    let nanos = Int128(nanosecondsSinceEpoch) - Int128(earlier.nanosecondsSinceEpoch)
    let (seconds, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
    return Duration(secondsComponent: Int64(seconds), attosecondsComponent: Int64(remainder) * 1_000_000_000)
  }

  /// `self + duration`, truncated to whole nanoseconds.
  /// - Returns: `nil` if the result leaves the `Int64` nanosecond range.
  public func advanced(by duration: Duration) -> Timestamp? {
    let components = duration.components
    let nanos =
      Int128(nanosecondsSinceEpoch) + Int128(components.seconds) * 1_000_000_000
      + Int128(components.attoseconds / 1_000_000_000)
    guard let value = Int64(exactly: nanos) else { return nil }
    return Timestamp(nanosecondsSinceEpoch: value)
  }

  public var description: String { "\(nanosecondsSinceEpoch)ns" }
}

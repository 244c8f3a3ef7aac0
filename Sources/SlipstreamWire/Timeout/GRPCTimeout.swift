/// The value of a `grpc-timeout` header: at most 8 ASCII digits and a unit.
///
/// Converting a `Duration` picks the finest unit in which the value fits in 8 digits, so the
/// relative error is below 1e-7. When the duration is not an exact multiple of that unit it is
/// **rounded up** (as grpc-go does): the peer's deadline is then at most one unit later than the
/// caller's, never earlier, and the caller enforces its own exact deadline locally. Negative
/// durations (already expired) become `0n`; durations above 99,999,999 hours are clamped.
public struct GRPCTimeout: Hashable, Sendable, CustomStringConvertible {
  /// The unit of a timeout, with its header character.
  public enum Unit: UInt8, Hashable, Sendable, CaseIterable {
    case hours = 0x48  // H
    case minutes = 0x4D  // M
    case seconds = 0x53  // S
    case milliseconds = 0x6D  // m
    case microseconds = 0x75  // u
    case nanoseconds = 0x6E  // n

    /// The length of one unit in nanoseconds.
    var nanoseconds: Int64 {
      switch self {
      case .hours: 3_600_000_000_000
      case .minutes: 60_000_000_000
      case .seconds: 1_000_000_000
      case .milliseconds: 1_000_000
      case .microseconds: 1_000
      case .nanoseconds: 1
      }
    }

    /// Finest first.
    static let finestFirst: [Unit] = [
      .nanoseconds, .microseconds, .milliseconds, .seconds, .minutes, .hours,
    ]
  }

  /// The largest amount: 8 decimal digits.
  public static let maxAmount = 99_999_999

  /// The number of units, 0...99,999,999.
  public let amount: Int
  /// The unit of ``amount``.
  public let unit: Unit

  /// Creates a timeout from an amount and a unit.
  ///
  /// - Parameters:
  ///   - amount: 0...99,999,999.
  ///   - unit: The unit.
  /// - Throws: `WireError.Kind.invalidTimeout` if `amount` is out of range.
  public init(amount: Int, unit: Unit) throws(WireError) {
    guard (0...Self.maxAmount).contains(amount) else {
      throw WireError(.invalidTimeout("\(amount)\(Character(Unicode.Scalar(unit.rawValue)))"))
    }
    self.amount = amount
    self.unit = unit
  }

  /// Parses a `grpc-timeout` header value.
  ///
  /// - Parameter header: 1–8 ASCII digits followed by `H`, `M`, `S`, `m`, `u` or `n`; no sign,
  ///   no spaces.
  /// - Throws: `WireError.Kind.invalidTimeout` carrying the value for anything else.
  public init(parsing header: some StringProtocol) throws(WireError) {
    let utf8 = Substring(header).utf8
    guard let last = utf8.last, let unit = Unit(rawValue: last),
      let amount = ASCIIDigits.parse(utf8.dropLast(), maxDigits: 8)
    else {
      throw WireError(.invalidTimeout(String(header)))
    }
    self.amount = amount
    self.unit = unit
  }

  /// Converts a duration, rounding up to the finest unit that fits in 8 digits.
  ///
  /// - Parameter duration: The time left; negative means already expired and becomes `0n`.
  public init(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, seconds > 0 || attoseconds > 0 else {
      self.amount = 0
      self.unit = .nanoseconds
      return
    }
    for unit in Unit.finestFirst {
      if let amount = Self.amount(seconds: seconds, attoseconds: attoseconds, in: unit),
        amount <= Int64(Self.maxAmount)
      {
        self.amount = Int(amount)
        self.unit = unit
        return
      }
    }
    self.amount = Self.maxAmount
    self.unit = .hours
  }

  /// `seconds + attoseconds` (both >= 0) in `unit`, rounded up; `nil` on overflow.
  private static func amount(seconds: Int64, attoseconds: Int64, in unit: Unit) -> Int64? {
    let attosecondsPerSecond: Int64 = 1_000_000_000_000_000_000
    if unit.nanoseconds < 1_000_000_000 {
      let unitsPerSecond = 1_000_000_000 / unit.nanoseconds
      let attosecondsPerUnit = attosecondsPerSecond / unitsPerSecond
      let (whole, overflow) = seconds.multipliedReportingOverflow(by: unitsPerSecond)
      guard !overflow, whole <= Int64(Self.maxAmount) else { return nil }
      let (quotient, remainder) = attoseconds.quotientAndRemainder(dividingBy: attosecondsPerUnit)
      return whole + quotient + (remainder > 0 ? 1 : 0)
    } else {
      let secondsPerUnit = unit.nanoseconds / 1_000_000_000
      let (quotient, remainder) = seconds.quotientAndRemainder(dividingBy: secondsPerUnit)
      return quotient + (remainder > 0 || attoseconds > 0 ? 1 : 0)
    }
  }

  /// The timeout as a duration.
  public var duration: Duration {
    let amount = Int64(self.amount)
    let nanosecondsPerUnit = self.unit.nanoseconds
    return nanosecondsPerUnit < 1_000_000_000
      ? .nanoseconds(amount * nanosecondsPerUnit)
      : .seconds(amount * (nanosecondsPerUnit / 1_000_000_000))
  }

  /// The header value, for example `"250m"`.
  public var headerValue: String {
    String(self.amount) + String(Character(Unicode.Scalar(self.unit.rawValue)))
  }

  public var description: String { self.headerValue }
}

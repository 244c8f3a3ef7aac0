/// An exchange-listed option as named by an OCC symbol: root, expiry, right and strike.
public struct OptionContract: Sendable, Hashable, CustomStringConvertible {
  /// Call or put.
  public enum Right: String, Sendable, Hashable, CaseIterable {
    case call = "C"
    case put = "P"
  }

  /// An expiry date on the calendar (no time zone: options expire by exchange date).
  public struct Expiry: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Validates a calendar date (Gregorian, leap years included).
    /// - Returns: `nil` if the month or day does not exist.
    public init?(year: Int, month: Int, day: Int) {
      guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else {
        return nil
      }
      self.year = year
      self.month = month
      self.day = day
    }

    static func daysIn(month: Int, year: Int) -> Int {
      switch month {
      case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
      case 4, 6, 9, 11: return 30
      default: return 31
      }
    }

    public static func < (lhs: Expiry, rhs: Expiry) -> Bool {
      (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `2025-01-17`.
    public var description: String {
      "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
  }

  /// The underlying's option root, 1 to 6 letters (`AAPL`).
  public let root: String
  public let expiry: Expiry
  public let right: Right
  /// Strike price, at most 3 decimals, below 100000.
  public let strike: Price

  /// Builds a contract. OCC years are two digits, so `expiry.year` must be 2000...2099.
  /// - Throws: ``SymbolError/invalidOptionSymbol(symbol:problem:)`` for a bad root, year or strike.
  public init(root: String, expiry: Expiry, right: Right, strike: Price) throws(SymbolError) {
    let label = "\(root) \(expiry) \(right.rawValue) \(strike)"
    guard (1...6).contains(root.utf8.count), root.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
      throw .invalidOptionSymbol(symbol: label, problem: .invalidRoot)
    }
    guard (2000...2099).contains(expiry.year) else {
      throw .invalidOptionSymbol(
        symbol: label, problem: .invalidExpiry(year: expiry.year, month: expiry.month, day: expiry.day))
    }
    guard Self.strikeThousandths(strike) != nil else {
      throw .invalidOptionSymbol(symbol: label, problem: .invalidStrike)
    }
    self.root = root
    self.expiry = expiry
    self.right = right
    self.strike = strike
  }

  /// The strike × 1000 if it is positive, has at most 3 decimals and fits 8 digits.
  static func strikeThousandths(_ strike: Price) -> Int128? {
    guard strike.isPositive, let units = try? strike.value.units(scale: 3), units <= 99_999_999 else { return nil }
    return units
  }

  /// The canonical OCC symbol without padding: `AAPL250117C00150000`.
  public var occSymbol: String {
    func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let strikeDigits = String(Self.strikeThousandths(strike) ?? 0)
    return root + twoDigits(expiry.year % 100) + twoDigits(expiry.month) + twoDigits(expiry.day)
      + right.rawValue + String(repeating: "0", count: 8 - strikeDigits.count) + strikeDigits
  }

  public var description: String { occSymbol }
}

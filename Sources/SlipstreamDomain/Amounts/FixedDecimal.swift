/// An exact signed decimal with a fixed scale of 10⁻¹² held in an `Int128`.
///
/// The one fixed-point engine of the domain: ``Price``, ``Quantity`` and ``Money`` wrap it.
/// The range is about ±1.7 × 10²⁶ with twelve decimal places, enough for crypto amounts with
/// eight or more decimals and for large equity notionals. Every operation is checked: overflow,
/// division by zero and (where requested) precision loss throw ``AmountError``; nothing traps
/// and nothing wraps. There is deliberately no `Double` conversion.
public struct FixedDecimal: Sendable, Hashable, Comparable {
  /// Number of decimal places every value carries.
  public static let scale = 12
  /// Raw units in 1.0 (10¹²).
  public static let rawUnitsPerOne: Int128 = 1_000_000_000_000

  /// The value × 10¹².
  public let rawValue: Int128

  /// Wraps a raw value (the amount × 10¹²).
  public init(rawValue: Int128) {
    self.rawValue = rawValue
  }

  /// Builds `units × 10^-scale`, e.g. `init(units: 12345, scale: 2)` is 123.45.
  /// - Throws: ``AmountError/scaleOutOfRange(_:)`` unless `0 <= scale <= 12`.
  public init(units: Int64, scale: Int) throws(AmountError) {
    guard (0...Self.scale).contains(scale) else { throw .scaleOutOfRange(scale) }
    // |units| < 2^63 and the factor is at most 10^12 < 2^40: the product always fits.
    self.rawValue = Int128(units) * Self.powerOfTen(Self.scale - scale)
  }

  public static let zero = FixedDecimal(rawValue: 0)
  public static let one = FixedDecimal(rawValue: rawUnitsPerOne)

  public var isZero: Bool { rawValue == 0 }
  public var isNegative: Bool { rawValue < 0 }
  public var isPositive: Bool { rawValue > 0 }

  public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool {
    lhs.rawValue < rhs.rawValue
  }

  static func powerOfTen(_ exponent: Int) -> Int128 {
    var result: Int128 = 1
    for _ in 0..<exponent { result *= 10 }
    return result
  }
}

extension FixedDecimal: ExpressibleByIntegerLiteral {
  /// An integer literal; every `Int` fits (|Int| × 10¹² < 2¹²⁷).
  public init(integerLiteral value: Int) {
    self.rawValue = Int128(value) * Self.rawUnitsPerOne
  }
}

extension FixedDecimal: ExpressibleByStringLiteral {
  /// A decimal literal such as `"0.0001"`, for source code and tests.
  ///
  /// A malformed literal is a programming error and traps (like an out-of-range integer
  /// literal would); text from outside the process must go through `init(_:)`, which throws.
  public init(stringLiteral value: String) {
    do {
      try self.init(value)
    } catch {
      preconditionFailure("invalid FixedDecimal literal: \(error)")
    }
  }
}

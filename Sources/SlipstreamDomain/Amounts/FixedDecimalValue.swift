/// A domain amount that is a ``FixedDecimal`` under a distinct type (``Price``, ``Quantity``),
/// so a price cannot be passed where a quantity is expected. The shared behaviour (text,
/// comparison, checked arithmetic, rounding) is implemented once here.
public protocol FixedDecimalValue:
  Sendable, Hashable, Comparable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, ExpressibleByStringLiteral
where IntegerLiteralType == Int, StringLiteralType == String {
  /// The exact value.
  var value: FixedDecimal { get }
  /// Wraps an exact value.
  init(value: FixedDecimal)
}

extension FixedDecimalValue {
  /// Parses a plain decimal string exactly (see ``FixedDecimal/init(_:)``).
  /// - Throws: ``AmountError`` for anything that is not a plain decimal in range.
  public init(_ text: String) throws(AmountError) {
    self.init(value: try FixedDecimal(text))
  }

  /// Builds `units × 10^-scale` (see ``FixedDecimal/init(units:scale:)``).
  /// - Throws: ``AmountError/scaleOutOfRange(_:)``.
  public init(units: Int64, scale: Int) throws(AmountError) {
    self.init(value: try FixedDecimal(units: units, scale: scale))
  }

  public init(integerLiteral value: Int) {
    self.init(value: FixedDecimal(integerLiteral: value))
  }

  /// A decimal literal; a malformed literal traps (see ``FixedDecimal/init(stringLiteral:)``).
  public init(stringLiteral value: String) {
    self.init(value: FixedDecimal(stringLiteral: value))
  }

  public static var zero: Self { Self(value: .zero) }
  public var isZero: Bool { value.isZero }
  public var isPositive: Bool { value.isPositive }
  public var isNegative: Bool { value.isNegative }

  /// Canonical decimal text, e.g. `150.25`.
  public var description: String { value.description }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

  /// `lhs + rhs`; throws ``AmountError/overflow`` instead of trapping.
  public static func + (lhs: Self, rhs: Self) throws(AmountError) -> Self {
    Self(value: try lhs.value.adding(rhs.value))
  }

  /// `lhs − rhs`; throws ``AmountError/overflow`` instead of trapping.
  public static func - (lhs: Self, rhs: Self) throws(AmountError) -> Self {
    Self(value: try lhs.value.subtracting(rhs.value))
  }

  /// Scales by a plain factor (for example a tick count or a fraction).
  /// - Throws: ``AmountError/overflow``, ``AmountError/precisionLoss`` for `.exact`.
  public func multiplied(by factor: FixedDecimal, rounding: RoundingMode = .exact) throws(AmountError) -> Self {
    Self(value: try value.multiplied(by: factor, rounding: rounding))
  }

  /// Rounds to a whole multiple of `increment` (a tick or a lot).
  /// - Throws: ``AmountError/nonPositiveIncrement``, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss`` for `.exact` off the grid.
  public func rounded(toMultipleOf increment: Self, _ rounding: RoundingMode) throws(AmountError) -> Self {
    Self(value: try value.rounded(toMultipleOf: increment.value, rounding))
  }

  /// Whether the value is a whole multiple of `increment`.
  public func isMultiple(of increment: Self) -> Bool {
    value.isMultiple(of: increment.value)
  }
}

/// A price per unit of an instrument (signed: spreads and differences may be negative).
public struct Price: FixedDecimalValue {
  public let value: FixedDecimal
  public init(value: FixedDecimal) { self.value = value }
}

/// An amount of an instrument: shares, contracts, coins or currency units.
///
/// Signed, so positions can be short; orders and fills require a positive quantity and say so
/// with their own errors.
public struct Quantity: FixedDecimalValue {
  public let value: FixedDecimal
  public init(value: FixedDecimal) { self.value = value }
}

extension Price {
  /// The notional `price × quantity` in `currency`, rounded to 12 decimals with `rounding`.
  /// - Throws: ``AmountError/overflow``, ``AmountError/precisionLoss`` for `.exact`.
  public func notional(
    of quantity: Quantity, in currency: Currency = .usd, rounding: RoundingMode = .toNearestOrEven
  ) throws(AmountError) -> Money {
    Money(amount: try value.multiplied(by: quantity.value, rounding: rounding), currency: currency)
  }

  /// Notional in US dollars: `price × quantity`, digits past the 12th rounded half-to-even.
  /// Use ``notional(of:in:rounding:)`` for another currency or rounding.
  /// - Throws: ``AmountError/overflow``.
  public static func * (price: Price, quantity: Quantity) throws(AmountError) -> Money {
    try price.notional(of: quantity)
  }
}

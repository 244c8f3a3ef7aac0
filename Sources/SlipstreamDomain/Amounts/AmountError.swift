/// Why an amount could not be parsed, built or computed.
///
/// Every arithmetic operation on ``FixedDecimal`` and its wrappers reports failure with one
/// of these cases instead of trapping or wrapping around.
public enum AmountError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The text is not a plain decimal number (`[-+]digits[.digits]`).
  case invalidSyntax(input: String)
  /// The text has more fraction digits than the fixed scale can hold.
  case tooManyFractionDigits(input: String, maximum: Int)
  /// The result does not fit in the fixed-point range.
  case overflow
  /// A division (or a ratio) had a zero divisor.
  case divisionByZero
  /// The exact result needs more digits than allowed and `.exact` rounding was requested.
  case precisionLoss
  /// A scale outside `0...FixedDecimal.scale` was given.
  case scaleOutOfRange(Int)
  /// A rounding increment (tick, lot) was zero or negative.
  case nonPositiveIncrement
  /// Two money amounts in different currencies were combined.
  case currencyMismatch(Currency, Currency)
  /// A currency code is not 2 to 10 uppercase ASCII letters or digits.
  case invalidCurrencyCode(String)

  public var description: String {
    switch self {
    case .invalidSyntax(let input):
      return "'\(input)' is not a decimal number; write digits with an optional sign and one '.', like -12.5"
    case .tooManyFractionDigits(let input, let maximum):
      return "'\(input)' has more than \(maximum) digits after the decimal point"
    case .overflow:
      return "amount out of range: the result does not fit the fixed-point range (about ±1.7e26)"
    case .divisionByZero:
      return "division by zero"
    case .precisionLoss:
      return "the exact result needs more than \(FixedDecimal.scale) decimal places; pass an explicit rounding mode"
    case .scaleOutOfRange(let scale):
      return "scale \(scale) is outside 0...\(FixedDecimal.scale)"
    case .nonPositiveIncrement:
      return "a rounding increment (tick or lot size) must be greater than zero"
    case .currencyMismatch(let lhs, let rhs):
      return "cannot combine \(lhs) with \(rhs): convert to one currency first"
    case .invalidCurrencyCode(let code):
      return "'\(code)' is not a currency code (2 to 10 uppercase letters or digits, like USD or USDT)"
    }
  }
}

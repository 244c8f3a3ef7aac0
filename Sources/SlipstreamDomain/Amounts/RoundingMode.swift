/// How a value that falls between two representable steps is resolved.
///
/// The names follow `FloatingPointRoundingRule`: `.down` and `.up` are directions on the number
/// line (toward −∞ and +∞), not toward or away from zero.
public enum RoundingMode: Sendable, Hashable, CaseIterable {
  /// Toward negative infinity (floor).
  case down
  /// Toward positive infinity (ceiling).
  case up
  /// Toward zero (truncation).
  case towardZero
  /// Away from zero.
  case awayFromZero
  /// To the nearest step; ties go to the even step (banker's rounding).
  case toNearestOrEven
  /// To the nearest step; ties go away from zero (school rounding).
  case toNearestOrAwayFromZero
  /// No rounding allowed: a value between steps throws ``AmountError/precisionLoss``.
  case exact

  /// Whether the magnitude `quotient` (with `remainder` left over from division by `divisor`)
  /// must be bumped by one step.
  func incrementsMagnitude(
    quotient: UInt128, remainder: UInt128, divisor: UInt128, negative: Bool
  ) throws(AmountError) -> Bool {
    guard remainder != 0 else { return false }
    switch self {
    case .down: return negative
    case .up: return !negative
    case .towardZero: return false
    case .awayFromZero: return true
    case .toNearestOrAwayFromZero: return remainder >= divisor - remainder
    case .toNearestOrEven:
      let upper = divisor - remainder
      return remainder > upper || (remainder == upper && quotient & 1 == 1)
    case .exact: throw .precisionLoss
    }
  }
}

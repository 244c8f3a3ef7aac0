extension FixedDecimal {
  /// `round(a × b ÷ d)` with a 256-bit intermediate, so `a × b` never overflows on its own.
  /// - Throws: ``AmountError/divisionByZero`` if `d == 0`, ``AmountError/overflow`` if the
  ///   result does not fit, ``AmountError/precisionLoss`` for `.exact` with a remainder.
  static func multiplyDivide(
    _ a: Int128, _ b: Int128, _ d: Int128, rounding: RoundingMode
  ) throws(AmountError) -> Int128 {
    guard d != 0 else { throw .divisionByZero }
    let negative = ((a < 0) != (b < 0)) != (d < 0)
    let divisor = d.magnitude
    let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
    // The quotient fits in 128 bits only if the high half is below the divisor.
    guard product.high < divisor else { throw .overflow }
    let (quotient, remainder) = divisor.dividingFullWidth(product)
    var magnitude = quotient
    if try rounding.incrementsMagnitude(
      quotient: quotient, remainder: remainder, divisor: divisor, negative: negative)
    {
      guard magnitude < UInt128.max else { throw .overflow }
      magnitude += 1
    }
    guard magnitude <= UInt128(Int128.max) else { throw .overflow }
    return negative ? -Int128(magnitude) : Int128(magnitude)
  }

  /// `self + other`.
  /// - Throws: ``AmountError/overflow``.
  public func adding(_ other: FixedDecimal) throws(AmountError) -> FixedDecimal {
    let (sum, overflow) = rawValue.addingReportingOverflow(other.rawValue)
    guard !overflow else { throw .overflow }
    return FixedDecimal(rawValue: sum)
  }

  /// `self − other`.
  /// - Throws: ``AmountError/overflow``.
  public func subtracting(_ other: FixedDecimal) throws(AmountError) -> FixedDecimal {
    let (difference, overflow) = rawValue.subtractingReportingOverflow(other.rawValue)
    guard !overflow else { throw .overflow }
    return FixedDecimal(rawValue: difference)
  }

  /// `−self`.
  /// - Throws: ``AmountError/overflow`` for the one raw value without a negation (`Int128.min`).
  public func negated() throws(AmountError) -> FixedDecimal {
    try FixedDecimal.zero.subtracting(self)
  }

  /// `|self|`.
  /// - Throws: ``AmountError/overflow`` (only for `Int128.min`).
  public func magnitude() throws(AmountError) -> FixedDecimal {
    isNegative ? try negated() : self
  }

  /// `self × other`, rounded to 12 decimals.
  /// - Parameter rounding: how to resolve digits past the 12th; `.exact` (the default) throws
  ///   ``AmountError/precisionLoss`` instead of dropping them.
  /// - Throws: ``AmountError/overflow``, ``AmountError/precisionLoss``.
  public func multiplied(
    by other: FixedDecimal, rounding: RoundingMode = .exact
  ) throws(AmountError) -> FixedDecimal {
    FixedDecimal(
      rawValue: try Self.multiplyDivide(rawValue, other.rawValue, Self.rawUnitsPerOne, rounding: rounding))
  }

  /// `self ÷ other`, rounded to 12 decimals.
  /// - Parameter rounding: how to resolve digits past the 12th; `.exact` (the default) throws
  ///   ``AmountError/precisionLoss`` for a non-terminating or too-long quotient.
  /// - Throws: ``AmountError/divisionByZero``, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss``.
  public func divided(
    by other: FixedDecimal, rounding: RoundingMode = .exact
  ) throws(AmountError) -> FixedDecimal {
    FixedDecimal(
      rawValue: try Self.multiplyDivide(rawValue, Self.rawUnitsPerOne, other.rawValue, rounding: rounding))
  }

  /// Rounds to a whole multiple of `increment` (a tick or a lot size).
  /// - Throws: ``AmountError/nonPositiveIncrement`` if `increment <= 0`, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss`` for `.exact` when `self` is not already a multiple.
  public func rounded(
    toMultipleOf increment: FixedDecimal, _ rounding: RoundingMode
  ) throws(AmountError) -> FixedDecimal {
    guard increment.isPositive else { throw .nonPositiveIncrement }
    let steps = try Self.multiplyDivide(rawValue, 1, increment.rawValue, rounding: rounding)
    return FixedDecimal(rawValue: try Self.multiplyDivide(steps, increment.rawValue, 1, rounding: .exact))
  }

  /// Whether `self` is a whole multiple of `increment` (always false for `increment <= 0`).
  public func isMultiple(of increment: FixedDecimal) -> Bool {
    increment.isPositive && rawValue % increment.rawValue == 0
  }

  /// Rounds to `places` decimal places (`0...12`).
  /// - Throws: ``AmountError/scaleOutOfRange(_:)``, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss`` for `.exact`.
  public func rounded(toPlaces places: Int, _ rounding: RoundingMode) throws(AmountError) -> FixedDecimal {
    guard (0...Self.scale).contains(places) else { throw .scaleOutOfRange(places) }
    return try rounded(toMultipleOf: FixedDecimal(rawValue: Self.powerOfTen(Self.scale - places)), rounding)
  }

  /// The value as an integer count of `10^-scale` units (for example cents with `scale: 2`),
  /// as a wire integer field would carry it.
  /// - Throws: ``AmountError/scaleOutOfRange(_:)``, ``AmountError/precisionLoss`` for `.exact`.
  public func units(scale: Int, _ rounding: RoundingMode = .exact) throws(AmountError) -> Int128 {
    guard (0...Self.scale).contains(scale) else { throw .scaleOutOfRange(scale) }
    return try Self.multiplyDivide(rawValue, 1, Self.powerOfTen(Self.scale - scale), rounding: rounding)
  }

  /// The smaller of two values.
  public static func minimum(_ a: FixedDecimal, _ b: FixedDecimal) -> FixedDecimal { a < b ? a : b }
  /// The larger of two values.
  public static func maximum(_ a: FixedDecimal, _ b: FixedDecimal) -> FixedDecimal { a < b ? b : a }
}

extension FixedDecimal {
  /// `lhs + rhs`; throws ``AmountError/overflow`` instead of trapping.
  public static func + (lhs: FixedDecimal, rhs: FixedDecimal) throws(AmountError) -> FixedDecimal {
    try lhs.adding(rhs)
  }

  /// `lhs − rhs`; throws ``AmountError/overflow`` instead of trapping.
  public static func - (lhs: FixedDecimal, rhs: FixedDecimal) throws(AmountError) -> FixedDecimal {
    try lhs.subtracting(rhs)
  }
}

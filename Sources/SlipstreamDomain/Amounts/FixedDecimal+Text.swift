extension FixedDecimal: CustomStringConvertible {
  /// Parses a plain decimal: an optional single `-` or `+`, one or more digits, and optionally
  /// `.` followed by one to twelve digits. Nothing else is accepted: no exponent (`1e5`), no
  /// `NaN`/`inf`, no whitespace, no grouping, no bare `.5` or `5.`.
  /// - Throws: ``AmountError/invalidSyntax(input:)``,
  ///   ``AmountError/tooManyFractionDigits(input:maximum:)``, ``AmountError/overflow``.
  public init(_ text: String) throws(AmountError) {
    var bytes = Substring(text).utf8[...]
    var negative = false
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      bytes = bytes.dropFirst()
    }
    let integerDigits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    var rest = bytes.dropFirst(integerDigits.count)
    var fractionDigits = rest.prefix(0)
    if rest.first == UInt8(ascii: ".") {
      rest = rest.dropFirst()
      fractionDigits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
      rest = rest.dropFirst(fractionDigits.count)
      guard !fractionDigits.isEmpty else { throw .invalidSyntax(input: text) }
    }
    guard rest.isEmpty, !integerDigits.isEmpty else { throw .invalidSyntax(input: text) }
    guard fractionDigits.count <= Self.scale else {
      throw .tooManyFractionDigits(input: text, maximum: Self.scale)
    }
    var raw: Int128 = 0
    for digit in integerDigits {
      raw = try Self.appendDigit(raw, digit, negative: negative)
    }
    for digit in fractionDigits {
      raw = try Self.appendDigit(raw, digit, negative: negative)
    }
    for _ in fractionDigits.count..<Self.scale {
      raw = try Self.appendDigit(raw, UInt8(ascii: "0"), negative: negative)
    }
    self.rawValue = raw
  }

  private static func appendDigit(_ raw: Int128, _ digit: UInt8, negative: Bool) throws(AmountError) -> Int128 {
    let value = Int128(digit - UInt8(ascii: "0"))
    let (shifted, overflow1) = raw.multipliedReportingOverflow(by: 10)
    let (next, overflow2) =
      negative ? shifted.subtractingReportingOverflow(value) : shifted.addingReportingOverflow(value)
    guard !overflow1, !overflow2 else { throw .overflow }
    return next
  }

  /// The canonical text: no exponent, no trailing fraction zeros, no `.` for whole numbers,
  /// `-` only for negative values. `FixedDecimal(x.description) == x` for every `x`.
  /// Examples: `123.45`, `-0.00000001`, `100`, `0`.
  public var description: String {
    let magnitude = rawValue.magnitude
    let unit = UInt128(Self.rawUnitsPerOne)
    var text = rawValue < 0 ? "-" : ""
    text += String(magnitude / unit)
    var fraction = magnitude % unit
    if fraction != 0 {
      var places = Self.scale
      while fraction % 10 == 0 {
        fraction /= 10
        places -= 1
      }
      let digits = String(fraction)
      text += "." + String(repeating: "0", count: places - digits.count) + digits
    }
    return text
  }

  /// The text with exactly `places` fraction digits, rounded with `rounding`
  /// (for example `formatted(places: 2, .toNearestOrEven)` of 0.125 is `0.12`).
  /// - Throws: ``AmountError/scaleOutOfRange(_:)``, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss`` for `.exact`.
  public func formatted(places: Int, _ rounding: RoundingMode) throws(AmountError) -> String {
    let rounded = try rounded(toPlaces: places, rounding)
    var text = rounded.description
    guard places > 0 else { return text }
    if let dot = text.firstIndex(of: ".") {
      let have = text.distance(from: dot, to: text.endIndex) - 1
      text += String(repeating: "0", count: places - have)
    } else {
      text += "." + String(repeating: "0", count: places)
    }
    return text
  }
}

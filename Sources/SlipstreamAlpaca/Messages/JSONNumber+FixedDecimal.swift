import SlipstreamDomain

extension FixedDecimal {
  /// Reads a JSON number literal exactly, exponent included (`123.45`, `0.0001`, `1e-3`,
  /// `2.5E+2`), by moving the decimal point in the text: no binary floating point is involved.
  ///
  /// Alpaca's server encodes numbers the way Go's `encoding/json` does, which switches to
  /// exponent notation for very small and very large values (`5e-07`), so exponents are
  /// accepted; the value must still fit ``FixedDecimal``'s twelve decimals.
  /// - Parameter literal: the number's text as it appeared in the JSON.
  /// - Throws: ``AmountError/invalidSyntax(input:)`` for text that is not a JSON number,
  ///   ``AmountError/tooManyFractionDigits(input:maximum:)`` when more than 12 significant
  ///   decimals remain, ``AmountError/overflow``.
  package init(jsonNumber literal: String) throws(AmountError) {
    let bytes = Array(literal.utf8)
    guard let exponentIndex = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    else {
      self = try FixedDecimal(literal)
      return
    }
    let mantissa = String(decoding: bytes[..<exponentIndex], as: UTF8.self)
    var exponentBytes = bytes[(exponentIndex + 1)...]
    var exponentNegative = false
    if let sign = exponentBytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      exponentNegative = sign == UInt8(ascii: "-")
      exponentBytes = exponentBytes.dropFirst()
    }
    // Any exponent beyond ±64 cannot give a value in range with ≤ 12 decimals, unless the
    // mantissa is zero; bounding it keeps the text we build small.
    guard !exponentBytes.isEmpty, exponentBytes.count <= 3,
      exponentBytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      let magnitude = Int(String(decoding: exponentBytes, as: UTF8.self))
    else { throw .invalidSyntax(input: literal) }
    let exponent = exponentNegative ? -magnitude : magnitude

    var mantissaBytes = Substring(mantissa).utf8[...]
    var sign = ""
    if mantissaBytes.first == UInt8(ascii: "-") {
      sign = "-"
      mantissaBytes = mantissaBytes.dropFirst()
    }
    let parts = mantissaBytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
    let integerPart = parts.first.map { Array($0) } ?? []
    let fractionPart = parts.count > 1 ? Array(parts[1]) : []
    guard !integerPart.isEmpty, parts.count == 1 || !fractionPart.isEmpty,
      (integerPart + fractionPart).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { throw .invalidSyntax(input: literal) }

    // All digits with the point after `pointPosition` of them; shift the point by the exponent.
    var digits = integerPart + fractionPart
    var pointPosition = integerPart.count + exponent
    if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) {
      self = .zero
      return
    }
    guard (-64...64).contains(exponent) else {
      throw exponent < 0 ? .tooManyFractionDigits(input: literal, maximum: FixedDecimal.scale) : .overflow
    }
    if pointPosition <= 0 {
      digits = Array(repeating: UInt8(ascii: "0"), count: 1 - pointPosition) + digits
      pointPosition = 1
    } else if pointPosition > digits.count {
      digits += Array(repeating: UInt8(ascii: "0"), count: pointPosition - digits.count)
    }
    var fraction = Array(digits[pointPosition...])
    while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
    let integer = String(decoding: digits[..<pointPosition], as: UTF8.self)
    let plain = fraction.isEmpty ? integer : integer + "." + String(decoding: fraction, as: UTF8.self)
    do {
      self = try FixedDecimal(sign + plain)
    } catch .tooManyFractionDigits {
      throw .tooManyFractionDigits(input: literal, maximum: FixedDecimal.scale)
    }
  }
}

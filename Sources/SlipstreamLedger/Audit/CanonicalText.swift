/// An unambiguous text encoding of a list of strings: each item as `<utf8 length>:<item>`.
///
/// No separator can be forged by an item's content, so two different lists never encode to
/// the same text. Used for list-valued columns and for the audit hash input.
package enum CanonicalText {
  /// Encodes `items`.
  package static func encode(_ items: some Sequence<String>) -> String {
    var bytes: [UInt8] = []
    for item in items { append(item, to: &bytes) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends one item's encoding to `bytes`.
  package static func append(_ item: String, to bytes: inout [UInt8]) {
    var item = item
    item.withUTF8 { utf8 in
      appendDecimal(utf8.count, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: utf8)
    }
  }

  /// Appends `value` (≥ 0) in decimal ASCII digits without building a String.
  private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
    var divisor = 1
    while divisor <= value / 10 { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }
}

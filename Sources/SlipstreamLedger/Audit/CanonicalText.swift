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

  /// Decodes a list encoded by ``encode(_:)``; nil if `text` is not such an encoding.
  package static func decode(_ text: String) -> [String]? {
    let bytes = Array(text.utf8)
    var items: [String] = []
    var index = 0
    while index < bytes.count {
      var length = 0
      var digits = 0
      while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
        let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
        guard (0...9).contains(digit), digits < 10 else { return nil }
        length = length * 10 + digit
        digits += 1
        index += 1
      }
      guard digits > 0, index < bytes.count, bytes.count - (index + 1) >= length else { return nil }
      index += 1
      items.append(String(decoding: bytes[index..<(index + length)], as: UTF8.self))
      index += length
    }
    return items
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

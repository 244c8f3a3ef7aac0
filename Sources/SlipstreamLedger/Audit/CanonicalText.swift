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
    bytes.append(contentsOf: String(item.utf8.count).utf8)
    bytes.append(UInt8(ascii: ":"))
    bytes.append(contentsOf: item.utf8)
  }
}

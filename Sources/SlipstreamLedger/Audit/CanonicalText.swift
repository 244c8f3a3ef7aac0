/// An unambiguous text encoding of a list of strings: each item as `<utf8 length>:<item>`.
///
/// No separator can be forged by an item's content, so two different lists never encode to
/// the same text. Used for list-valued columns and for the audit hash input.
package enum CanonicalText {
  /// Encodes `items`.
  package static func encode(_ items: some Sequence<String>) -> String {
    var text = ""
    for item in items {
      text += "\(item.utf8.count):\(item)"
    }
    return text
  }
}

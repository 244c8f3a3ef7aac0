/// One header field of a HEADERS block: pseudo-headers (`:status`, `:path`, ...) first, names lowercase.
public struct HTTP2HeaderField: Hashable, Sendable, CustomStringConvertible {
  /// The field name; must be lowercase on the wire (HTTP/2 rejects uppercase names).
  public var name: String
  /// The field value.
  public var value: String

  /// Creates a header field.
  /// - Parameters:
  ///   - name: the lowercase field name.
  ///   - value: the field value.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }

  public var description: String { "\(self.name): \(self.value)" }
}

extension Metadata {
  /// Builds metadata from received HTTP/2 header fields (headers or trailers).
  ///
  /// Dropped: pseudo-headers (`:`...) and ``transportHeaderNames`` — the RPC core reads those
  /// itself. Kept: everything else, including `user-agent`, `grpc-status-details-bin` and other
  /// `grpc-` keys gRPC may add later. A `-bin` value is base64, padded or not, and may hold
  /// several values separated by commas (as proxies join repeated fields); each becomes an entry.
  ///
  /// - Parameter headerFields: Field names and values in the order received.
  /// - Throws: `invalidMetadataKey` for a name outside `[0-9a-z_.-]`; `invalidBase64` for a bad
  ///   `-bin` value; `invalidMetadataValue` for a string value outside `0x20...0x7E`.
  public init(headerFields: some Sequence<(name: String, value: String)>) throws(WireError) {
    try self.init(headerFields: Array(headerFields))
  }

  /// Builds metadata from received HTTP/2 header fields; see ``init(headerFields:)-(Sequence)``.
  /// Concrete, so a caller in another module (the transport, for every call) runs code
  /// specialized for an array instead of the generic version.
  public init(headerFields: [(name: String, value: String)]) throws(WireError) {
    self.init()
    for (index, field) in headerFields.enumerated() {
      try self.appendReceived(name: field.name, value: field.value, fieldsLeft: headerFields.count - index)
    }
  }

  /// Adds one received header field as ``init(headerFields:)-(Sequence)`` does (pseudo-headers
  /// and transport headers skipped, the rest validated), for a transport that walks its own
  /// field type without building an array of tuples first.
  /// - Parameter fieldsLeft: This field and those still to come: the first field kept reserves
  ///   room for them all (one allocation; none without metadata).
  public mutating func appendReceived(name: String, value: String, fieldsLeft: Int = 1) throws(WireError) {
    if name.utf8.first == UInt8(ascii: ":") { return }
    // Transport headers first: they are the common case, and a name equal to one is valid.
    if Self.isTransportHeader(name) { return }
    let key = try Self.validateKey(name)
    if key != name, Self.isTransportHeader(key) { return }
    if self.entries.isEmpty { self.entries.reserveCapacity(fieldsLeft) }
    if Self.isBinaryKey(key) {
      for part in value.split(separator: ",", omittingEmptySubsequences: false) {
        let bytes = try Base64.decode(part.trimmingSpaces())
        self.entries.append(Entry(key: key, value: .binary(bytes)))
      }
    } else {
      let value = Value.string(value)
      try Self.validate(value, forNormalizedKey: key)
      self.entries.append(Entry(key: key, value: value))
    }
  }

  /// The header fields to send, in order; binary values are base64 without padding.
  public func headerFields() -> [(name: String, value: String)] {
    self.entries.map { entry in
      switch entry.value {
      case .string(let string): (entry.key, string)
      case .binary(let bytes): (entry.key, Base64.encode(bytes, padded: false))
      }
    }
  }
}

extension Substring {
  /// The substring without leading and trailing spaces and tabs.
  func trimmingSpaces() -> Substring {
    var result = self
    while result.first == " " || result.first == "\t" { result.removeFirst() }
    while result.last == " " || result.last == "\t" { result.removeLast() }
    return result
  }
}

extension Metadata {
  /// Header names that HTTP/2 or the gRPC transport own. They are refused by
  /// ``validateUserKey(_:)`` and dropped by ``init(headerFields:)``.
  ///
  /// - `content-type`, `te`, `grpc-timeout`, `grpc-encoding`, `grpc-accept-encoding`,
  ///   `grpc-status`, `grpc-message`: set and read by the RPC core from their own fields.
  /// - `host`, `connection`, `keep-alive`, `proxy-connection`, `transfer-encoding`, `upgrade`,
  ///   `content-length`: HTTP/2 connection-level fields (RFC 9113 §8.2.2; `host` is `:authority`
  ///   in HTTP/2); sending them from an application would be a protocol error or a lie.
  ///
  /// `user-agent` is not here: gRPC lets applications set it (implementations append their own).
  public static let transportHeaderNames: Set<String> = [
    "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
    "grpc-status", "grpc-message", "host", "connection", "keep-alive", "proxy-connection",
    "transfer-encoding", "upgrade", "content-length",
  ]

  /// Whether `key` (lower case) is one of ``transportHeaderNames``, without hashing it: this
  /// runs for every header of every call.
  public static func isTransportHeader(_ key: String) -> Bool {
    switch key.utf8.count {
    case 2: return key == "te"
    case 4: return key == "host"
    case 7: return key == "upgrade"
    case 10: return key == "connection" || key == "keep-alive"
    case 11: return key == "grpc-status"
    case 12: return key == "content-type" || key == "grpc-timeout" || key == "grpc-message"
    case 13: return key == "grpc-encoding"
    case 14: return key == "content-length"
    case 16: return key == "proxy-connection"
    case 17: return key == "transfer-encoding"
    case 20: return key == "grpc-accept-encoding"
    default: return false
    }
  }

  /// Checks the syntax of a key and returns it lower-cased.
  ///
  /// - Parameter key: A candidate key.
  /// - Returns: `key` with ASCII upper case lower-cased.
  /// - Throws: `invalidMetadataKey` if the key is empty or has a character outside
  ///   `[0-9A-Za-z_.-]`.
  public static func validateKey(_ key: String) throws(WireError) -> String {
    var needsLowercasing = false
    for byte in key.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
        continue
      case UInt8(ascii: "A")...UInt8(ascii: "Z"):
        needsLowercasing = true
      default:
        throw WireError(.invalidMetadataKey(key))
      }
    }
    guard !key.isEmpty else { throw WireError(.invalidMetadataKey(key)) }
    return needsLowercasing ? Self.lowercased(key) : key
  }

  /// Checks that an application may set `key`.
  ///
  /// Reserved are: pseudo-headers (`:path`, ...), every `grpc-` key (the spec reserves the
  /// prefix for gRPC itself), and ``transportHeaderNames``. Letter case is ignored.
  ///
  /// - Parameter key: A key the application wants to send.
  /// - Throws: `reservedMetadataKey` for a reserved key, `invalidMetadataKey` for bad syntax.
  public static func validateUserKey(_ key: String) throws(WireError) {
    if key.utf8.first == UInt8(ascii: ":") {
      throw WireError(.reservedMetadataKey(key))
    }
    let normalized = try Self.validateKey(key)
    if normalized.utf8.starts(with: "grpc-".utf8) || Self.isTransportHeader(normalized) {
      throw WireError(.reservedMetadataKey(key))
    }
  }

  /// Checks every key with ``validateUserKey(_:)``.
  ///
  /// - Throws: The first `reservedMetadataKey` found.
  public func validateUserKeys() throws(WireError) {
    for entry in self.entries {
      try Self.validateUserKey(entry.key)
    }
  }

  /// Whether `key` (already lower case) names a binary header.
  static func isBinaryKey(_ key: String) -> Bool {
    let utf8 = key.utf8
    return utf8.count > 4 && utf8.suffix(4).elementsEqual("-bin".utf8)
  }

  static func validate(_ value: Value, forNormalizedKey key: String) throws(WireError) {
    switch value {
    case .binary:
      guard Self.isBinaryKey(key) else { throw WireError(.invalidMetadataValue(key: key)) }
    case .string(let string):
      guard !Self.isBinaryKey(key),
        string.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E })
      else { throw WireError(.invalidMetadataValue(key: key)) }
    }
  }

  /// ASCII lower-casing without Foundation; other characters are kept.
  static func lowercased(_ key: String) -> String {
    guard key.utf8.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else { return key }
    return String(decoding: key.utf8.map(ASCII.lowercased), as: UTF8.self)
  }
}

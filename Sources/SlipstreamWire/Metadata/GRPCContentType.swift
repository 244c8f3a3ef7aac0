/// The `content-type` of gRPC requests and responses.
public enum GRPCContentType {
  /// `application/grpc`: protobuf by convention.
  public static let grpc = "application/grpc"
  /// `application/grpc+proto`: explicitly protobuf.
  public static let grpcProto = "application/grpc+proto"

  /// Whether a `content-type` value denotes gRPC.
  ///
  /// Accepts `application/grpc` and `application/grpc+<subtype>` (non-empty subtype), in any
  /// letter case (media types are case-insensitive), optionally followed by `;` parameters and
  /// surrounded by spaces. `application/grpc-web` and friends are not gRPC over HTTP/2.
  ///
  /// - Parameter value: The header value.
  public static func isGRPC(_ value: some StringProtocol) -> Bool {
    let utf8 = Substring(value).utf8
    let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
    var mediaType = utf8[utf8.startIndex..<end]
    while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType.removeFirst() }
    while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType.removeLast() }

    let prefix = Self.grpc.utf8
    guard mediaType.count >= prefix.count else { return false }
    var index = mediaType.startIndex
    for expected in prefix {
      guard ASCII.lowercased(mediaType[index]) == expected else { return false }
      mediaType.formIndex(after: &index)
    }
    if index == mediaType.endIndex { return true }
    // `+subtype`, non-empty.
    guard mediaType[index] == UInt8(ascii: "+") else { return false }
    return mediaType.index(after: index) != mediaType.endIndex
  }

  /// Checks a `content-type` value.
  ///
  /// - Parameter value: The header value, or `nil` if the header is absent.
  /// - Throws: `WireError.Kind.invalidContentType` unless ``isGRPC(_:)`` accepts it.
  public static func validate(_ value: String?) throws(WireError) {
    guard let value, Self.isGRPC(value) else {
      throw WireError(.invalidContentType(value ?? ""))
    }
  }
}

/// ASCII helpers.
enum ASCII {
  /// `byte` with `A`...`Z` mapped to `a`...`z`.
  @inline(__always)
  static func lowercased(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
  }
}

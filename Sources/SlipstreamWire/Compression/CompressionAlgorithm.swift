/// A message compression algorithm (`grpc-encoding`).
public enum CompressionAlgorithm: String, Sendable, Hashable, CaseIterable {
  /// No compression.
  case identity
  /// gzip (RFC 1952) via zlib.
  case gzip

  /// The name of the header naming the encoding of the messages on a stream.
  public static let encodingHeaderName = "grpc-encoding"
  /// The name of the header listing the encodings a peer accepts.
  public static let acceptEncodingHeaderName = "grpc-accept-encoding"

  /// Parses a `grpc-encoding` value.
  ///
  /// - Parameter headerValue: One encoding name; letter case and surrounding spaces are ignored.
  /// - Throws: `WireError.Kind.unsupportedEncoding` for anything but `identity` and `gzip`
  ///   (the gRPC spec asks for UNIMPLEMENTED then).
  public init(encodingHeader headerValue: some StringProtocol) throws(WireError) {
    guard let algorithm = Self(token: headerValue[...]) else {
      throw WireError(.unsupportedEncoding(String(headerValue)))
    }
    self = algorithm
  }

  private init?(token: some StringProtocol) {
    guard let algorithm = Self(rawValue: Substring(token).trimmingSpaces().lowercased()) else { return nil }
    self = algorithm
  }

  /// Parses a `grpc-accept-encoding` value: a comma-separated list.
  ///
  /// Unknown names are skipped (a peer may support more than we do).
  ///
  /// - Parameter headerValue: For example `"gzip, deflate, identity"`.
  /// - Returns: The supported algorithms in the order listed, without duplicates.
  public static func parseAcceptEncoding(_ headerValue: some StringProtocol) -> [CompressionAlgorithm] {
    var result: [CompressionAlgorithm] = []
    for token in headerValue.split(separator: ",") {
      if let algorithm = Self(token: token), !result.contains(algorithm) {
        result.append(algorithm)
      }
    }
    return result
  }

  /// A `grpc-accept-encoding` value listing `algorithms`.
  public static func acceptEncodingHeaderValue(_ algorithms: [CompressionAlgorithm]) -> String {
    algorithms.map(\.rawValue).joined(separator: ",")
  }
}

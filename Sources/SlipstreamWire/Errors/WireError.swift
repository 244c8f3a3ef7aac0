/// An error decoding or encoding the gRPC wire format.
///
/// Each kind maps to the gRPC status code an RPC should fail with (``statusCode``), following
/// the gRPC spec (`doc/statuscodes.md`, `doc/compression.md`, `doc/PROTOCOL-HTTP2.md`):
///
/// | kind | code | why |
/// |---|---|---|
/// | `messageTooLarge` | RESOURCE_EXHAUSTED | "message larger than the receive limit" |
/// | `unsupportedEncoding` | UNIMPLEMENTED | compression.md: unsupported `grpc-encoding` |
/// | `invalidContentType` | UNKNOWN | http-grpc-status-mapping.md: a non-gRPC response on HTTP 200 |
/// | `reservedMetadataKey` | INVALID_ARGUMENT | the application tried to set a header gRPC owns |
/// | every other kind | INTERNAL | "error parsing the peer's message/headers" (framing, flags, gzip, timeout, base64, metadata, status) |
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Hashable, Sendable {
    /// The stream ended inside a message (in its 5-byte prefix or its body).
    case truncatedMessage
    /// A message (declared on the wire, or after decompression) exceeds the receive limit.
    /// For decompressed messages `length` is the number of bytes produced when inflating
    /// stopped, so it is a lower bound of the real size.
    case messageTooLarge(length: Int, limit: Int)
    /// The compressed flag is set but no `grpc-encoding` was negotiated.
    case compressedWithoutEncoding
    /// The first byte of a message prefix is neither 0 nor 1.
    case invalidCompressionFlag(UInt8)
    /// A `grpc-encoding` this library does not implement.
    case unsupportedEncoding(String)
    /// A compressed message is not valid gzip; the associated text says why.
    case decompressionFailed(String)
    /// zlib failed to compress a message (out of memory).
    case compressionFailed
    /// A `grpc-timeout` value that is not 1–8 ASCII digits followed by one of `HMSmun`.
    case invalidTimeout(String)
    /// A `-bin` metadata value that is not base64.
    case invalidBase64
    /// A metadata key that is empty or has characters outside `[0-9a-z_.-]` (after lower-casing).
    case invalidMetadataKey(String)
    /// A metadata key that gRPC or HTTP/2 reserves (see ``Metadata/validateUserKey(_:)``).
    case reservedMetadataKey(String)
    /// A metadata value that does not fit its key: a binary value for a key without `-bin`,
    /// a string value for a `-bin` key, or a string with bytes outside `0x20...0x7E`.
    case invalidMetadataValue(key: String)
    /// A `content-type` that is not `application/grpc` or `application/grpc+<subtype>`.
    case invalidContentType(String)
    /// A `grpc-status` trailer that is missing or not a decimal number.
    case invalidStatus(String)
  }

  /// What went wrong.
  public var kind: Kind

  /// Creates an error of the given kind.
  public init(_ kind: Kind) {
    self.kind = kind
  }

  /// The gRPC status code an RPC failing with this error should carry.
  public var statusCode: StatusCode {
    switch self.kind {
    case .messageTooLarge: .resourceExhausted
    case .unsupportedEncoding: .unimplemented
    case .invalidContentType: .unknown
    case .reservedMetadataKey: .invalidArgument
    case .truncatedMessage, .compressedWithoutEncoding, .invalidCompressionFlag,
      .decompressionFailed, .compressionFailed, .invalidTimeout, .invalidBase64,
      .invalidMetadataKey, .invalidMetadataValue, .invalidStatus:
      .internalError
    }
  }

  /// The error as a ``Status`` to send or surface.
  public var status: Status { Status(code: self.statusCode, message: self.description) }

  public var description: String {
    switch self.kind {
    case .truncatedMessage:
      "the stream ended in the middle of a gRPC message"
    case .messageTooLarge(let length, let limit):
      "gRPC message of \(length) bytes exceeds the receive limit of \(limit) bytes"
        + " (raise maximumMessageSize on the receiver or send smaller messages)"
    case .compressedWithoutEncoding:
      "a message has the compressed flag set but the peer sent no grpc-encoding"
    case .invalidCompressionFlag(let flag):
      "invalid message compression flag \(flag) (must be 0 or 1)"
    case .unsupportedEncoding(let name):
      "unsupported grpc-encoding '\(name)' (supported: identity, gzip)"
    case .decompressionFailed(let reason):
      "could not decompress gzip message: \(reason)"
    case .compressionFailed:
      "zlib failed to compress a message"
    case .invalidTimeout(let value):
      "invalid grpc-timeout '\(value)' (expected 1-8 digits followed by H, M, S, m, u or n)"
    case .invalidBase64:
      "a -bin metadata value is not valid base64"
    case .invalidMetadataKey(let key):
      "invalid metadata key '\(key)' (allowed: 0-9 a-z _ . -, not empty)"
    case .reservedMetadataKey(let key):
      "metadata key '\(key)' is reserved for gRPC/HTTP/2 and cannot be set by the application"
    case .invalidMetadataValue(let key):
      "invalid value for metadata key '\(key)' (binary values need a key ending in -bin;"
        + " string values must be printable ASCII 0x20-0x7E)"
    case .invalidContentType(let value):
      "content-type '\(value)' is not application/grpc"
    case .invalidStatus(let value):
      "invalid grpc-status '\(value)' (expected a decimal status code)"
    }
  }
}

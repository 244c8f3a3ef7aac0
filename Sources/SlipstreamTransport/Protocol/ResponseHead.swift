import SlipstreamRPC
import SlipstreamWire

/// Interprets response HEADERS on the client side. Pure.
enum ResponseHead {
  /// What a HEADERS block on a client stream means.
  enum Outcome: Equatable {
    /// Initial metadata; messages follow. `encoding` is the server's `grpc-encoding`.
    case headers(Metadata, encoding: CompressionAlgorithm)
    /// The end of the call (trailers, or a trailers-only response).
    case end(Status, trailers: Metadata)
  }

  /// Interprets the first HEADERS of a response.
  /// - Parameters:
  ///   - fields: The header fields.
  ///   - endStream: Whether the block ended the stream (trailers-only).
  static func first(_ fields: [(name: String, value: String)], endStream: Bool) -> Outcome {
    let status = fields.first { $0.name == ":status" }?.value
    guard status == "200" else {
      let code = Int(status ?? "") ?? 0
      return .end(
        Status(code: grpcCode(forHTTPStatus: code), message: "The server answered HTTP \(status ?? "without a status") instead of gRPC."),
        trailers: [:]
      )
    }
    if endStream { return trailers(fields) }
    let contentType = fields.first { $0.name == "content-type" }?.value
    guard let contentType, GRPCContentType.isGRPC(contentType) else {
      return .end(Status(code: .unknown, message: "The server answered with content-type '\(contentType ?? "")', not gRPC."), trailers: [:])
    }
    let encodingName = fields.first { $0.name == "grpc-encoding" }?.value ?? "identity"
    guard let encoding = CompressionAlgorithm(rawValue: encodingName) else {
      return .end(Status(code: .internalError, message: "The server used unsupported message encoding '\(encodingName)'."), trailers: [:])
    }
    do {
      return .headers(try Metadata(headerFields: fields), encoding: encoding)
    } catch {
      return .end(Status(code: .internalError, message: "Invalid response metadata: \(error)"), trailers: [:])
    }
  }

  /// Interprets trailers (or a trailers-only response).
  static func trailers(_ fields: [(name: String, value: String)]) -> Outcome {
    let rawStatus = fields.first { $0.name == "grpc-status" }?.value
    let rawMessage = fields.first { $0.name == "grpc-message" }?.value
    let metadata = (try? Metadata(headerFields: fields)) ?? [:]
    do {
      return .end(try GRPCStatusHeaders.parse(status: rawStatus, message: rawMessage), trailers: metadata)
    } catch {
      return .end(Status(code: .internalError, message: "The server's trailers carry no valid grpc-status."), trailers: metadata)
    }
  }

  /// The gRPC code for a non-200 HTTP status, per the gRPC HTTP/2 protocol document.
  static func grpcCode(forHTTPStatus status: Int) -> StatusCode {
    switch status {
    case 400: return .internalError
    case 401: return .unauthenticated
    case 403: return .permissionDenied
    case 404: return .unimplemented
    case 429, 502, 503, 504: return .unavailable
    default: return .unknown
    }
  }
}

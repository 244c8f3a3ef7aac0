import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamWire

/// A validated gRPC request head (the HEADERS that open a call), or the status to refuse it with.
///
/// Pure: built from header fields, no I/O, so every refusal is tested without sockets.
struct RequestHead: Sendable {
  var path: String
  var metadata: Metadata
  var timeout: Duration?
  /// The encoding of the client's messages (`grpc-encoding`).
  var encoding: CompressionAlgorithm
  /// The client's `grpc-accept-encoding`, as sent: parsed only when a response could be
  /// compressed (``acceptedEncodings``), not for every call.
  var acceptEncoding: String?
  /// Encodings the client accepts for responses.
  var acceptedEncodings: [CompressionAlgorithm] {
    acceptEncoding.map { CompressionAlgorithm.parseAcceptEncoding($0) } ?? []
  }

  /// Why a request head was refused: an HTTP status (for non-gRPC requests) or a gRPC status.
  enum Refusal: Error, Equatable {
    case http(status: Int, message: String)
    case grpc(Status, extraHeaders: [(name: String, value: String)])

    static func == (lhs: Refusal, rhs: Refusal) -> Bool {
      switch (lhs, rhs) {
      case let (.http(a, m), .http(b, n)): return a == b && m == n
      case let (.grpc(a, x), .grpc(b, y)): return a == b && x.map(\.name) == y.map(\.name) && x.map(\.value) == y.map(\.value)
      default: return false
      }
    }
  }

  /// Validates request headers.
  /// - Parameter fields: The HEADERS fields in order, pseudo-headers first.
  /// - Throws: ``Refusal`` saying how to answer.
  init(fields: [HTTP2HeaderField]) throws(Refusal) {
    var method: String?
    var path: String?
    var contentType: String?
    var timeout: String?
    var encoding: String?
    var accept: String?
    for field in fields {
      // By length first: this runs for every header of every call, and a switch over the
      // names would compare each one with every name in turn.
      let name = field.name
      switch name.utf8.count {
      case 5 where name == ":path": path = field.value
      case 7 where name == ":method": method = field.value
      case 12 where name == "content-type": contentType = field.value
      case 12 where name == "grpc-timeout": timeout = field.value
      case 13 where name == "grpc-encoding": encoding = field.value
      case 20 where name == "grpc-accept-encoding": accept = field.value
      default: break
      }
    }
    guard method == "POST" else {
      throw .http(status: 405, message: "gRPC requires POST, got \(method ?? "no method").")
    }
    guard let contentType, contentType == GRPCContentType.grpc || GRPCContentType.isGRPC(contentType) else {
      throw .http(status: 415, message: "Unsupported content-type '\(contentType ?? "")'; expected application/grpc.")
    }
    guard let path, path.utf8.first == UInt8(ascii: "/") else {
      throw .grpc(Status(code: .unimplemented, message: "Missing or malformed :path."), extraHeaders: [])
    }
    self.path = path
    if let timeout {
      do {
        self.timeout = try GRPCTimeout(parsing: timeout).duration
      } catch {
        throw .grpc(Status(code: .internalError, message: "Invalid grpc-timeout '\(timeout)'."), extraHeaders: [])
      }
    } else {
      self.timeout = nil
    }
    if let encoding, encoding != "identity" {
      guard let algorithm = CompressionAlgorithm(rawValue: encoding) else {
        throw .grpc(
          Status(code: .unimplemented, message: "Message encoding '\(encoding)' is not supported; use identity or gzip."),
          extraHeaders: [(name: "grpc-accept-encoding", value: "identity,gzip")]
        )
      }
      self.encoding = algorithm
    } else {
      self.encoding = .identity
    }
    self.acceptEncoding = accept
    do {
      var metadata = Metadata()
      for (index, field) in fields.enumerated() {
        try metadata.appendReceived(name: field.name, value: field.value, fieldsLeft: fields.count - index)
      }
      self.metadata = metadata
    } catch {
      throw .grpc(Status(code: .internalError, message: "Invalid request metadata: \(error)"), extraHeaders: [])
    }
  }
}


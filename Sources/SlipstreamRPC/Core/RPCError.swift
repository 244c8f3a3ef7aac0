public import SlipstreamWire

/// The one error type at the RPC edge: a gRPC status code, a message a user can act on,
/// trailing metadata, and the underlying cause (never sent over the wire).
public struct RPCError: Error, Sendable, CustomStringConvertible {
  /// The gRPC status code. Never `.ok`.
  public var code: StatusCode
  /// A message for the caller; sent as `grpc-message`.
  public var message: String
  /// Trailing metadata sent with the status.
  public var metadata: Metadata
  /// The local error that caused this one, if any. Not sent to the peer.
  public var cause: (any Error)?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The status code; `.ok` is not an error and is replaced by `.unknown`.
  ///   - message: A message the caller can act on.
  ///   - metadata: Trailing metadata for the status.
  ///   - cause: The underlying error, kept locally for logs.
  public init(code: StatusCode, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
    self.code = code == .ok ? .unknown : code
    self.message = message
    self.metadata = metadata
    self.cause = cause
  }

  /// The status this error is sent as.
  public var status: Status { Status(code: code, message: message) }

  public var description: String {
    message.isEmpty ? "\(code.name)" : "\(code.name): \(message)"
  }
}

/// An error that knows its gRPC mapping. Domain errors adopt this so that the mapping from
/// domain to wire lives in one place per error type.
public protocol RPCErrorConvertible: Error {
  /// The error as the caller will see it.
  var rpcError: RPCError { get }
}

extension RPCError {
  /// Maps any error thrown by a handler or interceptor to the error sent to the peer.
  ///
  /// `RPCError` passes through, `RPCErrorConvertible` maps itself, wire errors map to their
  /// status code, cancellation maps to CANCELLED, and anything else becomes UNKNOWN with
  /// only the error's type in the message, so internals do not leak to callers.
  public init(mapping error: any Error) {
    switch error {
    case let error as RPCError:
      self = error
    case let error as any RPCErrorConvertible:
      self = error.rpcError
    case let error as WireError:
      self.init(code: error.statusCode, message: error.description, cause: error)
    case is CancellationError:
      self.init(code: .cancelled, message: "The call was cancelled.", cause: error)
    default:
      self.init(code: .unknown, message: "The handler failed with \(type(of: error)).", cause: error)
    }
  }
}

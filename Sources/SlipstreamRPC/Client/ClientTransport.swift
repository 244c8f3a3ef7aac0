public import SlipstreamWire

/// Per-call options a client sets.
public struct CallOptions: Sendable, Hashable {
  /// How long the call may take; sent as `grpc-timeout` and enforced locally. nil = no limit.
  public var timeout: Duration?
  /// Compression for request messages (the server must support it).
  public var compression: CompressionAlgorithm

  public init(timeout: Duration? = nil, compression: CompressionAlgorithm = .identity) {
    self.timeout = timeout
    self.compression = compression
  }

  /// No timeout, no compression.
  public static var defaults: CallOptions { CallOptions() }
}

/// What a transport needs to open one call.
public struct ClientCallHead: Sendable {
  /// The method to call.
  public var method: MethodDescriptor
  /// Custom request metadata.
  public var metadata: Metadata
  /// The deadline, sent as `grpc-timeout`.
  public var deadline: ContinuousClock.Instant?
  /// Request compression.
  public var compression: CompressionAlgorithm

  public init(method: MethodDescriptor, metadata: Metadata, deadline: ContinuousClock.Instant?, compression: CompressionAlgorithm) {
    self.method = method
    self.metadata = metadata
    self.deadline = deadline
    self.compression = compression
  }
}

/// One piece of a response, in order: headers (absent for a trailers-only response), then
/// messages, then the end.
public enum ClientResponsePart: Sendable {
  case headers(Metadata)
  case message([UInt8])
  case end(Status, trailers: Metadata)
}

/// One open call, as a transport provides it.
public protocol ClientCallStream: Sendable {
  /// Sends one request payload, suspending while the server is not reading.
  /// - Throws: ``RPCError`` when the call is over.
  func write(_ payload: [UInt8]) async throws
  /// Half-closes: no more requests.
  func finishRequests() async throws
  /// The response parts; the transport always ends it with `.end` or an ``RPCError``.
  var responses: RPCStreamBuffer<ClientResponsePart> { get }
  /// Cancels the call (RST_STREAM CANCEL on HTTP/2). Safe to call more than once.
  func cancel()
}

/// Opens calls to a server: HTTP/2 over TLS, or in-process for tests.
public protocol ClientTransport: Sendable {
  /// Opens a call and sends its head; optionally the first request and the end of requests
  /// in the same step (a unary call is one step).
  /// - Throws: ``RPCError`` UNAVAILABLE when the server cannot be reached, with the reason.
  func openCall(_ head: ClientCallHead, firstMessage: [UInt8]?, endOfRequests: Bool) async throws -> any ClientCallStream

  /// Whether the transport ends a call itself when its head's deadline passes — while it
  /// waits for a connection too — with DEADLINE_EXCEEDED (`Status.deadlineExceeded`), and
  /// cancels it on the wire. ``RPCClient`` then sets no timer of its own for unary calls
  /// (a task group racing a sleeping task per call); streaming calls keep it, since their
  /// closures must be cancelled at the deadline too. Default: false.
  var enforcesDeadlines: Bool { get }
}

extension ClientTransport {
  public var enforcesDeadlines: Bool { false }
}

/// What a client interceptor sees and may change before the call goes out.
public struct ClientCallContext: Sendable {
  /// The method being called.
  public var method: MethodDescriptor
  /// Request metadata; interceptors may add to it (auth tokens, trace context).
  public var metadata: Metadata
  /// The call options.
  public var options: CallOptions

  public init(method: MethodDescriptor, metadata: Metadata, options: CallOptions) {
    self.method = method
    self.metadata = metadata
    self.options = options
  }
}

/// Runs around every client call: add credentials, trace context, log, measure.
public protocol ClientInterceptor: Sendable {
  /// Intercepts one call; `next` performs it (and throws its error, if any).
  func intercept(
    _ context: ClientCallContext,
    next: @Sendable (ClientCallContext) async throws -> Void
  ) async throws
}

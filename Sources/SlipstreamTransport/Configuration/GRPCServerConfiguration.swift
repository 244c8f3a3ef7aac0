public import Logging
public import SlipstreamHTTP2
public import SlipstreamWire

/// Where a server runs its calls' handlers.
public enum HandlerExecution: Sendable, Hashable {
  /// Swift's global concurrent executor: each call's request and response cross between the
  /// connection's event-loop thread and a pool thread. A handler that computes for long
  /// holds no connection up.
  case concurrentPool
  /// The event loop of the call's connection: no thread switch per call, the lowest latency.
  /// A handler then computes on the thread that serves every connection of that loop, so
  /// it suits handlers that mostly await (storage on its own threads, queues, other
  /// services) and is wrong for long computations.
  case eventLoop
}

/// Everything a gRPC server needs besides its services. Every parameter has a default.
public struct GRPCServerConfiguration: Sendable {
  /// The address to listen on.
  public var host: String
  /// The port; 0 picks a free one (read it back from ``GRPCServer/port``).
  public var port: Int
  /// TLS or, when explicitly asked for, plaintext.
  public var security: ServerSecurity
  /// HTTP/2 settings and limits.
  public var http2: HTTP2Configuration
  /// The largest request message accepted; larger ones fail with RESOURCE_EXHAUSTED.
  public var maxReceiveMessageSize: Int
  /// Request bytes buffered per call before the client is told to wait (flow control).
  public var requestBufferHighWatermark: Int
  /// Compression for responses when the client accepts it.
  public var responseCompression: CompressionAlgorithm
  /// How long a graceful shutdown waits for in-flight calls before closing connections.
  public var shutdownGracePeriod: Duration
  /// Where the calls' handlers run.
  public var handlerExecution: HandlerExecution
  /// How many handler tasks wait, idle, for the next call: per event loop with
  /// ``HandlerExecution/eventLoop``, per server with ``HandlerExecution/concurrentPool``.
  /// A call reuses an idle task instead of creating one (cheaper: no task allocation); each
  /// idle task holds ~2.3 KiB (measured). 0 (or less): a new task per call.
  public var maximumIdleHandlerTasks: Int = 512
  /// Where connection problems are logged: one line per connection that ends with an error
  /// (a protocol violation, an abusive peer cut off, a failed TLS handshake, a timer), at
  /// `notice`, naming the peer and the reason. Silent by default.
  public var logger: Logger = Logger(label: "slipstream.transport", factory: { _ in SwiftLogNoOpLogHandler() })

  public init(
    host: String = "127.0.0.1",
    port: Int = 0,
    security: ServerSecurity,
    http2: HTTP2Configuration = .defaults,
    maxReceiveMessageSize: Int = 4 * 1024 * 1024,
    requestBufferHighWatermark: Int = 1024 * 1024,
    responseCompression: CompressionAlgorithm = .identity,
    shutdownGracePeriod: Duration = .seconds(30),
    handlerExecution: HandlerExecution = .concurrentPool
  ) {
    self.host = host
    self.port = port
    self.security = security
    self.http2 = http2
    self.maxReceiveMessageSize = maxReceiveMessageSize
    self.requestBufferHighWatermark = requestBufferHighWatermark
    self.responseCompression = responseCompression
    self.shutdownGracePeriod = shutdownGracePeriod
    self.handlerExecution = handlerExecution
  }
}

public import Logging
public import SlipstreamHTTP2
public import SlipstreamWire

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
    shutdownGracePeriod: Duration = .seconds(30)
  ) {
    self.host = host
    self.port = port
    self.security = security
    self.http2 = http2
    self.maxReceiveMessageSize = maxReceiveMessageSize
    self.requestBufferHighWatermark = requestBufferHighWatermark
    self.responseCompression = responseCompression
    self.shutdownGracePeriod = shutdownGracePeriod
  }
}

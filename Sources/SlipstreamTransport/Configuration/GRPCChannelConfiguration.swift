public import SlipstreamHTTP2

/// A server address.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// How a channel spreads calls over its endpoints.
public enum LoadBalancing: Sendable, Hashable {
  /// Use the first endpoint that connects; move on only when it fails.
  case pickFirst
  /// Rotate calls across every endpoint that connects.
  case roundRobin
}

/// Everything a client channel needs. Every parameter but the endpoints has a default.
public struct GRPCChannelConfiguration: Sendable {
  /// The servers to call.
  public var endpoints: [Endpoint]
  /// TLS (the default for services) or plaintext.
  public var security: ClientSecurity
  /// How calls are spread over endpoints.
  public var loadBalancing: LoadBalancing
  /// Delays between reconnection attempts.
  public var backoff: ConnectionBackoff
  /// How long one connection attempt (TCP + TLS) may take.
  public var connectTimeout: Duration
  /// HTTP/2 settings and limits.
  public var http2: HTTP2Configuration
  /// The largest response message accepted; larger ones fail with RESOURCE_EXHAUSTED.
  public var maxReceiveMessageSize: Int
  /// Response bytes buffered per call before the server is told to wait.
  public var responseBufferHighWatermark: Int

  public init(
    endpoints: [Endpoint],
    security: ClientSecurity,
    loadBalancing: LoadBalancing = .pickFirst,
    backoff: ConnectionBackoff = .defaults,
    connectTimeout: Duration = .seconds(20),
    http2: HTTP2Configuration = .defaults,
    maxReceiveMessageSize: Int = 4 * 1024 * 1024,
    responseBufferHighWatermark: Int = 1024 * 1024
  ) {
    self.endpoints = endpoints
    self.security = security
    self.loadBalancing = loadBalancing
    self.backoff = backoff
    self.connectTimeout = connectTimeout
    self.http2 = http2
    self.maxReceiveMessageSize = maxReceiveMessageSize
    self.responseBufferHighWatermark = responseBufferHighWatermark
  }
}

public import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
import Synchronization

/// A small HTTP/1.1 server for Prometheus: `GET /metrics` answers the registry in the text
/// exposition format; other paths are 404, other methods 405, request heads (and bodies)
/// over ``maximumRequestSize`` get 431 and the connection is closed.
public final class MetricsEndpoint: Sendable {
  /// The largest request (head and body) accepted.
  public static let maximumRequestSize = 16 * 1024
  /// The exposition format's content type.
  public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  /// The address to listen on.
  public let host: String
  /// The requested port; 0 picks a free one.
  public let requestedPort: Int
  /// The registry served.
  public let registry: PrometheusCollectorRegistry
  private let group: any EventLoopGroup
  private let listener = Mutex<(any Channel)?>(nil)
  private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

  /// Creates an endpoint; nothing listens until ``start()``.
  /// - Parameters:
  ///   - host: The address to listen on.
  ///   - port: The port; 0 picks a free one.
  ///   - registry: The metrics to serve.
  ///   - group: The event loops to run on.
  public init(
    host: String,
    port: Int,
    registry: PrometheusCollectorRegistry,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.host = host
    self.requestedPort = port
    self.registry = registry
    self.group = group
  }

  /// The bound port, once started.
  public var port: Int? { listener.withLock { $0?.localAddress?.port } }

  /// Binds and starts serving.
  /// - Returns: The bound port.
  /// - Throws: A socket error when the address cannot be bound.
  @discardableResult
  public func start() async throws -> Int {
    let registry = self.registry
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 64)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        self.track(channel)
        return channel.eventLoop.makeCompletedFuture {
          let limiter = RequestSizeLimiter(limit: Self.maximumRequestSize)
          try channel.pipeline.syncOperations.addHandler(limiter)
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry, limiter: limiter))
        }
      }
      .bind(host: host, port: requestedPort)
      .get()
    listener.withLock { $0 = channel }
    return channel.localAddress?.port ?? requestedPort
  }

  /// Stops listening and closes every connection (a scrape in progress fails; Prometheus
  /// retries on its next interval).
  public func shutdown() async {
    let channel = listener.withLock { $0 }
    try? await channel?.close()
    for connection in connections.withLock({ Array($0.values) }) {
      try? await connection.close()
    }
  }

  /// Remembers an open connection until it closes.
  private func track(_ channel: any Channel) {
    let key = ObjectIdentifier(channel)
    connections.withLock { $0[key] = channel }
    channel.closeFuture.whenComplete { _ in
      _ = self.connections.withLock { $0.removeValue(forKey: key) }
    }
  }
}

/// Counts the bytes of the request being read and, past the limit, answers 431 itself and
/// closes: the HTTP decoder would otherwise buffer an endless head.
final class RequestSizeLimiter: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let limit: Int
  private var received = 0
  private var refused = false

  init(limit: Int) { self.limit = limit }

  /// Called when a whole request has been read; the next one starts counting from zero.
  func requestCompleted() { received = 0 }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !refused else { return }
    let buffer = unwrapInboundIn(data)
    received += buffer.readableBytes
    guard received <= limit else {
      refused = true
      var response = context.channel.allocator.buffer(capacity: 128)
      response.writeString("HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
      let channel = context.channel
      context.writeAndFlush(NIOAny(response)).whenComplete { _ in channel.close(promise: nil) }
      return
    }
    context.fireChannelRead(data)
  }
}

/// Answers `GET /metrics`, 404 and 405.
final class MetricsHTTPHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let registry: PrometheusCollectorRegistry
  private let limiter: RequestSizeLimiter
  private var head: HTTPRequestHead?

  init(registry: PrometheusCollectorRegistry, limiter: RequestSizeLimiter) {
    self.registry = registry
    self.limiter = limiter
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): self.head = head
    case .body: break
    case .end:
      limiter.requestCompleted()
      guard let head = self.head else { return }
      self.head = nil
      respond(to: head, context: context)
    }
  }

  private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
    let status: HTTPResponseStatus
    var headers = HTTPHeaders()
    var body = context.channel.allocator.buffer(capacity: 0)
    if path != "/metrics" {
      status = .notFound
      headers.add(name: "content-type", value: "text/plain; charset=utf-8")
      body.writeString("Not found. Metrics are at /metrics.\n")
    } else if head.method != .GET {
      status = .methodNotAllowed
      headers.add(name: "allow", value: "GET")
      headers.add(name: "content-type", value: "text/plain; charset=utf-8")
      body.writeString("Only GET is allowed.\n")
    } else {
      status = .ok
      headers.add(name: "content-type", value: MetricsEndpoint.contentType)
      body.writeBytes(registry.emitToBuffer())
    }
    headers.add(name: "content-length", value: String(body.readableBytes))
    let keepAlive = head.isKeepAlive
    if !keepAlive { headers.add(name: "connection", value: "close") }
    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
      if !keepAlive { channel.close(promise: nil) }
    }
  }
}

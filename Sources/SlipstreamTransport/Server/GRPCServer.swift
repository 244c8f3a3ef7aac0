import Logging
public import NIOCore
import NIOPosix
public import SlipstreamAPI
import SlipstreamHTTP2
public import SlipstreamRPC
import SlipstreamTLS
import Synchronization

/// A gRPC server on SwiftNIO: TLS on OpenSSL, HTTP/2 on nghttp2, calls dispatched to an
/// ``RPCServer``.
///
/// ```swift
/// let server = GRPCServer(configuration: .init(port: 50051, security: .tls(tls)), services: [quotes])
/// let port = try await server.start()
/// // ...
/// await server.shutdownGracefully()
/// ```
public final class GRPCServer: Sendable {
  private struct Connection {
    let channel: any Channel
    let http2: NIOLoopBound<HTTP2ConnectionHandler>
  }

  private struct State {
    var listener: (any Channel)?
    var connections: [ObjectIdentifier: Connection] = [:]
    var shuttingDown = false
    /// With event-loop handlers, one pool of handler tasks per loop (keyed by the loop).
    var loopHandlerTasks: [ObjectIdentifier: HandlerTasks] = [:]
  }

  /// The configuration the server was made with.
  public let configuration: GRPCServerConfiguration
  /// Serving status reported by `grpc.health.v1.Health`, served on every server: "" and each
  /// service are SERVING once started and NOT_SERVING once shutdown begins.
  public let health: HealthStatusStore
  private let serviceNames: [String]
  private let rpcServer: RPCServer
  private let group: any EventLoopGroup
  private let state = Mutex(State())
  /// With handlers on the concurrent pool, the server's one pool of handler tasks.
  private let poolHandlerTasks: HandlerTasks?

  /// The channels of the connections open now (for tests).
  package var connectionChannels: [any Channel] {
    state.withLock { $0.connections.values.map(\.channel) }
  }

  /// Creates a server; nothing listens until ``start()``.
  /// - Parameters:
  ///   - configuration: Address, security and limits.
  ///   - services: The services to serve.
  ///   - interceptors: Server interceptors, outermost first.
  ///   - group: The event loops to run on.
  public init(
    configuration: GRPCServerConfiguration,
    services: [any RPCService],
    interceptors: [any ServerInterceptor] = [],
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.configuration = configuration
    let health = HealthStatusStore()
    self.health = health
    let rpcServer = RPCServer(services: services + [HealthService(store: health)], interceptors: interceptors)
    self.serviceNames = Array(Set(rpcServer.methods.map(\.service))).sorted()
    self.rpcServer = rpcServer
    self.group = group
    self.poolHandlerTasks =
      configuration.handlerExecution == .concurrentPool
      ? HandlerTasks(server: rpcServer, executor: nil, maximumIdle: configuration.maximumIdleHandlerTasks) : nil
  }

  deinit { endHandlerTasks() }

  /// The handler tasks for a connection on `eventLoop`.
  private func handlerTasks(on eventLoop: any EventLoop) -> HandlerTasks {
    if let poolHandlerTasks { return poolHandlerTasks }
    return state.withLock { state in
      let key = ObjectIdentifier(eventLoop)
      if let tasks = state.loopHandlerTasks[key] { return tasks }
      let tasks = HandlerTasks(
        server: rpcServer,
        executor: EventLoopTaskExecutor(eventLoop: eventLoop),
        maximumIdle: configuration.maximumIdleHandlerTasks
      )
      state.loopHandlerTasks[key] = tasks
      return tasks
    }
  }

  /// Ends the idle handler tasks; running ones end after their call.
  private func endHandlerTasks() {
    poolHandlerTasks?.shutDown()
    for tasks in state.withLock({ Array($0.loopHandlerTasks.values) }) { tasks.shutDown() }
  }

  /// The port the server listens on, once started.
  public var port: Int? { state.withLock { $0.listener?.localAddress?.port } }

  /// Binds and starts accepting connections.
  /// - Returns: The bound port.
  /// - Throws: ``TLSError`` for unusable certificates or keys; a socket error when the
  ///   address cannot be bound.
  @discardableResult
  public func start() async throws -> Int {
    let tlsContext: TLSContext?
    switch configuration.security {
    case .tls(let tls): tlsContext = try TLSContext(configuration: tls, role: .server)
    case .plaintext: tlsContext = nil
    }
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try self.configureConnection(channel, tlsContext: tlsContext)
        }
      }
    let listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
    state.withLock { $0.listener = listener }
    for name in [""] + serviceNames { health.setStatus(.serving, forService: name) }
    return listener.localAddress?.port ?? configuration.port
  }

  /// Starts (if needed) and runs until the server is shut down.
  public func serve() async throws {
    if port == nil { try await start() }
    guard let listener = state.withLock({ $0.listener }) else { return }
    try await listener.closeFuture.get()
  }

  /// Stops accepting, lets in-flight calls finish (GOAWAY; new streams are refused), and
  /// closes connections when they are idle or the grace period ends.
  public func shutdownGracefully() async {
    for name in [""] + serviceNames { health.setStatus(.notServing, forService: name) }
    let (listener, connections) = state.withLock { state in
      state.shuttingDown = true
      return (state.listener, Array(state.connections.values))
    }
    try? await listener?.close()
    for connection in connections {
      connection.channel.eventLoop.execute { connection.http2.value.beginGracefulShutdown() }
    }
    let grace = configuration.shutdownGracePeriod
    await withTaskGroup(of: Void.self) { group in
      for connection in connections {
        group.addTask {
          let timer = connection.channel.eventLoop.scheduleTask(in: .nanoseconds(grace.nanoseconds)) {
            connection.channel.close(promise: nil)
          }
          try? await connection.channel.closeFuture.get()
          timer.cancel()
        }
      }
    }
    endHandlerTasks()
  }

  private func configureConnection(_ channel: any Channel, tlsContext: TLSContext?) throws {
    let tlsHandler = tlsContext.map { TLSHandler(context: $0) }
    let identitySource = tlsHandler.map { NIOLoopBound($0, eventLoop: channel.eventLoop) }
    let connection = GRPCServerConnection(
      eventLoop: channel.eventLoop,
      handlerTasks: handlerTasks(on: channel.eventLoop),
      limits: .init(
        maxReceiveMessageSize: configuration.maxReceiveMessageSize,
        requestBufferHighWatermark: configuration.requestBufferHighWatermark,
        responseCompression: configuration.responseCompression
      ),
      allocator: channel.allocator,
      peerAddress: channel.remoteAddress.map(describe) ?? "unknown",
      peerIdentity: { identitySource?.value.peerIdentity.map(PeerIdentity.init) }
    )
    let http2 = HTTP2ConnectionHandler(role: .server, configuration: configuration.http2, delegate: connection)
    if let tlsHandler { try channel.pipeline.syncOperations.addHandler(tlsHandler) }
    try channel.pipeline.syncOperations.addHandler(http2)
    // Only once the handler is in the pipeline, which ends the cycle through its delegate
    // when the channel closes.
    connection.handler = http2

    let key = ObjectIdentifier(channel)
    let refused = state.withLock { state -> Bool in
      if state.shuttingDown { return true }
      state.connections[key] = Connection(channel: channel, http2: NIOLoopBound(http2, eventLoop: channel.eventLoop))
      return false
    }
    if refused {
      channel.close(promise: nil)
      return
    }
    let lifetime = connection.lifetime
    let boundHTTP2 = NIOLoopBound(http2, eventLoop: channel.eventLoop)
    let peer = channel.remoteAddress.map(describe) ?? "unknown"
    let logger = configuration.logger
    channel.closeFuture.whenComplete { _ in
      _ = self.state.withLock { $0.connections.removeValue(forKey: key) }
      lifetime.close()
      // Runs on the channel's event loop, where the handler lives.
      if let error = boundHTTP2.value.connectionError {
        logger.log(level: Self.isOrdinaryClose(error) ? .debug : .notice, "connection closed: \(error)", metadata: ["peer": "\(peer)"])
      } else {
        logger.debug("connection closed", metadata: ["peer": "\(peer)"])
      }
    }
  }
}

extension GRPCServer {
  /// Whether a connection's end error is how ordinary clients leave: grpcio and Go close the
  /// TCP connection without a TLS close_notify, which is not worth a notice per connection.
  static func isOrdinaryClose(_ error: any Error) -> Bool {
    (error as? TLSError)?.kind == .peerClosedUncleanly
  }
}

/// `ipv4:127.0.0.1:5000`-style peer address, as gRPC names peers.
func describe(_ address: SocketAddress) -> String {
  switch address {
  case .v4: return "ipv4:\(address.ipAddress ?? "?"):\(address.port ?? 0)"
  case .v6: return "ipv6:[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
  case .unixDomainSocket: return "unix:\(address.pathname ?? "")"
  }
}

extension PeerIdentity {
  init(_ tls: TLSPeerIdentity) {
    self.init(
      subject: tls.subject,
      commonName: tls.commonName,
      subjectAlternativeNames: tls.subjectAlternativeNames,
      fingerprint: tls.sha256Fingerprint
    )
  }
}

extension Duration {
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}

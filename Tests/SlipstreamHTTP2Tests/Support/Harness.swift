import NIOCore
import NIOPosix
import SlipstreamHTTP2
import Synchronization

/// Test configuration: small timers off unless a test sets them.
extension HTTP2Configuration {
  static var test: HTTP2Configuration {
    var configuration = HTTP2Configuration.defaults
    configuration.keepalive = nil
    configuration.idleTimeout = nil
    return configuration
  }
}

/// Our server on 127.0.0.1 with an ephemeral port; every connection gets a `RecordingDelegate`.
final class ServerHarness: Sendable {
  let channel: any Channel
  let recorder: EventRecorder
  private let box: Box

  var port: Int { self.channel.localAddress!.port! }

  private init(channel: any Channel, recorder: EventRecorder, box: Box) {
    self.channel = channel
    self.recorder = recorder
    self.box = box
  }

  static func start(configuration: HTTP2Configuration = .test, behaviour: RecordingDelegate.Behaviour = .echo) async throws -> ServerHarness {
    let recorder = EventRecorder()
    let box = Box()
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let delegate = RecordingDelegate(recorder: recorder, behaviour: behaviour)
          let handler = HTTP2ConnectionHandler(role: .server, configuration: configuration, delegate: delegate)
          delegate.handler = handler
          try channel.pipeline.syncOperations.addHandler(handler)
          box.handlers.withLock { $0.append(NIOLoopBound(handler, eventLoop: channel.eventLoop)) }
        }
      }
      .bind(host: "127.0.0.1", port: 0)
      .get()
    return ServerHarness(channel: channel, recorder: recorder, box: box)
  }

  final class Box: Sendable {
    let handlers = Mutex<[NIOLoopBound<HTTP2ConnectionHandler>]>([])
  }

  /// Runs `body` on the event loop of the first accepted connection.
  func withFirstConnection<T: Sendable>(_ body: @escaping @Sendable (HTTP2ConnectionHandler) throws -> T) async throws -> T {
    let bound = self.box.handlers.withLock { $0.first }!
    return try await bound.eventLoop.submit { try body(bound.value) }.get()
  }

  func stop() async throws {
    try await self.channel.close()
  }
}

/// Our client connected to a port, with a recording delegate.
struct ClientHarness: Sendable {
  let channel: any Channel
  let recorder: EventRecorder
  let handler: NIOLoopBound<HTTP2ConnectionHandler>
  let delegate: NIOLoopBound<RecordingDelegate>

  static func connect(port: Int, configuration: HTTP2Configuration = .test, autoConsume: Bool = true) async throws -> ClientHarness {
    let recorder = EventRecorder()
    let box = Mutex<(NIOLoopBound<HTTP2ConnectionHandler>, NIOLoopBound<RecordingDelegate>)?>(nil)
    // The handler goes in before the connection is active, so the server's SETTINGS cannot
    // arrive at an empty pipeline.
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let delegate = RecordingDelegate(recorder: recorder, behaviour: .record, autoConsume: autoConsume)
          let handler = HTTP2ConnectionHandler(role: .client, configuration: configuration, delegate: delegate)
          delegate.handler = handler
          try channel.pipeline.syncOperations.addHandler(handler)
          box.withLock { $0 = (NIOLoopBound(handler, eventLoop: channel.eventLoop), NIOLoopBound(delegate, eventLoop: channel.eventLoop)) }
        }
      }
      .connect(host: "127.0.0.1", port: port)
      .get()
    let (handler, delegate) = box.withLock { $0! }
    return ClientHarness(channel: channel, recorder: recorder, handler: handler, delegate: delegate)
  }

  /// Runs `body` on the connection's event loop.
  func run<T: Sendable>(_ body: @escaping @Sendable (HTTP2ConnectionHandler, RecordingDelegate) throws -> T) async throws -> T {
    let handler = self.handler
    let delegate = self.delegate
    return try await self.channel.eventLoop.submit { try body(handler.value, delegate.value) }.get()
  }

  func close() async {
    try? await self.channel.close()
  }

  static func request(_ path: String, extra: [HTTP2HeaderField] = []) -> [HTTP2HeaderField] {
    [
      .init(name: ":method", value: "POST"), .init(name: ":scheme", value: "http"),
      .init(name: ":authority", value: "localhost"), .init(name: ":path", value: path),
      .init(name: "content-type", value: "application/grpc"),
    ] + extra
  }
}

extension ByteBuffer {
  static func pattern(from offset: Int = 0, count: Int) -> ByteBuffer {
    ByteBuffer(bytes: Pattern.bytes(from: offset, count: count))
  }
}

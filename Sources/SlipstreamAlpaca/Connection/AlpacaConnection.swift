import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SlipstreamDomain
import SlipstreamTLS
import Synchronization

/// What one websocket session reports to its owner, in order.
package enum AlpacaConnectionEvent: Sendable {
  /// A complete text or binary message, stamped when it was read.
  case message([UInt8], receivedAt: Timestamp)
  /// The session ended; nothing follows.
  case ended(reason: String)
}

/// One websocket session with the stream: TCP, optional TLS, the HTTP/1.1 upgrade, then
/// frames. Incoming messages arrive on ``events``; ``send(_:)`` writes a text message.
package final class AlpacaConnection: Sendable {
  package let channel: any Channel
  package let events: AsyncStream<AlpacaConnectionEvent>

  private init(channel: any Channel, events: AsyncStream<AlpacaConnectionEvent>) {
    self.channel = channel
    self.events = events
  }

  /// Connects, upgrades to websocket and returns the open session.
  /// - Parameters:
  ///   - configuration: endpoint, limits and the connect time limit.
  ///   - tlsContext: the TLS client context for `wss://`, nil for `ws://`.
  ///   - clock: stamps each message's receive time.
  ///   - group: the event loops to use.
  /// - Throws: ``AlpacaStreamError/connectFailed(_:)``, ``AlpacaStreamError/upgradeRejected``,
  ///   ``AlpacaStreamError/timedOut(step:after:)``.
  package static func open(
    configuration: AlpacaStreamConfiguration, tlsContext: TLSContext?, clock: @escaping @Sendable () -> Timestamp,
    group: any EventLoopGroup
  ) async throws(AlpacaStreamError) -> AlpacaConnection {
    let endpoint = configuration.endpoint
    let (events, continuation) = AsyncStream<AlpacaConnectionEvent>.makeStream()
    let maximumMessageSize = configuration.maximumMessageSize
    let timeout = configuration.connectTimeout
    let connected: (channel: any Channel, upgrade: EventLoopFuture<Bool>)
    do {
      connected = try await ClientBootstrap(group: group)
        .connectTimeout(TimeAmount(timeout))
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connect(host: endpoint.host, port: endpoint.port) { channel in
          channel.eventLoop.makeCompletedFuture {
            if let tlsContext {
              try channel.pipeline.syncOperations.addHandler(TLSHandler(context: tlsContext, serverHostname: endpoint.host))
            }
            let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(
              maxFrameSize: maximumMessageSize,
              enableAutomaticErrorHandling: false,
              upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                  try channel.pipeline.syncOperations.addHandlers([
                    NIOWebSocketFrameAggregator(
                      minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1024,
                      maxAccumulatedFrameSize: maximumMessageSize),
                    AlpacaFrameHandler(continuation: continuation, clock: clock, maximumMessageSize: maximumMessageSize),
                  ])
                  return true
                }
              })
            var headers = HTTPHeaders()
            let defaultPort = endpoint.secure ? 443 : 80
            let hostText = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
            headers.add(name: "Host", value: endpoint.port == defaultPort ? hostText : "\(hostText):\(endpoint.port)")
            headers.add(name: "Content-Length", value: "0")
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers)
            var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(
              upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: head, upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) }))
            // The server's welcome often arrives in the same read as the 101 response: the
            // bytes after the response head must go on to the websocket decoder.
            pipeline.leftOverBytesStrategy = .forwardBytes
            let upgrade = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
              configuration: pipeline)
            return (channel, upgrade)
          }
        }
    } catch {
      continuation.finish()
      throw .connectFailed("\(endpoint): \(error)")
    }
    let channel = connected.channel
    // The upgrade (and the TLS handshake before it) is bounded by the same connect time limit.
    let timedOut = TimedOutFlag()
    let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
      timedOut.set()
      channel.close(promise: nil)
    }
    let upgraded: Bool
    do {
      upgraded = try await connected.upgrade.get()
      timer.cancel()
    } catch {
      timer.cancel()
      channel.close(promise: nil)
      continuation.finish()
      if timedOut.isSet { throw .timedOut(step: .connect, after: timeout) }
      throw .connectFailed("\(endpoint): \(error)")
    }
    guard upgraded else {
      channel.close(promise: nil)
      continuation.finish()
      throw .upgradeRejected
    }
    return AlpacaConnection(channel: channel, events: events)
  }

  /// Sends `text` as one masked text frame.
  /// - Throws: ``AlpacaStreamError/connectionLost(_:)`` if the write fails.
  package func send(_ text: String) async throws(AlpacaStreamError) {
    let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
    do {
      try await channel.writeAndFlush(frame).get()
    } catch {
      throw .connectionLost("writing a request failed: \(error)")
    }
  }

  /// Sends a normal-closure close frame (best effort) and closes the connection.
  package func close() async {
    var data = ByteBuffer()
    data.write(webSocketErrorCode: .normalClosure)
    let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
    try? await channel.writeAndFlush(frame).get()
    try? await channel.close().get()
  }
}

/// Set once from the event loop when the connect timer fires.
private final class TimedOutFlag: Sendable {
  private let value = Mutex(false)
  func set() { value.withLock { $0 = true } }
  var isSet: Bool { value.withLock { $0 } }
}

/// The websocket end of the pipeline: hands complete messages to the session's stream,
/// answers pings, answers and ends on a close frame, and reports why the session ended.
final class AlpacaFrameHandler: ChannelInboundHandler {
  typealias InboundIn = WebSocketFrame
  typealias OutboundOut = WebSocketFrame

  private let continuation: AsyncStream<AlpacaConnectionEvent>.Continuation
  private let clock: @Sendable () -> Timestamp
  private let maximumMessageSize: Int
  private var endReason: String?

  init(
    continuation: AsyncStream<AlpacaConnectionEvent>.Continuation, clock: @escaping @Sendable () -> Timestamp,
    maximumMessageSize: Int
  ) {
    self.continuation = continuation
    self.clock = clock
    self.maximumMessageSize = maximumMessageSize
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let frame = unwrapInboundIn(data)
    switch frame.opcode {
    case .text, .binary:
      var payload = frame.unmaskedData
      let bytes = payload.readBytes(length: payload.readableBytes) ?? []
      continuation.yield(.message(bytes, receivedAt: clock()))
    case .ping:
      let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
      context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
    case .connectionClose:
      var payload = frame.unmaskedData
      let code = payload.readWebSocketErrorCode()
      let reason = payload.readString(length: payload.readableBytes) ?? ""
      endReason = "the server closed the websocket (\(code.map { "\($0)" } ?? "no code")\(reason.isEmpty ? "" : ", '\(reason)'"))"
      var echo = ByteBuffer()
      echo.write(webSocketErrorCode: code ?? .normalClosure)
      let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
      context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
      context.close(promise: nil)
    default:
      break
    }
  }

  /// Protocol errors are answered here (not by NIO's automatic handler, which closes the
  /// channel before this handler would learn why): a close frame with the matching code,
  /// then the connection is closed.
  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    let code: WebSocketErrorCode?
    switch error {
    case NIOWebSocketError.invalidFrameLength, NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge:
      code = .messageTooLarge
      endReason = endReason ?? "the server sent a message larger than the limit of \(maximumMessageSize) bytes"
    case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
      code = .protocolError
      endReason = endReason ?? "the server broke the websocket protocol: \(error)"
    default:
      code = nil
      endReason = endReason ?? "\(error)"
    }
    if let code, context.channel.isActive {
      var data = ByteBuffer()
      data.write(webSocketErrorCode: code)
      let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
      context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    continuation.yield(.ended(reason: endReason ?? "the server closed the connection"))
    continuation.finish()
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    continuation.finish()
  }
}

import NIOCore
import NIOEmbedded
@testable import SlipstreamHTTP2

/// Our server and our client on two EmbeddedChannels sharing one EmbeddedEventLoop, with bytes
/// moved between them only when the test says so (and virtual time the test advances).
final class EmbeddedPair {
  let loop = EmbeddedEventLoop()
  let server: EmbeddedChannel
  let client: EmbeddedChannel
  let serverHandler: HTTP2ConnectionHandler
  let clientHandler: HTTP2ConnectionHandler
  let serverRecorder = EventRecorder()
  let clientRecorder = EventRecorder()
  let serverDelegate: RecordingDelegate
  let clientDelegate: RecordingDelegate

  init(
    server serverConfiguration: HTTP2Configuration = .test,
    client clientConfiguration: HTTP2Configuration = .test,
    serverBehaviour: RecordingDelegate.Behaviour = .echo
  ) throws {
    self.server = EmbeddedChannel(loop: self.loop)
    self.client = EmbeddedChannel(loop: self.loop)
    self.serverDelegate = RecordingDelegate(recorder: self.serverRecorder, behaviour: serverBehaviour)
    self.clientDelegate = RecordingDelegate(recorder: self.clientRecorder, behaviour: .record)
    self.serverHandler = HTTP2ConnectionHandler(role: .server, configuration: serverConfiguration, delegate: self.serverDelegate)
    self.clientHandler = HTTP2ConnectionHandler(role: .client, configuration: clientConfiguration, delegate: self.clientDelegate)
    self.serverDelegate.handler = self.serverHandler
    self.clientDelegate.handler = self.clientHandler
    try self.server.pipeline.syncOperations.addHandler(self.serverHandler)
    try self.client.pipeline.syncOperations.addHandler(self.clientHandler)
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
    self.server.connect(to: address, promise: nil)
    self.client.connect(to: address, promise: nil)
    self.loop.run()
  }

  deinit {
    // Close both ends so the handlers release their sessions (nothing leaks between tests).
    _ = try? self.client.finish(acceptAlreadyClosed: true)
    _ = try? self.server.finish(acceptAlreadyClosed: true)
  }

  /// Moves every pending byte from `from` to `to` as one read; returns whether anything moved.
  @discardableResult
  func deliver(from: EmbeddedChannel, to: EmbeddedChannel) throws -> Bool {
    var moved = false
    while let bytes = try from.readOutbound(as: ByteBuffer.self) {
      moved = true
      guard to.isActive else { continue }
      try to.writeInbound(bytes)
    }
    if moved && to.isActive {
      to.pipeline.fireChannelReadComplete()
    }
    self.loop.run()
    return moved
  }

  func deliverToServer() throws { try self.deliver(from: self.client, to: self.server) }
  func deliverToClient() throws { try self.deliver(from: self.server, to: self.client) }

  /// Exchanges bytes both ways until both sides are quiet.
  func pump() throws {
    self.loop.run()
    var rounds = 0
    while try self.deliver(from: self.client, to: self.server) | self.deliver(from: self.server, to: self.client) {
      rounds += 1
      precondition(rounds < 1000, "pump does not settle")
    }
  }

  /// Counts the buffers waiting in `channel`'s outbound side without consuming them.
  func outboundWrites(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
    var buffers: [ByteBuffer] = []
    while let bytes = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(bytes) }
    return buffers
  }
}

extension Bool {
  /// Non-short-circuit or, so both directions are always pumped.
  fileprivate static func | (lhs: Bool, rhs: Bool) -> Bool { lhs || rhs }
}

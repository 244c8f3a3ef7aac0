import NIOCore
import NIOEmbedded
import SlipstreamTLS
import Testing

/// Two EmbeddedChannels joined by hand: every byte is moved explicitly, so these tests are
/// deterministic and need no sockets.
final class EmbeddedPair {
  let client = EmbeddedChannel()
  let server = EmbeddedChannel()
  let clientHandler: TLSHandler
  let serverHandler: TLSHandler

  init(
    server serverConfiguration: TLSConfiguration = TestPKI.serverConfiguration(),
    client clientConfiguration: TLSConfiguration = TestPKI.clientConfiguration()
  ) throws {
    self.serverHandler = TLSHandler(context: try TLSContext(configuration: serverConfiguration, role: .server))
    self.clientHandler = TLSHandler(
      context: try TLSContext(configuration: clientConfiguration, role: .client),
      serverHostname: "localhost"
    )
    try self.server.pipeline.syncOperations.addHandler(self.serverHandler)
    try self.client.pipeline.syncOperations.addHandler(self.clientHandler)
  }

  func activate() throws {
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: 4433)
    try self.server.connect(to: address).wait()
    try self.client.connect(to: address).wait()
  }

  /// Moves bytes both ways until neither side has anything to send.
  func interact() throws {
    var moved = true
    while moved {
      moved = false
      while let bytes = try self.client.readOutbound(as: ByteBuffer.self) {
        moved = true
        if self.server.isActive { try self.server.writeInbound(bytes) }
      }
      while let bytes = try self.server.readOutbound(as: ByteBuffer.self) {
        moved = true
        if self.client.isActive { try self.client.writeInbound(bytes) }
      }
    }
  }

  /// Closes both channels, letting any close timer fire, so no channel (and no `SSL*`)
  /// outlives the test.
  func tearDown() {
    for channel in [self.client, self.server] {
      if channel.isActive { channel.close(promise: nil) }
      channel.embeddedEventLoop.advanceTime(by: .seconds(10))
      _ = try? channel.finish(acceptAlreadyClosed: true)
    }
  }

  /// All plaintext the server has received.
  func serverPlaintext() throws -> String {
    var text = ""
    while var buffer = try self.server.readInbound(as: ByteBuffer.self) {
      text += buffer.readString(length: buffer.readableBytes) ?? ""
    }
    return text
  }
}

@Suite("TLSHandler on EmbeddedChannel")
struct TLSHandlerEmbeddedTests {
  @Test("writes queued before the handshake arrive in order, and their promises succeed")
  func queuedWrites() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    let first = pair.client.eventLoop.makePromise(of: Void.self)
    let second = pair.client.eventLoop.makePromise(of: Void.self)
    pair.client.write(ByteBuffer(string: "one,"), promise: first)
    pair.client.writeAndFlush(ByteBuffer(string: "two,"), promise: second)
    pair.client.writeAndFlush(ByteBuffer(string: "three"), promise: nil)
    #expect(pair.clientHandler.handshakeResult == nil)
    try pair.interact()
    #expect(pair.clientHandler.handshakeResult?.negotiatedProtocol == "h2")
    #expect(try pair.serverPlaintext() == "one,two,three")
    try first.futureResult.wait()
    try second.futureResult.wait()
  }

  @Test("close sends close_notify, the peer answers, both sides close without error")
  func closeNotifyExchange() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    let closed = pair.client.close()
    #expect(pair.client.isActive, "the client waits for the peer's close_notify")
    let closeNotify = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
    // A TLS 1.3 close_notify is one encrypted record (type 0x17 on the wire).
    #expect(closeNotify.getInteger(at: 0, as: UInt8.self) == 0x17)
    try pair.server.writeInbound(closeNotify)
    #expect(!pair.server.isActive)
    try pair.interact()
    try closed.wait()
    #expect(!pair.client.isActive)
    try pair.server.throwIfErrorCaught()
    try pair.client.throwIfErrorCaught()
  }

  @Test("close gives up waiting for the peer's close_notify after the timeout")
  func closeTimeout() throws {
    var client = TestPKI.clientConfiguration()
    client.closeNotifyTimeout = .seconds(2)
    let pair = try EmbeddedPair(client: client)
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    let closed = pair.client.close()
    pair.client.embeddedEventLoop.advanceTime(by: .milliseconds(1999))
    #expect(pair.client.isActive)
    pair.client.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!pair.client.isActive)
    try closed.wait()
  }

  @Test("a TCP close without close_notify is reported as peerClosedUncleanly")
  func uncleanClose() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    pair.client.pipeline.fireChannelInactive()
    #expect(throws: TLSError(.peerClosedUncleanly, context: "TCP closed without close_notify")) {
      try pair.client.throwIfErrorCaught()
    }
  }

  @Test(
    "bytes that are not a TLS record are refused as notTLS",
    arguments: ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "\u{16}\u{01}garbage"]
  )
  func notTLS(_ garbage: String) throws {
    let channel = EmbeddedChannel()
    let context = try TLSContext(configuration: TestPKI.serverConfiguration(), role: .server)
    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context))
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    expectTLSError(.notTLS) { try channel.writeInbound(ByteBuffer(string: garbage)) }
    #expect(!channel.isActive)
  }

  @Test("a failed handshake fails the writes queued before it")
  func queuedWritesFailWithHandshake() throws {
    let pair = try EmbeddedPair(client: TestPKI.clientConfiguration(trusting: TestPKI.otherAuthority))
    defer { pair.tearDown() }
    try pair.activate()
    let write = pair.client.eventLoop.makePromise(of: Void.self)
    pair.client.writeAndFlush(ByteBuffer(string: "early"), promise: write)
    #expect(throws: TLSError.self) { try pair.interact() }
    #expect(throws: TLSError.self) { try write.futureResult.wait() }
    #expect(!pair.client.isActive)
  }

  @Test("small writes flushed together leave as one buffer holding one TLS record")
  func coalescing() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    let piece = String(repeating: "x", count: 49) + "|"
    var promises: [EventLoopFuture<Void>] = []
    for _ in 0..<100 {
      let promise = pair.client.eventLoop.makePromise(of: Void.self)
      pair.client.write(ByteBuffer(string: piece), promise: promise)
      promises.append(promise.futureResult)
    }
    pair.client.flush()
    let output = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
    #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
    // One TLS 1.3 record: 5-byte header + 5000 bytes + content type byte + 16-byte tag.
    #expect(output.readableBytes == 5_000 + 22)
    try pair.server.writeInbound(output)
    #expect(try pair.serverPlaintext() == String(repeating: piece, count: 100))
    for promise in promises { try promise.wait() }
  }

  @Test("a large write is split into full records in one buffer")
  func largeWrite() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    pair.client.writeAndFlush(ByteBuffer(repeating: 0x61, count: 40_000), promise: nil)
    let output = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
    #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
    // 16384 + 16384 + 7232 bytes in three records of 22 bytes overhead each.
    #expect(output.readableBytes == 40_000 + 3 * 22)
    try pair.server.writeInbound(output)
    #expect(try pair.serverPlaintext() == String(repeating: "a", count: 40_000))
  }

  @Test("a client offering no ALPN is refused by a server that requires h2")
  func clientWithoutALPN() throws {
    var client = TestPKI.clientConfiguration()
    client.applicationProtocols = []
    let pair = try EmbeddedPair(client: client)
    defer { pair.tearDown() }
    try pair.activate()
    let clientHello = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
    expectTLSError(.noApplicationProtocol) { try pair.server.writeInbound(clientHello) }
    #expect(!pair.server.isActive)
    // The server refused at ClientHello with an alert, so the client learns why.
    let alert = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
    expectTLSError(.noApplicationProtocol) { try pair.client.writeInbound(alert) }
    #expect(pair.clientHandler.handshakeResult == nil)
  }

  @Test("writes after close fail with ioOnClosedChannel")
  func writeAfterClose() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    _ = pair.client.close()
    let write = pair.client.eventLoop.makePromise(of: Void.self)
    pair.client.writeAndFlush(ByteBuffer(string: "late"), promise: write)
    #expect(throws: ChannelError.ioOnClosedChannel) { try write.futureResult.wait() }
    pair.client.embeddedEventLoop.advanceTime(by: .seconds(3))
    #expect(!pair.client.isActive)
  }

  @Test("a certificate chain with extra certificates after the leaf loads and verifies")
  func chainCertificates() throws {
    let chain = TestPKI.server.certificatePEM + TestPKI.authority.certificatePEM
    let server = TLSConfiguration.server(certificateChain: .pem(chain), privateKey: TestPKI.server.privateKey)
    let pair = try EmbeddedPair(server: server)
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    #expect(pair.clientHandler.peerIdentity?.commonName == "localhost")
  }

  @Test("a peer that stays silent is dropped after the handshake timeout")
  func handshakeTimeout() throws {
    var server = TestPKI.serverConfiguration()
    server.handshakeTimeout = .seconds(5)
    let pair = try EmbeddedPair(server: server)
    defer { pair.tearDown() }
    try pair.activate()
    pair.server.embeddedEventLoop.advanceTime(by: .milliseconds(4999))
    #expect(pair.server.isActive)
    pair.server.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!pair.server.isActive)
    expectTLSError(.handshakeTimedOut) { try pair.server.throwIfErrorCaught() }
  }

  @Test("a completed handshake is not dropped by the handshake timer")
  func handshakeTimerCancelled() throws {
    var server = TestPKI.serverConfiguration()
    server.handshakeTimeout = .seconds(5)
    let pair = try EmbeddedPair(server: server)
    defer { pair.tearDown() }
    try pair.activate()
    try pair.interact()
    pair.server.embeddedEventLoop.advanceTime(by: .seconds(60))
    #expect(pair.server.isActive)
    try pair.server.throwIfErrorCaught()
  }

  @Test("a peer that disconnects mid-handshake is reported as handshakeFailed")
  func disconnectDuringHandshake() throws {
    let pair = try EmbeddedPair()
    defer { pair.tearDown() }
    try pair.activate()
    pair.client.pipeline.fireChannelInactive()
    expectTLSError(.handshakeFailed) { try pair.client.throwIfErrorCaught() }
  }
}

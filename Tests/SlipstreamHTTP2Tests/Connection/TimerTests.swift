import NIOCore
import SlipstreamHTTP2
import Testing

/// Our own timers for slow or dead peers, over loopback; each test awaits the close itself.
@Suite("Connection timers against slow peers")
struct TimerTests {
  static let short = Duration.milliseconds(200)

  @Test(
    "a peer that does not complete the preface/SETTINGS handshake is closed with the typed error",
    arguments: [
      // The HTTP/1.1 case keeps the long default timeout so a slow machine cannot turn its
      // protocol error into a timeout.
      (RawPeer.Script.silent, HTTP2Error.Code.settingsTimeout, Self.short),
      (.prefaceWithoutAck, .settingsTimeout, Self.short),
      (.http1, .protocolError, HTTP2Configuration.test.settingsTimeout),
    ]
  )
  func handshake(script: RawPeer.Script, expected: HTTP2Error.Code, settingsTimeout: Duration) async throws {
    var configuration = HTTP2Configuration.test
    configuration.settingsTimeout = settingsTimeout
    let server = try await ServerHarness.start(configuration: configuration)
    let peer = try await RawPeer.connect(port: server.port, script: script)
    try await server.recorder.wait(for: "server closed the connection") { $0.isConnectionClosed }
    #expect(server.recorder.snapshot.connectionCloseCode == .some(expected))
    try await peer.closeFuture.get()  // the server's close reaches the peer
    try await server.stop()
  }

  @Test("a peer that never acknowledges PING is closed after the keepalive timeout")
  func keepaliveTimeout() async throws {
    var configuration = HTTP2Configuration.test
    configuration.keepalive = .init(interval: .milliseconds(100), timeout: Self.short)
    let server = try await ServerHarness.start(configuration: configuration)
    let peer = try await RawPeer.connect(port: server.port, script: .prefaceThenDeaf)
    try await server.recorder.wait(for: "server closed the connection") { $0.isConnectionClosed }
    #expect(server.recorder.snapshot.connectionCloseCode == .some(.keepaliveTimeout))
    try await peer.closeFuture.get()
    try await server.stop()
  }

  @Test("a connection with no stream for the idle timeout gets GOAWAY(NO_ERROR) and closes")
  func idleTimeout() async throws {
    var configuration = HTTP2Configuration.test
    configuration.idleTimeout = Self.short
    let server = try await ServerHarness.start(configuration: configuration)
    let client = try await ClientHarness.connect(port: server.port)
    try await client.recorder.wait(for: "client connection closed") { $0.isConnectionClosed }
    #expect(client.recorder.snapshot.events.contains(.goAway(last: 0, .noError)))
    #expect(client.recorder.snapshot.connectionCloseCode == .some(nil))
    try await server.recorder.wait(for: "server connection closed") { $0.isConnectionClosed }
    #expect(server.recorder.snapshot.connectionCloseCode == .some(.idleTimeout))
    try await server.stop()
  }

  @Test("a header block that never completes does not hold the connection open past the idle timeout")
  func incompleteHeaderBlock() async throws {
    var configuration = HTTP2Configuration.test
    configuration.idleTimeout = Self.short
    let server = try await ServerHarness.start(configuration: configuration)
    let peer = try await RawPeer.connect(port: server.port, script: .incompleteHeaders)
    try await server.recorder.wait(for: "server closed the connection") { $0.isConnectionClosed }
    #expect(server.recorder.snapshot.connectionCloseCode == .some(.idleTimeout))
    #expect(!server.recorder.snapshot.events.contains { if case .opened = $0 { true } else { false } })
    try await peer.closeFuture.get()
    try await server.stop()
  }
}

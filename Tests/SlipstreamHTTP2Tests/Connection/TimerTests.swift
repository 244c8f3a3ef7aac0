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
    try await RawPeer.expectServerCloses(script, configuration: configuration, with: expected)
  }

  @Test("a peer that never acknowledges PING is closed after the keepalive timeout")
  func keepaliveTimeout() async throws {
    var configuration = HTTP2Configuration.test
    configuration.keepalive = .init(interval: .milliseconds(100), timeout: Self.short)
    try await RawPeer.expectServerCloses(.prefaceThenDeaf, configuration: configuration, with: .keepaliveTimeout)
  }

  @Test("a header block that never completes does not hold the connection open past the idle timeout")
  func incompleteHeaderBlock() async throws {
    var configuration = HTTP2Configuration.test
    configuration.idleTimeout = Self.short
    try await RawPeer.expectServerCloses(.incompleteHeaders, configuration: configuration, with: .idleTimeout)
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
}

import NIOCore
import SlipstreamHTTP2
import Testing

@testable import SlipstreamHTTP2

/// nghttp2's hardening limits, as set by our configuration, against abusive raw peers.
@Suite("Hardening against abusive peers")
struct HardeningTests {
  @Test("every hardening option is available in the installed nghttp2 (Debian 12 backports them into 1.52.0)")
  func hardeningOptionsPresent() throws {
    let pair = try EmbeddedPair()
    #expect(pair.serverHandler.missingHardeningOptions == [])
  }

  @Test("more CONTINUATION frames than maxContinuations close the connection with .protocolError")
  func continuationFlood() async throws {
    try await RawPeer.expectServerCloses(.continuationFlood, with: .protocolError)
  }

  /// The same peer script stays connected under the default limit (`resetsWithinLimit`), so the
  /// close here is the rate limit's doing.
  @Test("RST_STREAMs beyond the reset rate limit close the connection")
  func rapidReset() async throws {
    var configuration = HTTP2Configuration.test
    configuration.streamResetRateLimit = .init(burst: 5, ratePerSecond: 1)
    try await RawPeer.expectServerCloses(.rapidReset, configuration: configuration, behaviour: .record, with: .protocolError)
  }

  @Test("a peer within the reset rate limit keeps its connection")
  func resetsWithinLimit() async throws {
    let server = try await ServerHarness.start(behaviour: .record)  // default burst 1000
    let peer = try await RawPeer.connect(port: server.port, script: .rapidReset)
    try await server.recorder.wait(for: "20 streams reset") { snapshot in
      (0..<20).allSatisfy { snapshot.closed(Int32(2 * $0 + 1)) == .cancel }
    }
    #expect(!server.recorder.snapshot.isConnectionClosed)
    try await peer.close()
    try await server.stop()
  }
}

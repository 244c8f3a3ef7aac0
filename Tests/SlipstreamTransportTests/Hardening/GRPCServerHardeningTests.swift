import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamTransport
import Testing

/// A real `GRPCServer` on loopback attacked by `python/attack.py`. Each test checks the
/// response the attack gets and that a well-behaved client, connected before the attack,
/// is still served after it. (A message over the receive limit is covered by
/// `GRPCTransportTests.messageOverTheReceiveLimitIsResourceExhaustedAndTheConnectionStaysUp`.)
/// Every attack that costs the attacker its connection leaves one `notice` log line naming
/// the peer and the reason.
@Suite("gRPC server under attack")
struct GRPCServerHardeningTests {
  let codec = StringCodec()

  /// Runs `attack` against a fresh server with a bystander client served before and after it.
  /// The server logs into `log`.
  private func underAttack(
    overTLS: Bool = false,
    log: LogCapture = LogCapture(),
    configure: (inout GRPCServerConfiguration) -> Void = { _ in },
    _ attack: (Int) async throws -> Void
  ) async throws {
    // Over TLS the bystander client uses TLS too (certificates from a fresh test CA).
    let pki = overTLS ? try TestPKI() : nil
    let security: ServerSecurity = try pki.map { .tls(try $0.serverTLS()) } ?? .plaintext
    let clientSecurity: ClientSecurity = try pki.map { .tls(try $0.clientTLS()) } ?? .plaintext
    let configureWithLog: (inout GRPCServerConfiguration) -> Void = { configuration in
      configuration.logger = log.logger
      configure(&configuration)
    }
    try await withServer(security: security, clientSecurity: clientSecurity, configure: configureWithLog) { rpc, _, port in
      let before = try await rpc.unary(Test.echo, request: "before", serializer: codec, deserializer: codec)
      #expect(before.message == "before")
      try await attack(port)
      let after = try await rpc.unary(Test.echo, request: "after", serializer: codec, deserializer: codec)
      #expect(after.message == "after", "a bystander client must still be served after the attack")
    }
  }

  /// CVE-2023-44487. The refill rate is 1/s here (default 33/s) so the count at which the
  /// GOAWAY comes does not depend on how fast the script runs.
  @Test("rapid reset: HEADERS + RST_STREAM in a loop gets GOAWAY(INTERNAL_ERROR) after the 1,000-reset burst")
  func rapidReset() async throws {
    let log = LogCapture()
    try await underAttack(log: log, configure: { $0.http2.streamResetRateLimit = .init(burst: 1000, ratePerSecond: 1) }) { port in
      let report = try await AttackPeer.run("rapid-reset", port: port, count: 3000)
      #expect(report.goaway == AttackPeer.ErrorCode.internalError, "\(report)")
      #expect(report.closed, "\(report)")
      // The GOAWAY's last stream is the one whose reset broke the limit.
      let resetsAtGoaway = Int((report.lastStream ?? 0) + 1) / 2
      #expect((1001...1100).contains(resetsAtGoaway), "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("GOAWAY(INTERNAL_ERROR)") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("a header block of HEADERS + 8 CONTINUATIONs (the limit) is served")
  func continuationsWithinLimit() async throws {
    try await underAttack { port in
      let report = try await AttackPeer.run("continuations", port: port, count: 8)
      #expect(report.grpcStatus == 0, "\(report)")
      #expect(!report.closed, "\(report)")
    }
  }

  /// CVE-2024-28182: nghttp2 fails the session at once (no GOAWAY) and the connection closes.
  @Test("CONTINUATION flood: more than 8 CONTINUATION frames close the connection", arguments: [9, 100])
  func continuationFlood(continuations: Int) async throws {
    let log = LogCapture()
    try await underAttack(log: log) { port in
      let report = try await AttackPeer.run("continuations", port: port, count: continuations)
      #expect(report.closed, "\(report)")
      #expect(report.grpcStatus == nil, "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("Too many CONTINUATION frames") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("a header list over 8 KiB resets its stream with ENHANCE_YOUR_CALM; the same connection then serves a call")
  func oversizedHeaderList() async throws {
    try await underAttack { port in
      let report = try await AttackPeer.run("big-header", port: port)
      #expect(report.resets["1"] == AttackPeer.ErrorCode.enhanceYourCalm, "\(report)")
      #expect(report.goaway == nil, "\(report)")
      #expect(report.grpcStatus == 0, "\(report)")
    }
  }

  /// Each PING and SETTINGS frame needs an ACK; the server stops writing to a peer that does
  /// not read, so nghttp2 queues them until `maxOutboundAck` (1,000) and then fails the session.
  @Test("PING and SETTINGS floods from a peer that never reads are cut off", arguments: ["ping-flood", "settings-flood"])
  func floodWithoutReading(mode: String) async throws {
    let log = LogCapture()
    try await underAttack(log: log) { port in
      let report = try await AttackPeer.run(mode, port: port, count: 2_000_000)
      #expect(report.closed, "\(report)")
      #expect(!report.blocked, "the server must keep reading and cut the peer off: \(report)")
      #expect(report.sent < 2_000_000, "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("Flooding was detected") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("a peer that reads gets an ACK for each of 5,000 PINGs and keeps its connection")
  func pingsFromAReadingPeer() async throws {
    try await underAttack { port in
      let report = try await AttackPeer.run("pings-reading", port: port, count: 5000)
      #expect(report.sent == 5000, "\(report)")
      #expect(report.acks == 5001, "5,000 PING ACKs + 1 SETTINGS ACK: \(report)")
      #expect(!report.closed, "\(report)")
    }
  }

  @Test("a SETTINGS frame with 32 entries (the limit) is acknowledged")
  func settingsEntriesWithinLimit() async throws {
    try await underAttack { port in
      let report = try await AttackPeer.run("settings-entries", port: port, count: 32)
      #expect(report.acks == 1, "\(report)")
      #expect(!report.closed, "\(report)")
    }
  }

  @Test("a SETTINGS frame with more than 32 entries gets GOAWAY(ENHANCE_YOUR_CALM)")
  func tooManySettings() async throws {
    let log = LogCapture()
    try await underAttack(log: log) { port in
      let report = try await AttackPeer.run("settings-entries", port: port, count: 33)
      #expect(report.goaway == AttackPeer.ErrorCode.enhanceYourCalm, "\(report)")
      #expect(report.acks == 0, "\(report)")
      #expect(report.closed, "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("GOAWAY(ENHANCE_YOUR_CALM)") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("a peer that never sends the client preface gets GOAWAY(SETTINGS_TIMEOUT) and is closed")
  func silentPeer() async throws {
    let log = LogCapture()
    // Not shorter: the timeout applies to the bystander client's connection too, and on a
    // loaded machine its SETTINGS ACK can take a few hundred milliseconds.
    try await underAttack(log: log, configure: { $0.http2.settingsTimeout = .seconds(1) }) { port in
      let report = try await AttackPeer.run("silent", port: port)
      #expect(report.goaway == AttackPeer.ErrorCode.settingsTimeout, "\(report)")
      #expect(report.closed, "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("did not arrive within the SETTINGS timeout") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  /// Bytes that are not HTTP/2 (`garbage`) or another protocol a client sends by mistake
  /// (`http1`: an HTTP/1.1 request): a clean close, and a log line that says which.
  @Test(
    "garbage bytes and an HTTP/1.1 request to the plaintext port: clean close, and the log says what came",
    arguments: [
      ("garbage", "bad client magic"),
      ("http1", "the peer sent an HTTP/1.x request (GET /health HTTP/1.1…); gRPC needs HTTP/2"),
    ])
  func notHTTP2ToPlaintext(mode: String, logged: String) async throws {
    let log = LogCapture()
    try await underAttack(log: log) { port in
      let report = try await AttackPeer.run(mode, port: port)
      #expect(report.closed, "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains(logged) && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("a TLS ClientHello to the plaintext port: the handshake fails and the connection closes")
  func tlsToPlaintext() async throws {
    let log = LogCapture()
    try await underAttack(log: log) { port in
      let report = try await AttackPeer.run("tls-to-plaintext", port: port)
      #expect(report.closed, "\(report)")
      #expect(report.handshake != "succeeded", "\(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(
        line.contains("the peer started a TLS handshake on this plaintext (h2c) port") && line.contains("peer=ipv4:127.0.0.1:"),
        "\(line)")
    }
  }

  @Test("a client that closes TCP without a TLS close_notify (grpcio, Go) is logged at debug, not as a notice")
  func uncleanTLSCloseIsNotANotice() async throws {
    let log = LogCapture()
    try await underAttack(overTLS: true, log: log) { port in
      let report = try await AttackPeer.run("tls-unclean-close", port: port)
      #expect(report.grpcStatus == 0, "\(report)")
      // The bystander client stays connected until the attack is over, so the first
      // "connection closed" line is the attacker's, at whichever level it was logged.
      let line = await log.line { $0.contains("connection closed") }
      #expect(line.hasPrefix("debug connection closed:") && line.contains("close_notify"), "\(line)")
      #expect(line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }

  @Test("plaintext HTTP/2 to the TLS port: clean close")
  func plaintextToTLS() async throws {
    let log = LogCapture()
    try await underAttack(overTLS: true, log: log) { port in
      let report = try await AttackPeer.run("h2c-to-tls", port: port)
      #expect(report.closed, "\(report)")
      #expect(report.goaway == nil, "no HTTP/2 frame may come back in plaintext: \(report)")
      let line = await log.line { $0.hasPrefix("notice connection closed") }
      // The server says what happened, and to whom.
      #expect(line.contains("the peer did not speak TLS") && line.contains("peer=ipv4:127.0.0.1:"), "\(line)")
    }
  }
}

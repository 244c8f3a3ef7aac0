import Foundation
import SlipstreamAlpaca
import SlipstreamDomain
import SlipstreamTLS
import Testing

/// The stream against the stand-in server (python/alpaca_standin.py), which follows Alpaca's
/// documented protocol.
@Suite("Alpaca stream against the stand-in", .enabled(if: StandIn.available))
struct AlpacaMarketDataStreamTests {
  static let receiveTime = Timestamp(nanosecondsSinceEpoch: 7)
  /// 2024-03-05T15:04:05Z.
  static let eventSeconds: Int64 = 1_709_651_045

  private static func makeStream(
    _ standIn: StandIn, key: String = "key", secret: String = "secret",
    configure: (inout AlpacaStreamConfiguration) -> Void = { _ in }
  ) throws -> AlpacaMarketDataStream {
    var configuration = try AlpacaStreamConfiguration(url: standIn.url, keyID: key, secret: secret)
    configuration.reconnect = .init(initial: .milliseconds(10), maximum: .milliseconds(100), maximumAttempts: 20)
    configure(&configuration)
    return try AlpacaMarketDataStream(configuration: configuration, clock: { Self.receiveTime })
  }

  /// Starts a stand-in accepting `key`/`secret`, connects a stream to it, runs `body`, closes.
  private static func withSession(
    configure: (inout AlpacaStreamConfiguration) -> Void = { _ in },
    _ body: (StandIn, AlpacaMarketDataStream, EventCollector) async throws -> Void
  ) async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    let stream = try makeStream(standIn, configure: configure)
    let events = EventCollector(stream.events)
    try await stream.connect()
    try await body(standIn, stream, events)
    await stream.close()
    #expect(try await events.isFinished())
  }

  private static func quote(
    _ symbol: String, _ bid: Price, _ bidSize: Quantity, _ ask: Price, _ askSize: Quantity, nanos: Int64
  ) throws -> AlpacaStreamEvent {
    .quote(
      Quote(
        symbol: try Symbol(symbol), bid: bid, ask: ask, bidSize: bidSize, askSize: askSize,
        eventTime: Timestamp(nanosecondsSinceEpoch: Self.eventSeconds * 1_000_000_000 + nanos),
        receiveTime: Self.receiveTime))
  }

  @Test("connect, authenticate, subscribe three symbols and receive exact quotes")
  func happyPath() async throws {
    try await Self.withSession { standIn, stream, events in
      let subscription = try await stream.subscribe(quotes: ["AAPL", "msft", "BRK.B"])
      #expect(subscription == AlpacaSubscription(quotes: ["AAPL", "MSFT", "BRK.B"]))
      // One batched frame; IBM is not subscribed and is not sent.
      try await standIn.command(
        "quotes AAPL:123.45:2:123.47:1:2024-03-05T15:04:05.123456789Z IBM:1:1:2:2:2024-03-05T15:04:05Z "
          + "MSFT:1e-3:100:0.0001:5e2:2024-03-05T15:04:05.5Z BRK.B:410:3:410.0100:4:2024-03-05T15:04:05Z")
      #expect(try await events.next() == Self.quote("AAPL", "123.45", 2, "123.47", 1, nanos: 123_456_789))
      #expect(try await events.next() == Self.quote("MSFT", "0.001", 100, "0.0001", 500, nanos: 500_000_000))
      #expect(try await events.next() == Self.quote("BRK.B", "410", 3, "410.01", 4, nanos: 0))
      #expect(await stream.malformedMessageCount == 0)
      #expect(await stream.subscription.quotes == ["AAPL", "MSFT", "BRK.B"])
    }
  }

  @Test("over TLS (wss://, ALPN http/1.1) with a verified server certificate")
  func secure() async throws {
    let authority = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Stand-in CA")
    let server = try authority.issue(commonName: "localhost", dnsNames: ["localhost"], usage: .server)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alpaca-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let files = try server.writeFiles(to: directory, name: "server")
    let standIn = try await StandIn.start(keys: ["key": "secret"], tls: files)
    defer { standIn.stop() }
    let stream = try Self.makeStream(standIn) { $0.tls = AlpacaStreamConfiguration.defaultTLS(trustRoots: authority.certificate) }
    let events = EventCollector(stream.events)
    try await stream.connect()
    _ = try await stream.subscribe(quotes: ["AAPL"])
    try await standIn.command("quotes AAPL:1:1:2:1:2024-03-05T15:04:05Z")
    #expect(try await events.next() == Self.quote("AAPL", 1, 1, 2, 1, nanos: 0))
    await stream.close()

    // A server certificate from an authority the client does not trust is refused.
    let other = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Other CA")
    let untrusting = try Self.makeStream(standIn) { $0.tls = AlpacaStreamConfiguration.defaultTLS(trustRoots: other.certificate) }
    do {
      try await untrusting.connect()
      Issue.record("connected to a server it should not trust")
    } catch {
      guard case .connectFailed(let reason) = error else {
        Issue.record("expected connectFailed, got \(error)")
        return
      }
      #expect(reason.contains("certificate verification failed"), "\(reason)")
    }
    await untrusting.close()
  }

  @Test("a wrong secret is Alpaca's 402 auth failed")
  func authFailed() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    let stream = try Self.makeStream(standIn, secret: "wrong")
    await #expect(throws: AlpacaStreamError.server(code: .authFailed, message: "auth failed")) {
      try await stream.connect()
    }
    await #expect(throws: AlpacaStreamError.notConnected) { try await stream.subscribe(quotes: ["AAPL"]) }
    await stream.close()
  }

  @Test("a second session on the same key is Alpaca's 406 connection limit exceeded")
  func connectionLimit() async throws {
    try await Self.withSession { standIn, first, _ in
      let second = try Self.makeStream(standIn)
      await #expect(throws: AlpacaStreamError.server(code: .connectionLimitExceeded, message: "connection limit exceeded")) {
        try await second.connect()
      }
      await second.close()
      // The first session is unaffected.
      #expect(try await first.subscribe(quotes: ["AAPL"]).quotes == ["AAPL"])
      #expect(try await standIn.command("sessions") == ["sessions 1"])
    }
  }

  @Test("the 31st symbol is Alpaca's 405 symbol limit exceeded and leaves the subscription unchanged")
  func symbolLimit() async throws {
    try await Self.withSession { _, stream, _ in
      let thirty = Self.tickers(30)
      #expect(try await stream.subscribe(quotes: thirty).quotes == thirty)
      await #expect(throws: AlpacaStreamError.server(code: .symbolLimitExceeded, message: "symbol limit exceeded")) {
        try await stream.subscribe(quotes: ["ZZZZ"])
      }
      #expect(await stream.subscription.quotes == thirty)
      // The session goes on: freeing one symbol makes room.
      _ = try await stream.unsubscribe(quotes: [thirty[0]])
      #expect(try await stream.subscribe(quotes: ["ZZZZ"]).quotes == Array(thirty.dropFirst()) + ["ZZZZ"])
    }
  }

  @Test("a request on a session the server no longer counts as authenticated is Alpaca's 401")
  func notAuthenticated() async throws {
    try await Self.withSession { standIn, stream, _ in
      try await standIn.command("unauth")
      await #expect(throws: AlpacaStreamError.server(code: .notAuthenticated, message: "not authenticated")) {
        try await stream.subscribe(quotes: ["AAPL"])
      }
    }
  }

  @Test("concurrent requests are answered in order")
  func concurrentRequests() async throws {
    try await Self.withSession { _, stream, _ in
      async let first = stream.subscribe(quotes: ["AAPL"])
      async let second = stream.subscribe(quotes: ["MSFT"])
      let replies = try await [first.quotes, second.quotes]
      // Whichever was sent first got the one-symbol reply; both end with both symbols.
      #expect(replies.contains { $0.count == 1 })
      #expect(replies.contains { Set($0) == ["AAPL", "MSFT"] })
      #expect(Set(await stream.subscription.quotes) == ["AAPL", "MSFT"])
    }
  }

  @Test("after unsubscribe the symbol's quotes stop")
  func unsubscribe() async throws {
    try await Self.withSession { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL", "MSFT"])
      #expect(try await stream.unsubscribe(quotes: ["MSFT"]).quotes == ["AAPL"])
      try await standIn.command("quotes MSFT:1:1:2:1:2024-03-05T15:04:05Z")
      try await standIn.command("quotes MSFT:1:1:2:1:2024-03-05T15:04:05Z AAPL:10:1:11:1:2024-03-05T15:04:05.000000001Z")
      // Frames arrive in order: had MSFT's quotes been sent, they would come before this one.
      #expect(try await events.next() == Self.quote("AAPL", 10, 1, 11, 1, nanos: 1))
    }
  }

  @Test("when the server drops the connection the stream reconnects and resubscribes")
  func reconnect() async throws {
    try await Self.withSession { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL", "MSFT"])
      try await standIn.command("drop")
      guard case .disconnected(reason: .connectionLost) = try await events.next() else {
        Issue.record("expected a disconnect first")
        return
      }
      #expect(try await events.next() == .reconnected(AlpacaSubscription(quotes: ["AAPL", "MSFT"])))
      #expect(try await standIn.command("sessions") == ["sessions 1"])
      try await standIn.command("quotes MSFT:1.5:1:1.6:2:2024-03-05T15:04:05Z")
      #expect(try await events.next() == Self.quote("MSFT", "1.5", 1, "1.6", 2, nanos: 0))
      #expect(try await stream.subscribe(quotes: ["IBM"]).quotes == ["AAPL", "MSFT", "IBM"])
    }
  }

  @Test("resubscribing after a reconnect stays within the per-request symbol limit")
  func reconnectInChunks() async throws {
    try await Self.withSession(configure: { $0.maximumSymbolsPerRequest = 2 }) { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL", "MSFT"])
      _ = try await stream.subscribe(quotes: ["IBM", "ORCL"])
      _ = try await stream.subscribe(quotes: ["TSLA"])
      try await standIn.command("drop")
      guard case .disconnected = try await events.next() else {
        Issue.record("expected a disconnect first")
        return
      }
      #expect(try await events.next() == .reconnected(AlpacaSubscription(quotes: ["AAPL", "MSFT", "IBM", "ORCL", "TSLA"])))
      // The new session was resubscribed with requests of at most two symbols.
      #expect(try await standIn.command("requests") == ["requests 2,2,1"])
    }
  }

  @Test("a close frame from the server is a disconnect with its code, then a reconnect")
  func serverClose() async throws {
    try await Self.withSession { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL"])
      try await standIn.command("close 1001 going away")
      #expect(
        try await events.next()
          == .disconnected(reason: .connectionLost("the server closed the websocket (goingAway, 'going away')")))
      #expect(try await events.next() == .reconnected(AlpacaSubscription(quotes: ["AAPL"])))
    }
  }

  @Test("fragmented messages are reassembled, and pings are answered")
  func fragmentsAndPings() async throws {
    try await Self.withSession { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL"])
      try await standIn.command(
        #"fragments 4 [{"T":"q","S":"AAPL","bp":187.5,"bs":3,"ap":187.52,"as":9,"t":"2024-03-05T15:04:05.25Z"}]"#)
      #expect(try await events.next() == Self.quote("AAPL", "187.5", 3, "187.52", 9, nanos: 250_000_000))
      #expect(try await standIn.command("ping") == ["pong"])
    }
  }

  @Test("reconnection gives up on an error retrying cannot fix (402 after the key was revoked)")
  func reconnectGivesUp() async throws {
    try await Self.withSession { standIn, stream, events in
      try await standIn.command("revoke key")
      try await standIn.command("drop")
      guard case .disconnected = try await events.next() else {
        Issue.record("expected a disconnect first")
        return
      }
      let refused = AlpacaStreamError.server(code: .authFailed, message: "auth failed")
      #expect(try await events.next() == .reconnectFailed(attempt: 1, error: refused))
      #expect(try await events.next() == .gaveUp(refused))
      await #expect(throws: AlpacaStreamError.notConnected) { try await stream.subscribe(quotes: ["AAPL"]) }
    }
  }

  @Test("malformed messages are counted and reported, and the stream goes on")
  func malformed() async throws {
    try await Self.withSession { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL"])
      try await standIn.command(
        #"raw [{"T":"q","S":"AAPL","bp":"1.00","bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"},"#
          + #"{"T":"q","S":"AAPL","bp":1,"bs":1,"ap":1.01,"as":1,"t":"2024-03-05T15:04:05Z"}]"#)
      #expect(
        try await events.next()
          == .malformedMessage(AlpacaMessageError(messageType: "q", symbol: "AAPL", reason: "field 'bp' is a string, not a number")))
      #expect(try await events.next() == Self.quote("AAPL", 1, 1, "1.01", 1, nanos: 0))
      try await standIn.command("raw garbage")
      #expect(
        try await events.next()
          == .malformedMessage(AlpacaMessageError(messageType: nil, symbol: nil, reason: "invalid JSON at byte 0: unexpected character")))
      #expect(await stream.malformedMessageCount == 2)
    }
  }

  @Test("a server error that answers no request is an event")
  func unsolicitedError() async throws {
    try await Self.withSession { standIn, stream, events in
      #expect(await stream.isConnected)
      try await standIn.command("error 500 internal error")
      #expect(try await events.next() == .error(.server(code: .internalError, message: "internal error")))
      try await standIn.command("error 407 slow client")
      #expect(try await events.next() == .error(.server(code: .slowClient, message: "slow client")))
    }
  }

  @Test("a message over the size limit ends the session, which is then re-established")
  func messageSizeLimit() async throws {
    try await Self.withSession(configure: { $0.maximumMessageSize = 1024 }) { standIn, stream, events in
      _ = try await stream.subscribe(quotes: ["AAPL"])
      try await standIn.command("raw [" + String(repeating: " ", count: 2048) + "]")
      #expect(
        try await events.next()
          == .disconnected(reason: .connectionLost("the server sent a message larger than the limit of 1024 bytes")))
      #expect(try await events.next() == .reconnected(AlpacaSubscription(quotes: ["AAPL"])))
    }
  }

  @Test("a server that never sends its welcome fails connect within the time limit")
  func welcomeTimeout() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    try await standIn.command("mute")
    let stream = try Self.makeStream(standIn) { $0.authenticationTimeout = .milliseconds(200) }
    await #expect(throws: AlpacaStreamError.timedOut(step: .welcome, after: .milliseconds(200))) {
      try await stream.connect()
    }
    await stream.close()
  }

  @Test("local checks: request size, symbols, state")
  func localChecks() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    let stream = try Self.makeStream(standIn) { $0.maximumSymbolsPerRequest = 5 }
    await #expect(throws: AlpacaStreamError.notConnected) { try await stream.subscribe(quotes: ["AAPL"]) }
    try await stream.connect()
    try await stream.connect()  // already connected: no-op
    await #expect(throws: AlpacaStreamError.tooManySymbols(count: 6, maximum: 5)) {
      try await stream.subscribe(quotes: Self.tickers(6))
    }
    await #expect(throws: AlpacaStreamError.tooManySymbols(count: 0, maximum: 5)) { try await stream.subscribe(quotes: []) }
    await #expect(throws: AlpacaStreamError.invalidSymbol("EUR/USD", .unrecognized(symbol: "EUR/USD"))) {
      try await stream.subscribe(quotes: ["EUR/USD"])
    }
    await #expect(throws: AlpacaStreamError.invalidSymbol("", .empty)) { try await stream.unsubscribe(quotes: [""]) }
    await stream.close()
    await stream.close()  // idempotent
    await #expect(throws: AlpacaStreamError.closed) { try await stream.subscribe(quotes: ["AAPL"]) }
    await #expect(throws: AlpacaStreamError.closed) { try await stream.connect() }
  }

  @Test("nothing listening is a connect failure")
  func connectFailure() async throws {
    let configuration = try AlpacaStreamConfiguration(url: "ws://127.0.0.1:1/v2/iex", keyID: "k", secret: "s")
    let stream = try AlpacaMarketDataStream(configuration: configuration)
    do {
      try await stream.connect()
      Issue.record("connected to a port nothing listens on")
    } catch {
      guard case .connectFailed = error else {
        Issue.record("expected connectFailed, got \(error)")
        return
      }
    }
    await stream.close()
  }

  /// `count` distinct equity tickers: AA, AB, …
  static func tickers(_ count: Int) -> [String] {
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (0..<count).map { String([letters[$0 / 26], letters[$0 % 26]]) }
  }
}

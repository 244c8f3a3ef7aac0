import NIOCore
import NIOEmbedded
import SlipstreamHTTP2
import Testing

/// Handler behaviour on EmbeddedChannels: deterministic ordering of bytes and virtual time.
@Suite("Connection handler on embedded channels")
struct EmbeddedConnectionTests {
  @Test("graceful shutdown: a stream that crosses the final GOAWAY is refused; the in-flight one completes; then both sides close")
  func gracefulShutdownRefusesLateStream() throws {
    let pair = try EmbeddedPair()
    try pair.pump()
    let first = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
    try pair.clientHandler.sendData(first, .pattern(count: 10), endStream: false)
    try pair.pump()
    #expect(pair.serverRecorder.snapshot.bodies[first.rawValue]?.count == 10)

    pair.serverHandler.beginGracefulShutdown()
    #expect(pair.serverHandler.isGoingAway)
    pair.loop.run()  // notice GOAWAY + PING wait in the server's outbound buffer
    let late = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: true)
    pair.loop.run()
    // No PING ACK comes back in time: the final GOAWAY (last stream = first) goes out on the timer.
    pair.loop.advanceTime(by: TimeAmount(HTTP2Configuration.test.settingsTimeout))
    try pair.deliverToServer()  // the late HEADERS arrive after the final GOAWAY
    #expect(!pair.serverRecorder.snapshot.events.contains(.opened(late.rawValue, endStream: true)))

    try pair.pump()
    let client = pair.clientRecorder.snapshot
    #expect(client.events.contains(.goAway(last: HTTP2StreamID.maxID.rawValue, .noError)))
    #expect(client.events.contains(.goAway(last: first.rawValue, .noError)))
    #expect(client.closed(late.rawValue) == .refusedStream)
    #expect(client.closed(first.rawValue) == nil)
    #expect(pair.server.isActive)

    try pair.clientHandler.sendData(first, .pattern(from: 10, count: 10), endStream: true)
    try pair.pump()
    #expect(pair.clientRecorder.snapshot.closed(first.rawValue) == .noError)
    #expect(pair.clientRecorder.snapshot.bodies[first.rawValue] == Pattern.bytes(from: 0, count: 20))
    #expect(pair.serverRecorder.snapshot.closed(first.rawValue) == .noError)
    #expect(!pair.server.isActive)
    #expect(!pair.client.isActive)
    #expect(pair.serverRecorder.snapshot.connectionCloseCode == .some(nil))
    #expect(pair.clientRecorder.snapshot.connectionCloseCode == .some(nil))
  }

  @Test("a stream arriving in the same read as the PING ACK that triggers the final GOAWAY is refused, not processed")
  func streamRacingTheFinalGoAwayIsRefused() throws {
    let pair = try EmbeddedPair(serverBehaviour: .record)
    try pair.pump()
    let first = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: false)
    try pair.pump()
    pair.serverHandler.beginGracefulShutdown()
    pair.loop.run()
    _ = try pair.outboundWrites(pair.server)  // notice GOAWAY + PING, never delivered

    // One read: the PING ACK (the final GOAWAY is submitted while parsing it) and a new stream 3
    // (HPACK from the static table only, so the server's decoder state is untouched).
    let payload = withUnsafeBytes(of: HTTP2ConnectionStateMachineProbe.shutdownPingPayload.bigEndian) { Array($0) }
    let bytes = RawPeer.Script.frame(type: 6, flags: 1, stream: 0, payload: payload)
      + RawPeer.Script.frame(type: 1, flags: 0x5, stream: 3, payload: [0x82, 0x86, 0x84, 0x01, 0x01, 0x61])
    try pair.server.writeInbound(ByteBuffer(bytes: bytes))
    pair.server.pipeline.fireChannelReadComplete()
    pair.loop.run()

    #expect(!pair.serverRecorder.snapshot.events.contains(.opened(3, endStream: true)))
    let frames = WireFrame.parse(try pair.outboundWrites(pair.server))
    let goAway = try #require(frames.first { $0.type == 7 })
    #expect(Array(goAway.payload.prefix(4)) == [0, 0, 0, UInt8(first.rawValue)])  // last stream id = first
    #expect(frames.contains(WireFrame(type: WireFrame.rstStream, flags: 0, stream: 3, payload: [0, 0, 0, 7])))
  }

  @Test("client streams queued behind MAX_CONCURRENT_STREAMS when a GOAWAY arrives close with REFUSED_STREAM")
  func queuedStreamsRefusedOnGoAway() throws {
    var serverConfiguration = HTTP2Configuration.test
    serverConfiguration.maxConcurrentStreams = 1
    let pair = try EmbeddedPair(server: serverConfiguration)
    try pair.pump()
    let ids = try (0..<3).map { _ in try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false) }
    try pair.pump()
    #expect(pair.serverRecorder.snapshot.events.filter { if case .opened = $0 { true } else { false } } == [.opened(ids[0].rawValue, endStream: false)])
    pair.serverHandler.beginGracefulShutdown()
    try pair.pump()
    try pair.clientHandler.sendData(ids[0], .pattern(count: 3), endStream: true)
    try pair.pump()
    let client = pair.clientRecorder.snapshot
    #expect(client.closed(ids[0].rawValue) == .noError)
    #expect(client.closed(ids[1].rawValue) == .refusedStream)
    #expect(client.closed(ids[2].rawValue) == .refusedStream)
    #expect(pair.clientHandler.openStreamCount == 0)
    #expect(!pair.client.isActive)
  }

  @Test("bytes a closed stream never consumed go back to the connection window")
  func unconsumedBytesReturnToConnectionWindow() throws {
    var clientConfiguration = HTTP2Configuration.test
    clientConfiguration.initialStreamWindowSize = 256 << 10
    clientConfiguration.connectionWindowSize = 256 << 10
    let pair = try EmbeddedPair(client: clientConfiguration)
    pair.clientDelegate.autoConsume = false
    try pair.pump()
    let size = 200 << 10
    for _ in 0..<2 {
      // Each stream alone fits the connection window; both only if the first one's bytes come back.
      let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/push/\(size)"), endStream: true)
      try pair.pump()
      #expect(pair.clientRecorder.snapshot.bodies[id.rawValue]?.count == size)
      #expect(pair.clientRecorder.snapshot.closed(id.rawValue) == .noError)
    }
  }

  @Test("the idle timer does not fire while a stream is open, and fires one idle period after the last stream ends")
  func idleTimerWaitsForStreams() throws {
    var serverConfiguration = HTTP2Configuration.test
    serverConfiguration.idleTimeout = .seconds(1)
    let pair = try EmbeddedPair(server: serverConfiguration)
    try pair.pump()
    let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
    try pair.pump()
    pair.loop.advanceTime(by: .seconds(5))
    try pair.pump()
    #expect(pair.server.isActive)

    try pair.clientHandler.sendData(id, ByteBuffer(), endStream: true)
    try pair.pump()
    #expect(pair.serverRecorder.snapshot.closed(id.rawValue) == .noError)
    pair.loop.advanceTime(by: .milliseconds(999))
    #expect(pair.server.isActive)
    pair.loop.advanceTime(by: .milliseconds(1))
    try pair.pump()
    #expect(!pair.server.isActive)
    #expect(pair.serverRecorder.snapshot.connectionCloseCode == .some(.idleTimeout))
    #expect(pair.clientRecorder.snapshot.events.contains(.goAway(last: id.rawValue, .noError)))
  }

  @Test("keepalive PINGs that are acknowledged keep the connection open")
  func keepaliveAcknowledged() throws {
    var clientConfiguration = HTTP2Configuration.test
    clientConfiguration.keepalive = .init(interval: .seconds(1), timeout: .milliseconds(500))
    let pair = try EmbeddedPair(client: clientConfiguration)
    try pair.pump()
    pair.loop.advanceTime(by: .seconds(1))  // the first PING is due
    for _ in 0..<3 {
      try pair.pump()  // PING out, ACK back
      pair.loop.advanceTime(by: .milliseconds(500))  // its ACK timeout passes
      #expect(pair.client.isActive)
      pair.loop.advanceTime(by: .milliseconds(500))  // the next PING is due
    }
  }

  @Test("ping() without an ACK closes the connection after the timeout with .keepaliveTimeout")
  func pingUnanswered() throws {
    let pair = try EmbeddedPair()
    try pair.pump()
    pair.clientHandler.ping()
    pair.loop.run()  // the PING waits in the client's outbound buffer: never delivered
    pair.loop.advanceTime(by: TimeAmount(HTTP2Configuration.test.settingsTimeout))
    #expect(!pair.client.isActive)
    #expect(pair.clientRecorder.snapshot.connectionCloseCode == .some(.keepaliveTimeout))
  }

  @Test("many commands in one event-loop tick go out as one write")
  func oneWritePerTick() throws {
    let pair = try EmbeddedPair()
    try pair.pump()
    for index in 0..<10 {
      let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
      try pair.clientHandler.sendData(id, .pattern(from: index, count: 100), endStream: true)
    }
    pair.loop.run()
    #expect(try pair.outboundWrites(pair.client).count == 1)
  }

  @Test("request trailers reach the server as http2HeadersReceived(endStream: true)")
  func requestTrailers() throws {
    let pair = try EmbeddedPair()
    try pair.pump()
    let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
    try pair.clientHandler.sendData(id, .pattern(count: 5), endStream: false)
    let trailers = [HTTP2HeaderField(name: "x-client-trailer", value: "yes")]
    try pair.clientHandler.sendTrailers(id, headers: trailers)
    try pair.pump()
    let server = pair.serverRecorder.snapshot
    #expect(server.events.contains(.headers(id.rawValue, endStream: true)))
    #expect(server.headers[id.rawValue]?.last == trailers)
    #expect(pair.clientRecorder.snapshot.closed(id.rawValue) == .noError)
  }

  @Test("a trailers-only response (sendHeaders endStream) opens and ends the client's stream at once")
  func trailersOnlyResponse() throws {
    let pair = try EmbeddedPair(serverBehaviour: .record)
    try pair.pump()
    let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: true)
    try pair.pump()
    try pair.serverHandler.sendHeaders(id, headers: [.init(name: ":status", value: "200"), .init(name: "grpc-status", value: "12")], endStream: true)
    try pair.pump()
    let client = pair.clientRecorder.snapshot
    #expect(client.events.contains(.opened(id.rawValue, endStream: true)))
    #expect(client.headers[id.rawValue]?.first?.last == HTTP2HeaderField(name: "grpc-status", value: "12"))
    #expect(client.closed(id.rawValue) == .noError)
    #expect(pair.serverHandler.openStreamCount == 0)
  }

  @Test("streams open when the connection closes get http2StreamClosed(.cancel) before http2ConnectionClosed")
  func connectionLossClosesStreams() throws {
    let pair = try EmbeddedPair()
    try pair.pump()
    let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
    try pair.pump()
    _ = try pair.client.close().wait()
    let events = pair.clientRecorder.snapshot.events
    #expect(Array(events.suffix(2)) == [.closed(id.rawValue, .cancel), .connectionClosed(nil)])
  }

  @Test("writability: crossing the high watermark reports false, draining below the low one reports true")
  func writabilityEvents() throws {
    var clientConfiguration = HTTP2Configuration.test
    clientConfiguration.outboundBufferHighWatermark = 1000
    clientConfiguration.outboundBufferLowWatermark = 100
    let pair = try EmbeddedPair(client: clientConfiguration)
    try pair.pump()
    let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
    #expect(try pair.clientHandler.sendData(id, .pattern(count: 999), endStream: false) == 999)
    #expect(pair.clientHandler.isWritable(id))
    #expect(try pair.clientHandler.sendData(id, .pattern(from: 999, count: 1), endStream: false) == 1000)
    #expect(!pair.clientHandler.isWritable(id))
    #expect(pair.clientRecorder.snapshot.events.last == .writability(id.rawValue, false))
    try pair.pump()
    #expect(pair.clientHandler.bufferedBytes(id) == 0)
    #expect(pair.clientRecorder.snapshot.events.contains(.writability(id.rawValue, true)))
    #expect(pair.serverRecorder.snapshot.bodies[id.rawValue] == Pattern.bytes(from: 0, count: 1000))
  }

  /// A command that must fail, and the exact error code it must fail with.
  struct ErrorCase: Sendable, CustomStringConvertible {
    var description: String
    var expected: HTTP2Error.Code
    var run: @Sendable (EmbeddedPair) throws(HTTP2Error) -> Void
  }

  static let errorCases: [ErrorCase] = [
    ErrorCase(description: "server sendData on a stream that never opened", expected: .streamNotFound) { pair throws(HTTP2Error) in
      try pair.serverHandler.sendData(HTTP2StreamID(41), .pattern(count: 1), endStream: false)
    },
    ErrorCase(description: "server sendData before sendHeaders", expected: .invalidState) { pair throws(HTTP2Error) in
      let id = try pair.openStreamOnServer()
      try pair.serverHandler.sendData(id, .pattern(count: 1), endStream: false)
    },
    ErrorCase(description: "server sendHeaders twice", expected: .invalidState) { pair throws(HTTP2Error) in
      let id = try pair.openStreamOnServer()
      try pair.serverHandler.sendHeaders(id, headers: [.init(name: ":status", value: "200")], endStream: false)
      try pair.serverHandler.sendHeaders(id, headers: [.init(name: ":status", value: "200")], endStream: false)
    },
    ErrorCase(description: "sendData after endStream", expected: .invalidState) { pair throws(HTTP2Error) in
      let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: false)
      try pair.clientHandler.sendData(id, .pattern(count: 1), endStream: true)
      try pair.clientHandler.sendData(id, .pattern(count: 1), endStream: false)
    },
    ErrorCase(description: "sendTrailers on a stream started with endStream", expected: .invalidState) { pair throws(HTTP2Error) in
      let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: true)
      try pair.clientHandler.sendTrailers(id, headers: [])
    },
    ErrorCase(description: "startStream on a server", expected: .wrongRole) { pair throws(HTTP2Error) in
      _ = try pair.serverHandler.startStream(headers: ClientHarness.request("/x"), endStream: true)
    },
    ErrorCase(description: "sendHeaders on a client", expected: .wrongRole) { pair throws(HTTP2Error) in
      let id = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: false)
      try pair.clientHandler.sendHeaders(id, headers: [], endStream: true)
    },
    ErrorCase(description: "startStream after the client's own graceful shutdown", expected: .goingAway) { pair throws(HTTP2Error) in
      pair.clientHandler.beginGracefulShutdown()
      _ = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: true)
    },
    ErrorCase(description: "startStream after the connection closed", expected: .connectionClosed) { pair throws(HTTP2Error) in
      _ = try? pair.client.close().wait()
      _ = try pair.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: true)
    },
  ]

  @Test("commands that do not fit fail with the exact typed error", arguments: Self.errorCases)
  func commandErrors(_ errorCase: ErrorCase) throws {
    let pair = try EmbeddedPair(serverBehaviour: .record)
    try pair.pump()
    do throws(HTTP2Error) {
      try errorCase.run(pair)
      Issue.record("\(errorCase) did not throw")
    } catch {
      #expect(error.code == errorCase.expected, "\(error)")
    }
  }
}

extension EmbeddedPair {
  /// Starts a client stream and delivers it, returning its id as the server sees it.
  func openStreamOnServer() throws(HTTP2Error) -> HTTP2StreamID {
    let id = try self.clientHandler.startStream(headers: ClientHarness.request("/x"), endStream: false)
    try? self.pump()
    return id
  }
}

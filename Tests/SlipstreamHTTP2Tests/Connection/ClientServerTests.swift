import NIOCore
import SlipstreamHTTP2
import Testing

/// Our client against our server over loopback TCP.
@Suite("Client against server over loopback")
struct ClientServerTests {
  static let trailers: [HTTP2HeaderField] = [.init(name: "x-trailer", value: "done"), .init(name: "grpc-status", value: "0")]

  @Test("200 concurrent streams on one connection (server allows 100): the extra ones queue in the client and all complete")
  func twoHundredConcurrentStreams() async throws {
    let server = try await ServerHarness.start()
    let client = try await ClientHarness.connect(port: server.port)
    let (ids, openRightAfterStart) = try await client.run { handler, _ in
      let ids = try (0..<200).map { index in
        let id = try handler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
        try handler.sendData(id, .pattern(from: index, count: 1024), endStream: true)
        return id.rawValue
      }
      return (ids, handler.openStreamCount)
    }
    #expect(openRightAfterStart == 200)
    try await client.recorder.wait(for: "200 streams closed") { snapshot in ids.allSatisfy { snapshot.closed($0) != nil } }
    let snapshot = client.recorder.snapshot
    for (index, id) in ids.enumerated() {
      #expect(snapshot.closed(id) == .noError)
      #expect(snapshot.bodies[id] == Pattern.bytes(from: index, count: 1024))
      #expect(snapshot.headers[id]?.first?.first == HTTP2HeaderField(name: ":status", value: "200"))
      #expect(snapshot.headers[id]?.last == Self.trailers)
    }
    #expect(server.recorder.maxOpenStreams.current <= 100)
    #expect(try await client.run { handler, _ in handler.openStreamCount } == 0)
    await client.close()
    try await server.stop()
  }

  @Test("4 MiB up and 4 MiB back on one stream, byte for byte")
  func largeBodiesBothWays() async throws {
    let size = 4 << 20
    let server = try await ServerHarness.start()
    let client = try await ClientHarness.connect(port: server.port)
    let id = try await client.run { handler, _ in
      let id = try handler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
      try handler.sendData(id, .pattern(count: size), endStream: true)
      return id.rawValue
    }
    try await client.recorder.wait(for: "stream closed") { $0.closed(id) != nil }
    let clientView = client.recorder.snapshot
    #expect(clientView.closed(id) == .noError)
    #expect(clientView.bodies[id]?.count == size)
    #expect(clientView.bodies[id] == Pattern.bytes(from: 0, count: size))
    #expect(clientView.headers[id]?.last == Self.trailers)
    #expect(server.recorder.snapshot.bodies[id] == Pattern.bytes(from: 0, count: size))
    await client.close()
    try await server.stop()
  }

  @Test("a client that stops consuming stops the server at its high watermark; consuming again delivers everything")
  func backpressure() async throws {
    let total = 4 << 20
    let window = 128 << 10
    let server = try await ServerHarness.start()
    var clientConfiguration = HTTP2Configuration.test
    clientConfiguration.initialStreamWindowSize = window
    clientConfiguration.connectionWindowSize = 1 << 20
    let client = try await ClientHarness.connect(port: server.port, configuration: clientConfiguration, autoConsume: false)
    let id = try await client.run { handler, _ in
      try handler.startStream(headers: ClientHarness.request("/push/\(total)"), endStream: true).rawValue
    }
    // The reader is stalled: one stream window arrives, the server's queue hits the watermark.
    try await server.recorder.wait(for: "server stream not writable") { $0.events.contains(.writability(id, false)) }
    try await client.recorder.wait(for: "one window of data") { $0.bodies[id]?.count == window }
    let high = HTTP2Configuration.test.outboundBufferHighWatermark
    #expect(server.recorder.maxBufferedBytes.current >= high)
    #expect(server.recorder.maxBufferedBytes.current < high + RecordingDelegate.pushChunk)
    #expect(client.recorder.snapshot.bodies[id]?.count == window)

    // The reader resumes: consume what arrived and everything after it.
    try await client.run { handler, delegate in
      delegate.autoConsume = true
      handler.consume(HTTP2StreamID(id), bytes: window)
    }
    try await client.recorder.wait(for: "stream closed") { $0.closed(id) != nil }
    #expect(client.recorder.snapshot.closed(id) == .noError)
    #expect(client.recorder.snapshot.bodies[id] == Pattern.bytes(from: 0, count: total))
    #expect(server.recorder.snapshot.events.contains(.writability(id, true)))
    #expect(server.recorder.maxBufferedBytes.current < high + RecordingDelegate.pushChunk)
    await client.close()
    try await server.stop()
  }

  @Test("RST_STREAM(CANCEL) from the client closes the server's stream with .cancel; the connection stays usable")
  func clientReset() async throws {
    let server = try await ServerHarness.start()
    let client = try await ClientHarness.connect(port: server.port)
    let id = try await client.run { handler, _ in
      let id = try handler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
      try handler.sendData(id, .pattern(count: 10), endStream: false)
      return id.rawValue
    }
    try await server.recorder.wait(for: "server saw the request data") { $0.bodies[id]?.count == 10 }
    try await client.run { handler, _ in handler.resetStream(HTTP2StreamID(id), errorCode: .cancel) }
    try await server.recorder.wait(for: "server stream closed") { $0.closed(id) != nil }
    #expect(server.recorder.snapshot.closed(id) == .cancel)
    try await client.recorder.wait(for: "client stream closed") { $0.closed(id) != nil }
    #expect(client.recorder.snapshot.closed(id) == .cancel)

    let next = try await client.run { handler, _ in
      try handler.startStream(headers: ClientHarness.request("/echo"), endStream: true).rawValue
    }
    try await client.recorder.wait(for: "second stream closed") { $0.closed(next) != nil }
    #expect(client.recorder.snapshot.closed(next) == .noError)
    await client.close()
    try await server.stop()
  }

  @Test("graceful shutdown: the in-flight stream completes, new streams are refused, then the connection closes")
  func gracefulShutdown() async throws {
    let server = try await ServerHarness.start()
    let client = try await ClientHarness.connect(port: server.port)
    let id = try await client.run { handler, _ in
      let id = try handler.startStream(headers: ClientHarness.request("/echo"), endStream: false)
      try handler.sendData(id, .pattern(count: 100), endStream: false)
      return id.rawValue
    }
    try await server.recorder.wait(for: "request data on the server") { $0.bodies[id]?.count == 100 }
    let goingAway = try await server.withFirstConnection { handler in
      handler.beginGracefulShutdown()
      return handler.isGoingAway
    }
    #expect(goingAway)
    try await client.recorder.wait(for: "final GOAWAY") { $0.events.contains(.goAway(last: id, .noError)) }
    #expect(client.recorder.snapshot.events.contains(.goAway(last: HTTP2StreamID.maxID.rawValue, .noError)))

    let refused = try await client.run { handler, _ -> HTTP2Error? in
      do throws(HTTP2Error) {
        _ = try handler.startStream(headers: ClientHarness.request("/echo"), endStream: true)
        return nil
      } catch {
        return error
      }
    }
    #expect(refused?.code == .goingAway)

    _ = try await client.run { handler, _ in try handler.sendData(HTTP2StreamID(id), .pattern(from: 100, count: 100), endStream: true) }
    try await client.recorder.wait(for: "client connection closed") { $0.isConnectionClosed }
    try await server.recorder.wait(for: "server connection closed") { $0.isConnectionClosed }
    let clientView = client.recorder.snapshot
    #expect(clientView.closed(id) == .noError)
    #expect(clientView.bodies[id] == Pattern.bytes(from: 0, count: 200))
    #expect(clientView.headers[id]?.last == Self.trailers)
    #expect(clientView.connectionCloseCode == .some(nil))
    #expect(server.recorder.snapshot.connectionCloseCode == .some(nil))
    try await server.stop()
  }

  @Test("a request header list over 8 KiB resets only that stream with ENHANCE_YOUR_CALM")
  func oversizedHeaderList() async throws {
    let server = try await ServerHarness.start()
    let client = try await ClientHarness.connect(port: server.port)
    let big = try await client.run { handler, _ in
      try handler.startStream(
        headers: ClientHarness.request("/echo", extra: [.init(name: "x-big", value: String(repeating: "a", count: 9000))]),
        endStream: true
      ).rawValue
    }
    try await client.recorder.wait(for: "big stream closed") { $0.closed(big) != nil }
    #expect(client.recorder.snapshot.closed(big) == .enhanceYourCalm)
    #expect(!server.recorder.snapshot.events.contains { if case .opened = $0 { true } else { false } })

    let small = try await client.run { handler, _ in
      try handler.startStream(headers: ClientHarness.request("/echo", extra: [.init(name: "x-ok", value: String(repeating: "a", count: 7000))]), endStream: true).rawValue
    }
    try await client.recorder.wait(for: "small stream closed") { $0.closed(small) != nil }
    #expect(client.recorder.snapshot.closed(small) == .noError)
    await client.close()
    try await server.stop()
  }
}

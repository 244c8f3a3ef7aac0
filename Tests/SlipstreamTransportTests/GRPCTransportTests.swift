import NIOCore
import NIOPosix
import SlipstreamAPI
import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import SlipstreamWire
import Testing

@Suite("gRPC over HTTP/2 (+TLS) on loopback")
struct GRPCTransportTests {
  let codec = StringCodec()

  static let securities: [String] = ["plaintext", "tls"]
  /// Both places a server can run handlers; the call tests run with each.
  static let executions: [HandlerExecution] = [.concurrentPool, .eventLoop]

  func securityPair(_ kind: String, pki: TestPKI) -> (ServerSecurity, ClientSecurity) {
    kind == "tls" ? (.tls(pki.serverTLS()), .tls(pki.clientTLS())) : (.plaintext, .plaintext)
  }

  @Test(arguments: executions)
  func handlersRunWhereTheServerSays(handlers: HandlerExecution) async throws {
    try await withServer(handlers: handlers) { rpc, _, _ in
      let response = try await rpc.unary(Test.thread, request: "", serializer: codec, deserializer: codec)
      #expect(response.message == (handlers == .eventLoop ? "event-loop,event-loop" : "pool,pool"))
    }
  }

  @Test(arguments: securities, executions)
  func unaryRoundTripWithMetadata(kind: String, handlers: HandlerExecution) async throws {
    let pki = try TestPKI()
    let (server, client) = securityPair(kind, pki: pki)
    try await withServer(security: server, clientSecurity: client, handlers: handlers) { rpc, _, _ in
      var metadata: Metadata = [:]
      try metadata.addString("order-42", forKey: "x-client-order-id")
      try metadata.addBinary([0, 1, 2, 255], forKey: "x-trace-bin")
      let response = try await rpc.unary(Test.echo, request: "AAPL ✓", serializer: codec, deserializer: codec, metadata: metadata)
      #expect(response.message == "AAPL ✓")
      #expect(response.headers.firstString(forKey: "x-client-order-id") == "order-42")
      #expect(response.headers[binaryValues: "x-trace-bin"] == [[0, 1, 2, 255]])
    }
  }

  @Test(arguments: securities, executions)
  func everyCallShapeWorks(kind: String, handlers: HandlerExecution) async throws {
    let pki = try TestPKI()
    let (server, client) = securityPair(kind, pki: pki)
    try await withServer(security: server, clientSecurity: client, handlers: handlers) { rpc, _, _ in
      let codec = self.codec
      let streamed = try await rpc.serverStreaming(Test.expand, request: "2000", serializer: codec, deserializer: codec) { response in
        var items: [String] = []
        for try await item in response.messages { items.append(item) }
        return items
      }
      #expect(streamed == (0..<2000).map(String.init))

      let collected = try await rpc.clientStreaming(Test.collect, serializer: codec, deserializer: codec) { writer in
        for i in 0..<500 { try await writer.write(String(repeating: "a", count: i)) }
      }
      #expect(collected.message == "500:\((0..<500).reduce(0, +))")

      let replies = try await rpc.bidirectionalStreaming(
        Test.chat, serializer: codec, deserializer: codec,
        requests: { writer in for i in 0..<100 { try await writer.write("m\(i)") } },
        handle: { response in
          var replies: [String] = []
          for try await reply in response.messages { replies.append(reply) }
          return replies
        }
      )
      #expect(replies == (0..<100).map { "re:m\($0)" })
    }
  }

  /// A burst of responses is framed into one buffer per drain; with gzip on, the large ones
  /// are compressed and the small ones not, side by side in that buffer.
  @Test(arguments: securities, executions)
  func streamedResponsesKeepOrderWithAndWithoutCompression(kind: String, handlers: HandlerExecution) async throws {
    let pki = try TestPKI()
    let (server, client) = securityPair(kind, pki: pki)
    for compression in [CompressionAlgorithm.identity, .gzip] {
      try await withServer(
        security: server, clientSecurity: client, handlers: handlers, configure: { $0.responseCompression = compression }
      ) { rpc, _, _ in
        let codec = self.codec
        let streamed = try await rpc.serverStreaming(Test.expand, request: "3000/1500", serializer: codec, deserializer: codec) {
          response in
          var items: [String] = []
          for try await item in response.messages { items.append(item) }
          return items
        }
        let padding = String(repeating: "=", count: 1500)
        #expect(streamed == (0..<3000).map { $0.isMultiple(of: 2) ? "\($0)\(padding)" : "\($0)" }, "\(compression)")
      }
    }
  }

  @Test(arguments: executions)
  func manyConcurrentCallsShareOneConnection(handlers: HandlerExecution) async throws {
    try await withServer(handlers: handlers) { rpc, _, _ in
      let codec = self.codec
      try await withThrowingTaskGroup(of: Void.self) { group in
        for i in 0..<300 {
          group.addTask {
            let response = try await rpc.unary(Test.echo, request: "call-\(i)", serializer: codec, deserializer: codec)
            #expect(response.message == "call-\(i)")
          }
        }
        try await group.waitForAll()
      }
    }
  }

  @Test func largeMessagesBothWays() async throws {
    try await withServer { rpc, _, _ in
      let big = String(repeating: "0123456789", count: 300_000)  // 3 MB
      let response = try await rpc.unary(Test.echo, request: big, serializer: codec, deserializer: codec)
      #expect(response.message == big)
    }
  }

  @Test func messageOverTheReceiveLimitIsResourceExhaustedAndTheConnectionStaysUp() async throws {
    try await withServer(configure: { $0.maxReceiveMessageSize = 1024 }) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: String(repeating: "x", count: 4096), serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .resourceExhausted, "\(String(describing: error))")
      let ok = try await rpc.unary(Test.echo, request: "small", serializer: codec, deserializer: codec)
      #expect(ok.message == "small")
    }
  }

  @Test func unknownMethodIsUnimplemented() async throws {
    try await withServer { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(MethodDescriptor(service: "test.Transport", method: "Nope"), request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unimplemented, "\(String(describing: error))")
      #expect(error?.message == "Method 'Nope' is not implemented by service 'test.Transport'.")
    }
  }

  @Test(arguments: executions)
  func deadlineEndsTheCallAndCancelsTheHandler(handlers: HandlerExecution) async throws {
    let service = TransportTestService()
    try await withServer(service, handlers: handlers) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.hang, request: "", serializer: codec, deserializer: codec, options: CallOptions(timeout: .milliseconds(100)))
      }
      #expect(error?.code == .deadlineExceeded)
      // Under load the deadline can pass before the handler starts; then it never runs. If it
      // did start, its task must have been cancelled.
      if service.hangStarted.hasFired { await service.hangCancelled.wait() }
    }
  }

  /// The longest timeout gRPC can express (99,999,999 hours) is further away than NIO can
  /// count: neither side arms a timer for it, and the call simply runs.
  @Test(arguments: executions)
  func aTimeoutTooLongToCountIsNoLimit(handlers: HandlerExecution) async throws {
    try await withServer(handlers: handlers) { rpc, _, _ in
      let response = try await rpc.unary(
        Test.echo, request: "patient", serializer: codec, deserializer: codec,
        options: CallOptions(timeout: .seconds(99_999_999 * 3_600)))
      #expect(response.message == "patient")
    }
  }

  /// The server ends calls on their `grpc-timeout` by itself: a raw HTTP/2 peer
  /// (`attack.py deadlines`) sends calls it never cancels. Calls 1 (60 s) and 5 (2 s) hang,
  /// 3 (1 s) is answered at once, 7 (2 s) streams into a window the peer never opens, so its
  /// handler waits for flow control; 9 and 11 follow on the same connection. One connection
  /// timer serves all of them: 1 arms it at 60 s, 3 re-arms it earlier, it fires at 1 s with
  /// nothing overdue and re-arms for 5 and 7. (The margins are wide so a loaded machine
  /// still answers call 3 in time.)
  @Test(.timeLimit(.minutes(1)), arguments: executions)
  func serverEndsCallsWhenTheirDeadlinePasses(handlers: HandlerExecution) async throws {
    let service = TransportTestService()
    try await withServer(service, handlers: handlers) { _, _, port in
      async let peer = AttackPeer.run("deadlines", port: port)
      await service.watchedHangCancelled.wait()  // call 5's handler, cancelled by its deadline
      await service.floodEnded.wait()  // call 7's handler, released from its wait for room
      await service.gateEntered.wait()  // the peer is at its last call: the connection is open
      #expect(service.hangCancellations.current == 1, "call 1 (60 s) must still be running")
      service.gateOpen.fire()
      let report = try await peer
      #expect(report.statuses["3"] == 0, "\(report)")
      #expect(report.statuses["5"] == StatusCode.deadlineExceeded.rawValue, "\(report)")
      // The deadline ended call 5, not its handler: the trailer the handler set still goes out.
      #expect(report.hangTrailers["5"] == "watched", "\(report)")
      #expect(report.statuses["7"] == StatusCode.deadlineExceeded.rawValue, "\(report)")
      // Not before the deadline: the server counts from when it read the request.
      #expect((report.statusMilliseconds["5"] ?? 0) >= 2_000, "\(report)")
      #expect(report.statuses["9"] == 0 && report.statuses["11"] == 0, "\(report)")
      #expect(report.statuses["1"] == nil && report.resets.isEmpty && report.goaway == nil, "\(report)")
    }
  }

  @Test(arguments: executions)
  func clientCancellationResetsTheStreamAndCancelsTheHandler(handlers: HandlerExecution) async throws {
    let service = TransportTestService()
    try await withServer(service, handlers: handlers) { rpc, _, _ in
      let codec = self.codec
      let call = Task { try await rpc.unary(Test.hang, request: "", serializer: codec, deserializer: codec) }
      await service.hangStarted.wait()
      call.cancel()
      await service.hangCancelled.wait()  // RST_STREAM reached the server and cancelled the handler
      let error = await expectRPCError { _ = try await call.value }
      #expect(error?.code == .cancelled)
    }
  }

  /// Without compression the source writes its messages straight into the DATA frame's
  /// buffer; with gzip on, the transport frames (and may compress) the source's arrays.
  @Test(.timeLimit(.minutes(1)), arguments: securities, executions)
  func responsesFromASourceArriveInOrderAndCancellingEndsTheHandler(kind: String, handlers: HandlerExecution) async throws {
    let pki = try TestPKI()
    let (server, client) = securityPair(kind, pki: pki)
    for compression in [CompressionAlgorithm.identity, .gzip] {
      let service = TransportTestService()
      try await withServer(
        service, security: server, clientSecurity: client, handlers: handlers, configure: { $0.responseCompression = compression }
      ) { rpc, _, _ in
        let codec = self.codec
        let received = try await rpc.serverStreaming(Test.fromSource, request: "2000", serializer: codec, deserializer: codec) {
          response in
          var items: [String] = []
          for try await item in response.messages {
            items.append(item)
            if items.count == 2000 { break }
          }
          return items
        }
        #expect(received == (0..<2000).map(String.init), "\(compression)")
        await service.fromSourceEnded.wait()  // RST_STREAM closed the stream and ended send(from:)
      }
    }
  }

  @Test(arguments: executions)
  func slowConsumerMakesTheServerWriterWait(handlers: HandlerExecution) async throws {
    // 64 KiB messages; the client reads slowly. Without backpressure the server would run
    // ahead by the whole stream (32 MiB); with it, it stays within the flow-control windows
    // and buffers (response buffer 1 MiB + stream window 1 MiB + outbound watermark + socket).
    let service = TransportTestService()
    try await withServer(service, handlers: handlers) { rpc, _, _ in
      let codec = self.codec
      let written = service.floodWritten
      let maxAhead = try await rpc.serverStreaming(Test.flood, request: "512", serializer: codec, deserializer: codec) { response in
        var read = 0
        var maxAhead = 0
        for try await _ in response.messages {
          read += 1
          maxAhead = max(maxAhead, written.current - read)
          if read % 8 == 0 { try await Task.sleep(for: .milliseconds(5)) }  // the slow consumer itself
        }
        #expect(read == 512)
        return maxAhead
      }
      // 8 MiB of slack at most, in 64 KiB messages.
      #expect(maxAhead <= 128, "server ran \(maxAhead) messages ahead of the reader")
    }
  }

  @Test(arguments: executions)
  func aClientThatStopsReadingAndCancelsReleasesTheBlockedServerWriter(handlers: HandlerExecution) async throws {
    // The handler fills the flow-control windows and its response queue, then waits for
    // room; the client reads three messages and cancels. The waiting write must fail and
    // the handler end, not wait forever.
    let service = TransportTestService()
    try await withServer(service, handlers: handlers) { rpc, _, _ in
      let codec = self.codec
      let read = try await rpc.serverStreaming(Test.flood, request: "100000", serializer: codec, deserializer: codec) { response in
        var read = 0
        for try await _ in response.messages {
          read += 1
          if read == 3 { break }
        }
        return read
      }
      #expect(read == 3)
      await service.floodEnded.wait()
      #expect(service.floodWritten.current < 100_000)
    }
  }

  @Test func gracefulShutdownFinishesInFlightCallsAndRefusesNewOnes() async throws {
    let service = TransportTestService()
    let server = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [service])
    let port = try await server.start()
    let channel = try GRPCChannel(configuration: .init(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .plaintext))
    let rpc = RPCClient(transport: channel)
    let codec = self.codec
    let inFlight = Task { try await rpc.unary(Test.gate, request: "late", serializer: codec, deserializer: codec) }
    await service.gateEntered.wait()
    let shutdown = Task { await server.shutdownGracefully() }
    // New calls are refused while the in-flight one is still running.
    var refused: RPCError?
    for _ in 0..<200 {
      refused = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "new", serializer: codec, deserializer: codec)
      }
      if refused != nil { break }
      await Task.yield()
    }
    #expect(refused?.code == .unavailable)
    service.gateOpen.fire()
    let response = try await inFlight.value
    #expect(response.message == "passed:late")
    await shutdown.value
    await channel.close()
  }

  @Test func connectionRefusedIsUnavailableNamingTheEndpoint() async throws {
    let refusing = try RefusingPort()
    let port = refusing.port
    let channel = try GRPCChannel(configuration: .init(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .plaintext))
    let error = await expectRPCError {
      _ = try await RPCClient(transport: channel).unary(Test.echo, request: "", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unavailable, "\(String(describing: error))")
    #expect(error?.message.contains("127.0.0.1:\(port)") == true)
    await channel.close()
    withExtendedLifetime(refusing) {}
  }

  @Test func channelReconnectsAfterTheServerRestarts() async throws {
    let first = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [TransportTestService(name: "first")])
    let port = try await first.start()
    var configuration = GRPCChannelConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .plaintext)
    configuration.backoff = ConnectionBackoff(initial: .milliseconds(1), maximum: .milliseconds(1))
    let channel = try GRPCChannel(configuration: configuration)
    let rpc = RPCClient(transport: channel)
    #expect(try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message == "first|anonymous")
    await first.shutdownGracefully()
    let second = GRPCServer(configuration: GRPCServerConfiguration(port: port, security: .plaintext), services: [TransportTestService(name: "second")])
    try await second.start()
    var answer: String?
    for _ in 0..<500 {
      answer = try? await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message
      if answer != nil { break }
      await Task.yield()
    }
    #expect(answer == "second|anonymous")
    await channel.close()
    await second.shutdownGracefully()
  }

  @Test("a channel's connections all run on the loop of its executor, and callers on that executor are resumed there",
        arguments: ["plaintext", "tls"])
  func callersOnTheChannelsExecutorRunOnItsConnectionsLoop(kind: String) async throws {
    let pki = try TestPKI()
    let (serverSecurity, clientSecurity) = securityPair(kind, pki: pki)
    let a = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: serverSecurity), services: [TransportTestService(name: "a")])
    let b = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: serverSecurity), services: [TransportTestService(name: "b")])
    let portA = try await a.start()
    let portB = try await b.start()
    // Several loops, so connections would land on different ones if the channel let them.
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 4)
    let channel = try GRPCChannel(
      configuration: .init(
        endpoints: [Endpoint(host: "127.0.0.1", port: portA), Endpoint(host: "127.0.0.1", port: portB)],
        security: clientSecurity, loadBalancing: .roundRobin),
      group: loops)
    let rpc = RPCClient(transport: channel)
    let loop = channel.executor.eventLoop
    let codec = self.codec

    // From Swift's pool: the calls work and leave the caller off the loop.
    for _ in 0..<4 { _ = try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec) }
    #expect(!loop.inEventLoop)
    // On the channel's executor: every resumption lands on the connections' loop.
    let (who, streamed, resumedOnLoop) = try await withTaskExecutorPreference(channel.executor) {
      var resumedOnLoop = loop.inEventLoop
      var who: Set<String> = []
      for _ in 0..<4 {
        who.insert(try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message)
        resumedOnLoop = resumedOnLoop && loop.inEventLoop
      }
      let (streamed, streamOnLoop) = try await rpc.serverStreaming(Test.expand, request: "200", serializer: codec, deserializer: codec) { response in
        var (count, onLoop) = (0, true)
        for try await _ in response.messages {
          count += 1
          onLoop = onLoop && loop.inEventLoop
        }
        return (count, onLoop)
      }
      return (who, streamed, resumedOnLoop && streamOnLoop)
    }
    #expect(who == ["a|anonymous", "b|anonymous"])
    #expect(streamed == 200)
    #expect(resumedOnLoop)
    let connectionLoops = channel.readyConnectionChannels.map(\.eventLoop)
    #expect(connectionLoops.count == 2)
    #expect(connectionLoops.allSatisfy { $0 === loop })

    await channel.close()
    await a.shutdownGracefully()
    await b.shutdownGracefully()
    try await loops.shutdownGracefully()
  }

  @Test("a closed connection frees its HTTP/2 handler on both sides: no reference cycle outlives it",
        arguments: ["plaintext", "tls"])
  func closedConnectionsAreFreed(kind: String) async throws {
    let pki = try TestPKI()
    let (serverSecurity, clientSecurity) = securityPair(kind, pki: pki)
    let server = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: serverSecurity), services: [TransportTestService()])
    let port = try await server.start()
    let channel = try GRPCChannel(configuration: .init(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: clientSecurity))
    let rpc = RPCClient(transport: channel)
    let codec = self.codec
    #expect(try await rpc.unary(Test.echo, request: "x", serializer: codec, deserializer: codec).message == "x")
    _ = try await rpc.serverStreaming(Test.expand, request: "10", serializer: codec, deserializer: codec) { response in
      for try await _ in response.messages {}
    }

    // Weak references from the test only; the channels are let go before the check.
    weak var clientHandler: HTTP2ConnectionHandler?
    weak var serverHandler: HTTP2ConnectionHandler?
    var loops: [any EventLoop] = []
    do {
      let clientChannels = channel.readyConnectionChannels
      let serverChannels = server.connectionChannels
      try #require(clientChannels.count == 1 && serverChannels.count == 1)
      clientHandler = try await clientChannels[0].pipeline.handler(type: HTTP2ConnectionHandler.self).get()
      serverHandler = try await serverChannels[0].pipeline.handler(type: HTTP2ConnectionHandler.self).get()
      loops = [clientChannels[0].eventLoop, serverChannels[0].eventLoop]
    }
    #expect(clientHandler != nil && serverHandler != nil)

    await channel.close()
    await server.shutdownGracefully()
    // NIO takes a closed channel's handlers out of its pipeline in a later turn of its loop:
    // a task submitted to each loop afterwards runs once that is done.
    for _ in 0..<10 where clientHandler != nil || serverHandler != nil {
      for loop in loops { try await loop.submit {}.get() }
    }
    #expect(clientHandler == nil, "the client connection's HTTP/2 handler is still alive")
    #expect(serverHandler == nil, "the server connection's HTTP/2 handler is still alive")
  }

  @Test func roundRobinSpreadsCallsOverEndpoints() async throws {
    let a = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [TransportTestService(name: "a")])
    let b = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [TransportTestService(name: "b")])
    let portA = try await a.start()
    let portB = try await b.start()
    let channel = try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: portA), Endpoint(host: "127.0.0.1", port: portB)],
      security: .plaintext,
      loadBalancing: .roundRobin
    ))
    let rpc = RPCClient(transport: channel)
    var seen: [String: Int] = [:]
    for _ in 0..<20 {
      let who = try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message
      seen[who, default: 0] += 1
    }
    #expect(seen["a|anonymous", default: 0] >= 8)
    #expect(seen["b|anonymous", default: 0] >= 8)
    await channel.close()
    await a.shutdownGracefully()
    await b.shutdownGracefully()
  }
}

@Suite("Mutual TLS and certificate errors over loopback")
struct TLSTransportTests {
  let codec = StringCodec()

  @Test func mutualTLSShowsTheClientIdentityToHandlers() async throws {
    let pki = try TestPKI()
    try await withServer(security: .tls(pki.serverTLS(mutual: true)), clientSecurity: .tls(pki.clientTLS(withCertificate: true))) { rpc, _, _ in
      let who = try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message
      #expect(who == "server|router-service")
    }
  }

  @Test func mutualTLSRefusesAClientWithoutACertificate() async throws {
    let pki = try TestPKI()
    try await withServer(security: .tls(pki.serverTLS(mutual: true)), clientSecurity: .tls(pki.clientTLS())) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(error?.message.contains("certificate required") == true, "\(String(describing: error))")
    }
  }

  @Test func mutualTLSRefusesAClientCertificateFromAnotherCA() async throws {
    let pki = try TestPKI()
    let stranger = try TestPKI()
    try await withServer(security: .tls(pki.serverTLS(mutual: true)), clientSecurity: .tls(.client(
      trustRoots: pki.ca.certificate, certificate: stranger.client.certificate, privateKey: stranger.client.privateKey
    ))) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(error?.message.contains("unknown CA") == true, "\(String(describing: error))")
    }
  }

  @Test func wrongCAIsUnavailableSayingTheCertificateDidNotVerify() async throws {
    let pki = try TestPKI()
    let other = try TestPKI()
    try await withServer(security: .tls(pki.serverTLS()), clientSecurity: .tls(other.clientTLS())) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(error?.message.contains("certificate") == true, "\(error?.message ?? "")")
    }
  }

  @Test func expiredServerCertificateIsRefused() async throws {
    let pki = try TestPKI()
    let expired = try pki.ca.issue(commonName: "localhost", ipAddresses: ["127.0.0.1"], notBefore: -2 * 86_400, notAfter: -86_400, usage: .server)
    try await withServer(
      security: .tls(.server(certificateChain: expired.certificate, privateKey: expired.privateKey)),
      clientSecurity: .tls(pki.clientTLS())
    ) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(error?.message.contains("expired") == true, "\(error?.message ?? "")")
    }
  }

  @Test func wrongHostNameIsRefused() async throws {
    let pki = try TestPKI()
    try await withServer(
      security: .tls(pki.serverTLS()),
      clientSecurity: .tls(pki.clientTLS(), serverHostname: "ledger.internal")
    ) { rpc, _, _ in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(error?.message.lowercased().contains("hostname") == true || error?.message.lowercased().contains("host name") == true, "\(error?.message ?? "")")
    }
  }
}

@Suite("Health on every server")
struct HealthOverTransportTests {
  @Test func everyServerAnswersHealthForItselfAndItsServices() async throws {
    try await withServer { rpc, server, _ throws -> Void in
      let health = Grpc_Health_V1_Health.Client(rpc)
      let whole = try await health.check(.with { $0.service = "" })
      let service = try await health.check(.with { $0.service = "test.Transport" })
      #expect(whole.status == .serving)
      #expect(service.status == .serving)
      server.health.setStatus(.notServing, forService: "test.Transport")
      let after = try await health.check(.with { $0.service = "test.Transport" })
      #expect(after.status == .notServing)
    }
  }
}

@Suite("Client-side backpressure and endpoint choice")
struct ClientFlowTests {
  let codec = StringCodec()

  @Test func slowServerReaderMakesTheClientWriterWait() async throws {
    // The handler reads 64 KiB requests slowly. Without backpressure the client would write
    // all 32 MiB at once; with it, it stays within the server's request buffer (1 MiB), the
    // stream window (1 MiB), the client's outbound watermark and socket buffers.
    let written = Counter()
    let read = Counter()
    let maxAhead = Counter()
    struct SlowCollector: RPCService {
      let read: Counter
      let written: Counter
      let maxAhead: Counter
      func registerMethods(with router: inout RPCRouter) {
        let codec = StringCodec()
        router.registerClientStreaming(Test.collect, deserializer: codec, serializer: codec) { requests, _ in
          for try await _ in requests {
            let count = read.increment()
            let ahead = written.current - count
            while maxAhead.current < ahead { maxAhead.increment() }
            if count % 8 == 0 { try await Task.sleep(for: .milliseconds(5)) }  // the slow reader itself
          }
          return "\(read.current)"
        }
      }
    }
    let server = GRPCServer(
      configuration: GRPCServerConfiguration(port: 0, security: .plaintext),
      services: [SlowCollector(read: read, written: written, maxAhead: maxAhead)]
    )
    let port = try await server.start()
    let channel = try GRPCChannel(configuration: .init(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .plaintext))
    let chunk = String(repeating: "y", count: 64 * 1024)
    let response = try await RPCClient(transport: channel).clientStreaming(Test.collect, serializer: codec, deserializer: codec) { writer in
      for _ in 0..<512 {
        try await writer.write(chunk)
        written.increment()
      }
    }
    #expect(response.message == "512")
    #expect(maxAhead.current <= 128, "the client ran \(maxAhead.current) messages ahead of the server")
    await channel.close()
    await server.shutdownGracefully()
  }

  @Test func pickFirstSkipsAnEndpointThatRefusesConnections() async throws {
    let dead = try RefusingPort()
    let deadPort = dead.port
    let live = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [TransportTestService(name: "live")])
    let livePort = try await live.start()
    let channel = try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: deadPort), Endpoint(host: "127.0.0.1", port: livePort)],
      security: .plaintext,
      loadBalancing: .pickFirst
    ))
    let who = try await RPCClient(transport: channel).unary(Test.whoAmI, request: "", serializer: codec, deserializer: codec).message
    #expect(who == "live|anonymous")
    await channel.close()
    await live.shutdownGracefully()
    withExtendedLifetime(dead) {}
  }

  @Test func noReachableEndpointNamesEveryOne() async throws {
    let (a, b) = (try RefusingPort(), try RefusingPort())
    let (portA, portB) = (a.port, b.port)
    let channel = try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: portA), Endpoint(host: "127.0.0.1", port: portB)],
      security: .plaintext
    ))
    let error = await expectRPCError {
      _ = try await RPCClient(transport: channel).unary(Test.echo, request: "", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message.hasPrefix("No endpoint is reachable") == true)
    #expect(error?.message.contains("127.0.0.1:\(portA)") == true)
    #expect(error?.message.contains("127.0.0.1:\(portB)") == true)
    await channel.close()
    withExtendedLifetime((a, b)) {}
  }
}

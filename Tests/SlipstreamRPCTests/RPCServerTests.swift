import SlipstreamRPC
import SlipstreamWire
import Synchronization
import Testing

@Suite("RPC core over the in-process transport")
struct RPCServerTests {
  let codec = StringCodec()

  @Test func unaryRoundTripCarriesMetadataBothWays() async throws {
    let client = makeClient()
    var metadata: Metadata = [:]
    try metadata.addString("abc", forKey: "x-request-id")
    let response = try await client.unary(Echo.get, request: "AAPL", serializer: codec, deserializer: codec, metadata: metadata)
    #expect(response.message == "echo:AAPL")
    #expect(response.headers.firstString(forKey: "x-request-id") == "abc")
    #expect(response.trailers.firstString(forKey: "x-trailer") == "done")
  }

  @Test(arguments: [
    ("/test.Echo/Nope", "Method 'Nope' is not implemented by service 'test.Echo'."),
    ("/test.Other/Get", "Service 'test.Other' is not served here."),
  ])
  func unknownMethodOrServiceIsUnimplemented(path: String, message: String) async throws {
    let client = makeClient()
    let method = MethodDescriptor(path: path)!
    let error = await expectRPCError {
      _ = try await client.unary(method, request: "x", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unimplemented)
    #expect(error?.message == message)
  }

  @Test func handlerErrorReachesClientWithCodeMessageAndMetadata() async throws {
    let client = makeClient()
    let error = await expectRPCError {
      _ = try await client.unary(Echo.fail, request: "MSFT", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .notFound)
    #expect(error?.message == "No quote for MSFT")
    #expect(error?.metadata.firstString(forKey: "x-reason") == "why")
  }

  @Test func unexpectedErrorIsUnknownWithoutLeakingDetails() async throws {
    let client = makeClient()
    let error = await expectRPCError {
      _ = try await client.unary(Echo.crash, request: "x", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unknown)
    #expect(error?.message.contains("hunter2") == false)
  }

  @Test func clientStreamingCollectsEveryRequestInOrder() async throws {
    let client = makeClient()
    let response = try await client.clientStreaming(Echo.collect, serializer: codec, deserializer: codec) { writer in
      for i in 0..<100 { try await writer.write("r\(i)") }
    }
    #expect(response.message == (0..<100).map { "r\($0)" }.joined(separator: ","))
  }

  @Test(arguments: [0, 1, 1000])
  func serverStreamingDeliversEveryMessage(count: Int) async throws {
    let client = makeClient()
    let received = try await client.serverStreaming(Echo.expand, request: "\(count)", serializer: codec, deserializer: codec) { response in
      var items: [String] = []
      for try await item in response.messages { items.append(item) }
      #expect(response.trailers != nil)
      return items
    }
    #expect(received == (0..<count).map { "item-\($0)" })
  }

  @Test(arguments: [1, 1000])
  func responsesFromASourceArriveInOrderAndEndingTheCallEndsTheHandler(count: Int) async throws {
    let service = EchoService()
    let client = makeClient(service)
    let received = try await client.serverStreaming(Echo.fromSource, request: "\(count)", serializer: codec, deserializer: codec) { response in
      var items: [String] = []
      for try await item in response.messages {
        items.append(item)
        if items.count == count { break }
      }
      return items
    }
    #expect(received == (0..<count).map(String.init))
    await service.fromSourceEnded.wait()  // the handler's send(from:) ended with the call
  }

  @Test func aWriterWithoutASourceSinkRefusesASourceAsUnimplemented() async throws {
    let writer = RPCWriter<String> { _ in }
    let error = await #expect(throws: RPCError.self) { try await writer.send(from: FeedSource()) }
    #expect(error?.code == .unimplemented)
    #expect(error?.message == "This writer cannot send from a response source; write each message instead.")
  }

  @Test(.timeLimit(.minutes(1)))
  func aFeederWhoseSourceIsNeverStartedEndsWhenCancelled() async throws {
    let source = FeedSource()
    let feeder = source.feedNumbers(upTo: 10)
    // The writer refuses the source, so nothing ever starts it.
    _ = try? await RPCWriter<String> { _ in }.send(from: source)
    feeder.cancel()
    // Waited for through a signal the time limit can cancel, so a feeder that never ends
    // fails the test instead of hanging the run.
    let ended = Atomic(false)
    let done = CountSignal()
    Task {
      await feeder.value
      ended.store(true, ordering: .relaxed)
      done.increment()
    }
    await done.wait(for: 1)
    let feederEnded = ended.load(ordering: .relaxed)
    #expect(feederEnded, "the feeder never ended")
    #expect(!source.wasStarted)
  }

  @Test func serverStreamingErrorIsThrownFromIteration() async throws {
    let client = makeClient()
    let error = await expectRPCError {
      _ = try await client.serverStreaming(Echo.expand, request: "many", serializer: codec, deserializer: codec) { response in
        for try await _ in response.messages {}
      }
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "Not a number: many")
  }

  @Test func bidirectionalPingPong() async throws {
    let client = makeClient()
    let words = ["buy", "sell", "hold"]
    let replies = try await client.bidirectionalStreaming(
      Echo.update, serializer: codec, deserializer: codec,
      requests: { writer in try await writer.write(contentsOf: words) },
      handle: { response in
        var replies: [String] = []
        for try await reply in response.messages { replies.append(reply) }
        return replies
      }
    )
    #expect(replies == ["BUY", "SELL", "HOLD"])
  }

  @Test func deadlineCancelsTheHandlerAndReportsDeadlineExceeded() async throws {
    let service = EchoService()
    let client = makeClient(service)
    let error = await expectRPCError {
      _ = try await client.unary(
        Echo.hang, request: "x", serializer: codec, deserializer: codec,
        options: CallOptions(timeout: .milliseconds(50))
      )
    }
    #expect(error?.code == .deadlineExceeded)
    // Under load the deadline can pass before the handler starts; then it never runs. If it
    // did start, its task must have been cancelled.
    if service.hangStarted.hasFired { await service.hangCancelled.wait() }
  }

  @Test func clientCancellationCancelsTheHandler() async throws {
    let service = EchoService()
    let client = makeClient(service)
    let codec = self.codec
    let call = Task {
      try await client.unary(Echo.hang, request: "x", serializer: codec, deserializer: codec)
    }
    await service.hangStarted.wait()
    call.cancel()
    await service.hangCancelled.wait()
    let result = await call.result
    #expect(throws: RPCError.self) { try result.get() }
    if case .failure(let error as RPCError) = result { #expect(error.code == .cancelled) }
  }

  @Test func serverInterceptorRefusesWithoutRunningTheHandler() async throws {
    struct RequireToken: ServerInterceptor {
      func intercept(_ context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        guard context.metadata.firstString(forKey: "authorization") == "Bearer good" else {
          throw RPCError(code: .unauthenticated, message: "A bearer token is required.")
        }
        try await next(context)
      }
    }
    struct AddToken: ClientInterceptor {
      func intercept(_ context: ClientCallContext, next: @Sendable (ClientCallContext) async throws -> Void) async throws {
        var context = context
        try context.metadata.addString("Bearer good", forKey: "authorization")
        try await next(context)
      }
    }
    let refused = await expectRPCError {
      _ = try await makeClient(serverInterceptors: [RequireToken()])
        .unary(Echo.get, request: "x", serializer: codec, deserializer: codec)
    }
    #expect(refused?.code == .unauthenticated)
    #expect(refused?.message == "A bearer token is required.")

    let accepted = try await makeClient(serverInterceptors: [RequireToken()], clientInterceptors: [AddToken()])
      .unary(Echo.get, request: "x", serializer: codec, deserializer: codec)
    #expect(accepted.message == "echo:x")
  }

  @Test func unaryWithTwoRequestMessagesIsInternal() async throws {
    let server = RPCServer(services: [EchoService()])
    let transport = InProcessTransport(server: server)
    let head = ClientCallHead(method: Echo.get, metadata: [:], deadline: nil, compression: .identity)
    let call = try await transport.openCall(head, firstMessage: Array("a".utf8), endOfRequests: false)
    try await call.write(Array("b".utf8))
    try await call.finishRequests()
    var status: Status?
    while let part = try await call.responses.next() {
      if case .end(let s, _) = part { status = s }
    }
    #expect(status?.code == .internalError)
    #expect(status?.message == "The client sent more than one request message for a single-request method.")
  }

  @Test func tinyBufferStillDeliversEveryMessageInOrder() async throws {
    // A 64-byte buffer: the writer suspends on almost every message and still loses none.
    let service = EchoService()
    let client = makeClient(service, bufferLimit: 64)
    let codec = self.codec
    let count = try await client.serverStreaming(Echo.expand, request: "500", serializer: codec, deserializer: codec) { response in
      var seen = 0
      for try await _ in response.messages { seen += 1 }
      return seen
    }
    #expect(count == 500)
  }

  @Test(arguments: [
    ("/a.B/C", "a.B", "C"),
    ("/slipstream.pricing.v1.PricingService/GetQuote", "slipstream.pricing.v1.PricingService", "GetQuote"),
  ])
  func methodDescriptorParsesPaths(path: String, service: String, method: String) {
    let descriptor = MethodDescriptor(path: path)
    #expect(descriptor?.service == service)
    #expect(descriptor?.method == method)
    #expect(descriptor?.path == path)
  }

  @Test(arguments: ["", "/", "//", "/a.B/", "a.B/C", "/a.B"])
  func methodDescriptorRejectsMalformedPaths(path: String) {
    #expect(MethodDescriptor(path: path) == nil)
  }
}

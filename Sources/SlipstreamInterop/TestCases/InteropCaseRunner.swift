import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamWire

/// Runs one interop case's procedure and checks exactly what its description asserts.
struct InteropCaseRunner: Sendable {
  let testCase: InteropTestCase
  let client: RPCClient
  private var service: Grpc_Testing_TestService.Client { Grpc_Testing_TestService.Client(client) }

  /// Request sizes of client_streaming and ping_pong.
  static let requestSizes: [Int32] = [27182, 8, 1828, 45904]
  /// Response sizes of server_streaming and ping_pong.
  static let responseSizes: [Int32] = [31415, 9, 2653, 58979]
  static let largeRequestSize: Int32 = 271828
  static let largeResponseSize: Int32 = 314159
  static let initialMetadataValue = "test_initial_metadata_value"
  static let trailingMetadataValue: [UInt8] = [0xAB, 0xAB, 0xAB]
  static let statusMessage = "test status message"
  static let specialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"

  init(testCase: InteropTestCase, client: RPCClient) {
    self.testCase = testCase
    self.client = client
  }

  // MARK: Cases

  func emptyUnary() async throws {
    let response = try await service.emptyCall(Grpc_Testing_Empty())
    try expect(response == Grpc_Testing_Empty(), "the response is not an empty message")
  }

  func largeUnary() async throws {
    let response = try await service.unaryCall(try Self.largeRequest())
    try expectZeros(response.payload, size: Self.largeResponseSize, "the response payload")
  }

  func clientStreaming() async throws {
    let response = try await service.streamingInputCall { writer in
      for size in Self.requestSizes {
        var request = Grpc_Testing_StreamingInputCallRequest()
        request.payload = try .zeros(size)
        try await writer.write(request)
      }
    }
    let expected = Self.requestSizes.reduce(0, +)
    try expect(
      response.aggregatedPayloadSize == expected,
      "aggregated_payload_size is \(response.aggregatedPayloadSize), expected \(expected)"
    )
  }

  func serverStreaming() async throws {
    var request = Grpc_Testing_StreamingOutputCallRequest()
    request.responseParameters = Self.responseSizes.map { .size($0) }
    let payloads = try await service.streamingOutputCall(request) { response in
      try await response.messages.reduce(into: [Grpc_Testing_Payload]()) { $0.append($1.payload) }
    }
    try expectPayloads(payloads, sizes: Self.responseSizes)
  }

  func pingPong() async throws {
    // Each request goes out only after the response to the previous one arrived.
    let (received, receivedSignal) = AsyncStream<Void>.makeStream()
    let payloads = try await service.fullDuplexCall { writer in
      var responsesSeen = received.makeAsyncIterator()
      for (responseSize, requestSize) in zip(Self.responseSizes, Self.requestSizes) {
        try await writer.write(try .echo(responseSizes: [responseSize], payloadSize: requestSize))
        guard await responsesSeen.next() != nil else { return }
      }
    } handle: { response in
      defer { receivedSignal.finish() }
      var payloads: [Grpc_Testing_Payload] = []
      for try await message in response.messages {
        payloads.append(message.payload)
        receivedSignal.yield()
      }
      return payloads
    }
    try expectPayloads(payloads, sizes: Self.responseSizes)
  }

  func emptyStream() async throws {
    let count = try await service.fullDuplexCall { _ in
    } handle: { response in
      try await response.messages.reduce(0) { count, _ in count + 1 }
    }
    try expect(count == 0, "received \(count) responses, expected none")
  }

  func cancelAfterBegin() async throws {
    let (started, startedSignal) = AsyncStream<Void>.makeStream()
    let call = Task {
      // Also ends the wait below when the call fails before it starts.
      defer { startedSignal.finish() }
      return try await service.streamingInputCall { _ in
        startedSignal.yield()
        try await suspendUntilCancelled()
      }
    }
    for await _ in started { break }
    call.cancel()
    try await expectError(.cancelled) { _ = try await call.value }
  }

  func cancelAfterFirstResponse() async throws {
    let (first, firstSignal) = AsyncStream<Void>.makeStream()
    let call = Task {
      // Also ends the wait below when the call fails before any response.
      defer { firstSignal.finish() }
      return try await service.fullDuplexCall { writer in
        try await writer.write(try .echo(responseSizes: [31415], payloadSize: 27182))
        try await suspendUntilCancelled()
      } handle: { response in
        for try await message in response.messages {
          try expectZeros(message.payload, size: 31415, "the first response payload")
          firstSignal.yield()
          try await suspendUntilCancelled()
        }
        throw InteropTestFailure(case: testCase, reason: "the call ended without a response")
      }
    }
    for await _ in first { break }
    call.cancel()
    try await expectError(.cancelled) { _ = try await call.value }
  }

  func timeoutOnSleepingServer() async throws {
    try await expectError(.deadlineExceeded) {
      try await service.fullDuplexCall(options: CallOptions(timeout: .milliseconds(1))) { writer in
        var request = Grpc_Testing_StreamingOutputCallRequest()
        request.payload = try .zeros(27182)
        // The deadline may pass before the request is out; the call's status is what counts.
        try? await writer.write(request)
        try await suspendUntilCancelled()
      } handle: { response in
        for try await _ in response.messages {}
      }
    }
  }

  func statusCodeAndMessage() async throws {
    try await expectEchoedStatus(Self.statusMessage, duplex: true)
  }

  func specialStatusMessage() async throws {
    try await expectEchoedStatus(Self.specialStatusMessage, duplex: false)
  }

  func customMetadata() async throws {
    var metadata = Metadata()
    try metadata.addString(Self.initialMetadataValue, forKey: InteropTestService.echoInitialKey)
    try metadata.addBinary(Self.trailingMetadataValue, forKey: InteropTestService.echoTrailingKey)

    let unary = try await client.unary(
      Grpc_Testing_TestService.Method.unaryCall,
      request: try Self.largeRequest(),
      serializer: ProtobufSerializer<Grpc_Testing_SimpleRequest>(),
      deserializer: ProtobufDeserializer<Grpc_Testing_SimpleResponse>(),
      metadata: metadata
    )
    try expectZeros(unary.message.payload, size: Self.largeResponseSize, "the UnaryCall response payload")
    try expectEchoed(headers: unary.headers, trailers: unary.trailers, call: "UnaryCall")

    let duplex = try await service.fullDuplexCall(metadata: metadata) { writer in
      try await writer.write(try .echo(responseSizes: [Self.largeResponseSize], payloadSize: Self.largeRequestSize))
    } handle: { response in
      let payloads = try await response.messages.reduce(into: [Grpc_Testing_Payload]()) { $0.append($1.payload) }
      return (payloads, response.headers, response.trailers ?? [:])
    }
    try expectPayloads(duplex.0, sizes: [Self.largeResponseSize])
    try expectEchoed(headers: duplex.1, trailers: duplex.2, call: "FullDuplexCall")
  }

  func unimplementedMethod() async throws {
    try await expectError(.unimplemented) {
      _ = try await service.unimplementedCall(Grpc_Testing_Empty())
    }
  }

  func unimplementedService() async throws {
    try await expectError(.unimplemented) {
      _ = try await Grpc_Testing_UnimplementedService.Client(client).unimplementedCall(Grpc_Testing_Empty())
    }
  }

  // MARK: Checks

  private func failure(_ reason: String) -> InteropTestFailure {
    InteropTestFailure(case: testCase, reason: reason)
  }

  private func expect(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
    if !condition { throw failure(reason()) }
  }

  private func expectZeros(_ payload: Grpc_Testing_Payload, size: Int32, _ what: String) throws {
    try expect(payload.body.count == Int(size), "\(what) is \(payload.body.count) bytes, expected \(size)")
    try expect(payload.body.allSatisfy { $0 == 0 }, "\(what) is not all zero bytes")
  }

  private func expectPayloads(_ payloads: [Grpc_Testing_Payload], sizes: [Int32]) throws {
    try expect(
      payloads.count == sizes.count,
      "received \(payloads.count) responses of \(payloads.map(\.body.count)) bytes, expected \(sizes)"
    )
    for (index, (payload, size)) in zip(payloads, sizes).enumerated() {
      try expectZeros(payload, size: size, "response \(index + 1)'s payload")
    }
  }

  /// Runs `body` and checks it fails with `code` (and `message`, when given).
  private func expectError(
    _ code: StatusCode,
    message: String? = nil,
    _ body: () async throws -> Void
  ) async throws {
    do {
      try await body()
    } catch let error as RPCError {
      try expect(error.code == code, "the call failed with \(error), expected \(code.name)")
      if let message {
        try expect(
          error.message == message,
          "the status message is \(error.message.debugDescription), expected \(message.debugDescription)"
        )
      }
      return
    }
    throw failure("the call succeeded, expected \(code.name)")
  }

  /// Asks the server to fail UnaryCall (and FullDuplexCall) with UNKNOWN and `message`.
  private func expectEchoedStatus(_ message: String, duplex: Bool) async throws {
    var status = Grpc_Testing_EchoStatus()
    status.code = Int32(StatusCode.unknown.rawValue)
    status.message = message
    var unary = Grpc_Testing_SimpleRequest()
    unary.responseStatus = status
    try await expectError(.unknown, message: message) { _ = try await service.unaryCall(unary) }
    guard duplex else { return }
    var request = Grpc_Testing_StreamingOutputCallRequest()
    request.responseStatus = status
    let streaming = request
    try await expectError(.unknown, message: message) {
      try await service.fullDuplexCall { writer in
        try await writer.write(streaming)
      } handle: { response in
        for try await _ in response.messages {}
      }
    }
  }

  private func expectEchoed(headers: Metadata, trailers: Metadata, call: String) throws {
    let initial = headers[stringValues: InteropTestService.echoInitialKey]
    try expect(
      initial == [Self.initialMetadataValue],
      "\(call)'s initial metadata has \(InteropTestService.echoInitialKey) = \(initial), expected [\(Self.initialMetadataValue)]"
    )
    let trailing = trailers[binaryValues: InteropTestService.echoTrailingKey]
    try expect(
      trailing == [Self.trailingMetadataValue],
      "\(call)'s trailing metadata has \(InteropTestService.echoTrailingKey) = \(trailing), expected [[171, 171, 171]]"
    )
  }

  private static func largeRequest() throws -> Grpc_Testing_SimpleRequest {
    var request = Grpc_Testing_SimpleRequest()
    request.responseSize = largeResponseSize
    request.payload = try .zeros(largeRequestSize)
    return request
  }
}

extension Grpc_Testing_ResponseParameters {
  /// Parameters asking for one response of `size` bytes.
  static func size(_ size: Int32) -> Self {
    var parameters = Self()
    parameters.size = size
    return parameters
  }
}

extension Grpc_Testing_StreamingOutputCallRequest {
  /// A request carrying `payloadSize` zero bytes and asking for responses of `responseSizes`.
  static func echo(responseSizes: [Int32], payloadSize: Int32) throws -> Self {
    var request = Self()
    request.responseParameters = responseSizes.map { .size($0) }
    request.payload = try .zeros(payloadSize)
    return request
  }
}

/// Suspends until the current task is cancelled, then throws `CancellationError`.
func suspendUntilCancelled() async throws {
  let (never, end) = AsyncStream<Never>.makeStream()
  await withTaskCancellationHandler {
    for await _ in never {}
  } onCancel: {
    end.finish()
  }
  throw CancellationError()
}

import SlipstreamAPI
import SlipstreamInterop
import SlipstreamRPC
import SlipstreamWire
import Testing

/// The server side's error paths.
@Suite(.timeLimit(.minutes(1)))
struct InteropTestServiceTests {
  private let service = Grpc_Testing_TestService.Client(
    RPCClient(transport: InProcessTransport(server: RPCServer(services: [InteropTestService()])))
  )

  @Test("A negative response size is INVALID_ARGUMENT")
  func negativeSize() async throws {
    var request = Grpc_Testing_SimpleRequest()
    request.responseSize = -1
    let error = await #expect(throws: RPCError.self) { try await service.unaryCall(request) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "A payload size must not be negative; got -1.")
  }

  @Test("An unsupported payload type is INVALID_ARGUMENT")
  func unsupportedType() async throws {
    var request = Grpc_Testing_SimpleRequest()
    request.responseType = .UNRECOGNIZED(7)
    let error = await #expect(throws: RPCError.self) { try await service.unaryCall(request) }
    #expect(error?.code == .invalidArgument)
  }

  @Test("A response_status code outside the gRPC codes is INVALID_ARGUMENT")
  func unknownStatusCode() async throws {
    var request = Grpc_Testing_SimpleRequest()
    request.responseStatus.code = 99
    let error = await #expect(throws: RPCError.self) { try await service.unaryCall(request) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "response_status.code 99 is not a gRPC status code.")
  }

  @Test("response_status is echoed from any code", arguments: [StatusCode.notFound, .resourceExhausted, .dataLoss])
  func echoedStatus(_ code: StatusCode) async throws {
    var request = Grpc_Testing_SimpleRequest()
    request.responseStatus.code = Int32(code.rawValue)
    request.responseStatus.message = "asked for \(code.name)"
    let error = await #expect(throws: RPCError.self) { try await service.unaryCall(request) }
    #expect(error?.code == code)
    #expect(error?.message == "asked for \(code.name)")
  }

  @Test("HalfDuplexCall answers only after the client half-closes, in request order")
  func halfDuplex() async throws {
    let sizes = try await service.halfDuplexCall { writer in
      for size: Int32 in [3, 1, 2] {
        var request = Grpc_Testing_StreamingOutputCallRequest()
        var parameters = Grpc_Testing_ResponseParameters()
        parameters.size = size
        request.responseParameters = [parameters]
        try await writer.write(request)
      }
    } handle: { response in
      try await response.messages.reduce(into: [Int]()) { $0.append($1.payload.body.count) }
    }
    #expect(sizes == [3, 1, 2])
  }
}

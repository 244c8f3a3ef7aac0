import Foundation
import SlipstreamAPI
import SlipstreamInterop
import SlipstreamRPC
import SlipstreamWire
import Testing

/// The interop suite with our client against our server over the in-process transport.
@Suite(.timeLimit(.minutes(1)))
struct InteropInProcessTests {
  private static let client = RPCClient(transport: InProcessTransport(server: RPCServer(services: [InteropTestService()])))

  @Test("Every interop case passes, our client against our server", arguments: InteropTestCase.allCases)
  func casePasses(_ testCase: InteropTestCase) async throws {
    try await testCase.run(client: Self.client)
  }

  /// Against a server that serves nothing, every case that needs the server's behaviour must
  /// report itself as failed, so the cases really check something. Not in the table: the
  /// unimplemented cases and cancel_after_begin (which pass against any server) and
  /// timeout_on_sleeping_server (whose 1 ms deadline races the UNIMPLEMENTED answer).
  @Test(
    "Against an empty server every case that needs the service fails, naming itself",
    arguments: InteropTestCase.allCases.filter {
      ![.unimplementedMethod, .unimplementedService, .cancelAfterBegin, .timeoutOnSleepingServer].contains($0)
    }
  )
  func caseFailsAgainstAnEmptyServer(_ testCase: InteropTestCase) async throws {
    let client = RPCClient(transport: InProcessTransport(server: RPCServer(services: [])))
    let failure = await #expect(throws: InteropTestFailure.self) { try await testCase.run(client: client) }
    #expect(failure?.case == testCase)
  }

  /// The server finishes the call before the client's request goes out: the client must see
  /// the server's UNIMPLEMENTED, not its own failed write (CANCELLED).
  @Test("A streaming call the server does not serve reports UNIMPLEMENTED even when the client writes")
  func unimplementedStreamingCallAfterWrites() async throws {
    let client = Grpc_Testing_TestService.Client(RPCClient(transport: InProcessTransport(server: RPCServer(services: []))))
    let error = await #expect(throws: RPCError.self) {
      try await client.fullDuplexCall { writer in
        // Writes until a write fails: the server never reads, so the buffer fills and the
        // write fails once the server has finished the call.
        var request = Grpc_Testing_StreamingOutputCallRequest()
        request.payload.body = Data(count: 1024)
        while true { try await writer.write(request) }
      } handle: { response in
        for try await _ in response.messages {}
      }
    }
    #expect(error?.code == .unimplemented)
  }

  @Test("A server that does not echo metadata fails custom_metadata with the reason")
  func customMetadataNeedsTheEcho() async throws {
    let client = RPCClient(transport: InProcessTransport(server: RPCServer(services: [SilentTestService()])))
    let failure = await #expect(throws: InteropTestFailure.self) { try await InteropTestCase.customMetadata.run(client: client) }
    #expect(failure?.case == .customMetadata)
    #expect(failure?.reason.contains("x-grpc-test-echo-initial") == true)
  }

  @Test("The unimplemented cases and cancel_after_begin pass against an empty server", arguments: [
    InteropTestCase.unimplementedMethod, .unimplementedService, .cancelAfterBegin,
  ])
  func casesThatNeedNoService(_ testCase: InteropTestCase) async throws {
    try await testCase.run(client: RPCClient(transport: InProcessTransport(server: RPCServer(services: []))))
  }

  @Test("Case names are the interop runners' names", arguments: [
    ("empty_unary", InteropTestCase.emptyUnary),
    ("cancel_after_first_response", .cancelAfterFirstResponse),
    ("unimplemented_service", .unimplementedService),
  ])
  func caseNames(_ name: String, _ testCase: InteropTestCase) {
    #expect(InteropTestCase(rawValue: name) == testCase)
    #expect(testCase.description == name)
  }

  @Test("There are the 14 standard cases")
  func fourteenCases() {
    #expect(InteropTestCase.allCases.count == 14)
  }
}

/// The interop service with its metadata echo switched off.
private struct SilentTestService: RPCService {
  func registerMethods(with router: inout RPCRouter) {
    let service = InteropTestService()
    router.registerUnary(
      Grpc_Testing_TestService.Method.unaryCall,
      deserializer: ProtobufDeserializer<Grpc_Testing_SimpleRequest>(),
      serializer: ProtobufSerializer<Grpc_Testing_SimpleResponse>()
    ) { request, context in
      let quiet = ServerContext(method: context.method, metadata: [:], peer: context.peer, deadline: context.deadline)
      return try await service.unaryCall(request: request, context: quiet)
    }
  }
}

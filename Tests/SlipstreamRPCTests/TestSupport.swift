import SlipstreamRPC
@_exported import SlipstreamTestSupport
import SlipstreamWire
import Synchronization

/// UTF-8 strings as messages, so tests read clearly.
enum Echo {
  static let service = "test.Echo"
  static let get = MethodDescriptor(service: service, method: "Get")
  static let collect = MethodDescriptor(service: service, method: "Collect")
  static let expand = MethodDescriptor(service: service, method: "Expand")
  static let update = MethodDescriptor(service: service, method: "Update")
  static let hang = MethodDescriptor(service: service, method: "Hang")
  static let fail = MethodDescriptor(service: service, method: "Fail")
  static let crash = MethodDescriptor(service: service, method: "Crash")
  static let fromSource = MethodDescriptor(service: service, method: "FromSource")
}

/// Suspends until the task is cancelled, then fires `cancelled`.
func waitForCancellation(_ cancelled: Signal) async {
  let never = Signal()
  await withTaskCancellationHandler {
    await never.wait()
  } onCancel: {
    never.fire()
  }
  cancelled.fire()
}

struct EchoService: RPCService {
  let hangCancelled = Signal()
  let hangStarted = Signal()
  let fromSourceEnded = Signal()

  func registerMethods(with router: inout RPCRouter) {
    let codec = StringCodec()
    router.registerUnary(Echo.get, deserializer: codec, serializer: codec) { request, context in
      context.response.initial = context.metadata
      var trailing: Metadata = [:]
      try trailing.addString("done", forKey: "x-trailer")
      context.response.trailing = trailing
      return "echo:\(request)"
    }
    router.registerClientStreaming(Echo.collect, deserializer: codec, serializer: codec) { requests, _ in
      var all: [String] = []
      for try await request in requests { all.append(request) }
      return all.joined(separator: ",")
    }
    router.registerServerStreaming(Echo.expand, deserializer: codec, serializer: codec) { request, writer, _ in
      guard let count = Int(request) else {
        throw RPCError(code: .invalidArgument, message: "Not a number: \(request)")
      }
      for i in 0..<count { try await writer.write("item-\(i)") }
    }
    router.registerBidirectionalStreaming(Echo.update, deserializer: codec, serializer: codec) { requests, writer, _ in
      for try await request in requests { try await writer.write(request.uppercased()) }
    }
    router.registerNumbersFromSource(Echo.fromSource, ended: fromSourceEnded)
    let started = hangStarted
    let cancelled = hangCancelled
    router.registerUnary(Echo.hang, deserializer: codec, serializer: codec) { _, _ in
      started.fire()
      await waitForCancellation(cancelled)
      throw CancellationError()
    }
    router.registerUnary(Echo.fail, deserializer: codec, serializer: codec) { request, _ in
      var metadata: Metadata = [:]
      try metadata.addString("why", forKey: "x-reason")
      throw RPCError(code: .notFound, message: "No quote for \(request)", metadata: metadata)
    }
    router.registerUnary(Echo.crash, deserializer: codec, serializer: codec) { _, _ -> String in
      struct SecretInternalFailure: Error { let password = "hunter2" }
      throw SecretInternalFailure()
    }
  }
}

func makeClient(
  _ service: EchoService = EchoService(),
  serverInterceptors: [any ServerInterceptor] = [],
  clientInterceptors: [any ClientInterceptor] = [],
  bufferLimit: Int = 1 << 20
) -> RPCClient {
  let server = RPCServer(services: [service], interceptors: serverInterceptors)
  return RPCClient(transport: InProcessTransport(server: server, bufferLimit: bufferLimit), interceptors: clientInterceptors)
}

/// Expects `body` to throw an RPCError and returns it.
func expectRPCError(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    return RPCError(code: .unknown, message: "not an RPCError: \(error)")
  }
}

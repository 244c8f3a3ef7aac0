@_exported import SlipstreamTestSupport
import SlipstreamRPC
import SlipstreamServiceRuntime
import SlipstreamTransport
import SlipstreamWire

/// `test.Runtime`: Echo, Missing (NOT_FOUND), WhoAmI (the client certificate's name), and
/// Gate (waits until the test opens it).
struct RuntimeTestService: RPCService {
  static let echo = MethodDescriptor(service: "test.Runtime", method: "Echo")
  static let missing = MethodDescriptor(service: "test.Runtime", method: "Missing")
  static let whoAmI = MethodDescriptor(service: "test.Runtime", method: "WhoAmI")
  static let gate = MethodDescriptor(service: "test.Runtime", method: "Gate")

  let gateEntered = Signal()
  let gateOpen = Signal()

  func registerMethods(with router: inout RPCRouter) {
    let codec = StringCodec()
    router.registerUnary(Self.echo, deserializer: codec, serializer: codec) { request, _ in request }
    router.registerUnary(Self.missing, deserializer: codec, serializer: codec) { request, _ -> String in
      throw RPCError(code: .notFound, message: "No \(request).")
    }
    router.registerUnary(Self.whoAmI, deserializer: codec, serializer: codec) { _, context in
      context.peer.identity?.commonName ?? "anonymous"
    }
    let (entered, open) = (gateEntered, gateOpen)
    router.registerUnary(Self.gate, deserializer: codec, serializer: codec) { request, _ in
      entered.fire()
      await open.wait()
      return "passed:\(request)"
    }
  }
}

/// Runs `body` with a client to 127.0.0.1:`port`, closing the client afterwards.
func withClient<Result>(
  port: Int,
  security: ClientSecurity = .plaintext,
  _ body: (RPCClient) async throws -> Result
) async throws -> Result {
  let channel = try GRPCChannel(
    configuration: GRPCChannelConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: security)
  )
  do {
    let result = try await body(RPCClient(transport: channel))
    await channel.close()
    return result
  } catch {
    await channel.close()
    throw error
  }
}

/// The RPC error a call fails with, or nil when it succeeds.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    return RPCError(code: .unknown, message: "not an RPCError: \(error)")
  }
}

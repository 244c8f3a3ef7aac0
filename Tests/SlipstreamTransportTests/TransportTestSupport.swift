#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import SlipstreamRPC
@_exported import SlipstreamTestSupport
import SlipstreamTLS
import SlipstreamTransport
import SlipstreamWire
import Synchronization

final class Counter: Sendable {
  private let value = Atomic<Int>(0)
  @discardableResult func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
  var current: Int { value.load(ordering: .relaxed) }
}

enum Test {
  static let service = "test.Transport"
  static let echo = MethodDescriptor(service: service, method: "Echo")
  static let whoAmI = MethodDescriptor(service: service, method: "WhoAmI")
  static let expand = MethodDescriptor(service: service, method: "Expand")
  static let collect = MethodDescriptor(service: service, method: "Collect")
  static let chat = MethodDescriptor(service: service, method: "Chat")
  static let hang = MethodDescriptor(service: service, method: "Hang")
  static let gate = MethodDescriptor(service: service, method: "Gate")
  static let flood = MethodDescriptor(service: service, method: "Flood")
  static let fromSource = MethodDescriptor(service: service, method: "FromSource")
  static let thread = MethodDescriptor(service: service, method: "Thread")
}

/// A service exercising every call shape over the network.
struct TransportTestService: RPCService {
  let name: String
  let hangStarted = Signal()
  let hangCancelled = Signal()
  /// Hang calls whose handler was cancelled.
  let hangCancellations = Counter()
  /// Fired when the handler of a Hang call whose request is "watched" is cancelled.
  let watchedHangCancelled = Signal()
  let gateEntered = Signal()
  let gateOpen = Signal()
  let floodWritten = Counter()
  let floodEnded = Signal()
  let fromSourceEnded = Signal()

  init(name: String = "server") { self.name = name }

  func registerMethods(with router: inout RPCRouter) {
    let codec = StringCodec()
    let name = self.name
    router.registerUnary(Test.echo, deserializer: codec, serializer: codec) { request, context in
      context.response.initial = context.metadata
      return request
    }
    router.registerUnary(Test.whoAmI, deserializer: codec, serializer: codec) { _, context in
      "\(name)|\(context.peer.identity?.commonName ?? "anonymous")"
    }
    // "N": the messages "0" … "N-1"; "N/P": every even-numbered one padded with P "=".
    router.registerServerStreaming(Test.expand, deserializer: codec, serializer: codec) { request, writer, _ in
      let parts = request.split(separator: "/")
      let padding = parts.count > 1 ? String(repeating: "=", count: Int(parts[1]) ?? 0) : ""
      for i in 0..<(Int(parts.first ?? "") ?? 0) { try await writer.write(i.isMultiple(of: 2) ? "\(i)\(padding)" : "\(i)") }
    }
    router.registerClientStreaming(Test.collect, deserializer: codec, serializer: codec) { requests, _ in
      var count = 0
      var bytes = 0
      for try await request in requests {
        count += 1
        bytes += request.utf8.count
      }
      return "\(count):\(bytes)"
    }
    router.registerBidirectionalStreaming(Test.chat, deserializer: codec, serializer: codec) { requests, writer, _ in
      for try await request in requests { try await writer.write("re:\(request)") }
    }
    let (started, cancelled, cancellations, watched) = (hangStarted, hangCancelled, hangCancellations, watchedHangCancelled)
    router.registerUnary(Test.hang, deserializer: codec, serializer: codec) { request, context -> String in
      // What a call cut off by its deadline must still carry to the client.
      context.response.trailing = ["x-hang": .string(request)]
      started.fire()
      let never = Signal()
      await withTaskCancellationHandler { await never.wait() } onCancel: { never.fire() }
      cancellations.increment()
      if request == "watched" { watched.fire() }
      cancelled.fire()
      throw CancellationError()
    }
    let (entered, open) = (gateEntered, gateOpen)
    router.registerUnary(Test.gate, deserializer: codec, serializer: codec) { request, _ in
      entered.fire()
      await open.wait()
      return "passed:\(request)"
    }
    router.registerNumbersFromSource(Test.fromSource, ended: fromSourceEnded)
    // Where the handler runs: "event-loop" on a SwiftNIO event-loop thread, else "pool";
    // checked again after a suspension, where the task resumes.
    router.registerUnary(Test.thread, deserializer: codec, serializer: codec) { _, _ in
      func here() -> String { MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "event-loop" }
      let before = here()
      await Task.yield()
      return "\(before),\(here())"
    }
    let (written, ended) = (floodWritten, floodEnded)
    router.registerServerStreaming(Test.flood, deserializer: codec, serializer: codec) { request, writer, _ in
      defer { ended.fire() }
      let chunk = String(repeating: "x", count: 64 * 1024)
      for _ in 0..<(Int(request) ?? 0) {
        try await writer.write(chunk)
        written.increment()
      }
    }
  }
}

/// A CA, a server certificate for 127.0.0.1/localhost, and a client certificate.
struct TestPKI {
  let ca: DevelopmentPKI.CertificateAuthority
  let server: DevelopmentPKI.IssuedCertificate
  let client: DevelopmentPKI.IssuedCertificate

  init() throws {
    ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Test CA")
    server = try ca.issue(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .server)
    client = try ca.issue(commonName: "router-service", usage: .client)
  }

  func serverTLS(mutual: Bool = false) -> TLSConfiguration {
    .server(certificateChain: server.certificate, privateKey: server.privateKey, clientCertificateTrustRoots: mutual ? ca.certificate : nil)
  }

  func clientTLS(withCertificate: Bool = false) -> TLSConfiguration {
    withCertificate
      ? .client(trustRoots: ca.certificate, certificate: client.certificate, privateKey: client.privateKey)
      : .client(trustRoots: ca.certificate)
  }
}

/// Starts a server, runs `body` with a client to it, and shuts the server down.
func withServer<Result>(
  _ service: TransportTestService = TransportTestService(),
  security: ServerSecurity = .plaintext,
  clientSecurity: ClientSecurity = .plaintext,
  handlers: HandlerExecution = .concurrentPool,
  configure: (inout GRPCServerConfiguration) -> Void = { _ in },
  configureChannel: (inout GRPCChannelConfiguration) -> Void = { _ in },
  _ body: (RPCClient, GRPCServer, Int) async throws -> Result
) async throws -> Result {
  var configuration = GRPCServerConfiguration(port: 0, security: security, handlerExecution: handlers)
  configure(&configuration)
  let server = GRPCServer(configuration: configuration, services: [service])
  let port = try await server.start()
  var channelConfiguration = GRPCChannelConfiguration(endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: clientSecurity)
  configureChannel(&channelConfiguration)
  let channel = try GRPCChannel(configuration: channelConfiguration)
  do {
    let result = try await body(RPCClient(transport: channel), server, port)
    await channel.close()
    await server.shutdownGracefully()
    return result
  } catch {
    await channel.close()
    await server.shutdownGracefully()
    throw error
  }
}

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

/// A loopback port that refuses connections for as long as this value lives: a socket bound
/// to it without listening. Unlike a server started and stopped to free a port, no other test
/// running meanwhile can take the port and answer in its place.
final class RefusingPort {
  let port: Int
  private let descriptor: Int32

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw RPCError(code: .internalError, message: "socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
      }
    }
    guard bound else {
      close(descriptor)
      throw RPCError(code: .internalError, message: "bind() failed: errno \(errno)")
    }
    self.descriptor = descriptor
    self.port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(descriptor) }
}

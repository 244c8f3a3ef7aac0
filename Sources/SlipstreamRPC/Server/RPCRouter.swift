import SlipstreamWire
import Synchronization

/// A service: a set of methods it registers with a router.
public protocol RPCService: Sendable {
  /// Registers every method of the service.
  func registerMethods(with router: inout RPCRouter)
}

/// Maps `:path` to handlers.
public struct RPCRouter: Sendable {
  /// A registered method, type-erased to payloads.
  struct Entry: Sendable {
    let descriptor: MethodDescriptor
    let kind: RPCKind
    /// Runs the handler; returns the last response payload for single-response calls.
    let run: @Sendable (ServerCallIO) async throws -> [UInt8]?
  }

  private(set) var entries: [String: Entry] = [:]
  private(set) var services: Set<String> = []

  public init() {}

  /// The registered methods.
  public var methods: [MethodDescriptor] { entries.values.map(\.descriptor) }

  /// Whether a service of this name has at least one method.
  public func hasService(_ name: String) -> Bool { services.contains(name) }

  private mutating func add(_ entry: Entry) {
    precondition(entries[entry.descriptor.path] == nil, "\(entry.descriptor) is registered twice")
    entries[entry.descriptor.path] = entry
    services.insert(entry.descriptor.service)
  }

  /// Registers a unary method: one request, one response.
  public mutating func registerUnary<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
  ) {
    add(Entry(descriptor: method, kind: .unary) { io in
      let request = try decode(try await io.readSingleRequest(), with: deserializer)
      return try encode(try await handler(request, io.context), with: serializer)
    })
  }

  /// Registers a client-streaming method: many requests, one response.
  public mutating func registerClientStreaming<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler: @escaping @Sendable (RPCMessageStream<Request>, ServerContext) async throws -> Response
  ) {
    add(Entry(descriptor: method, kind: .clientStreaming) { io in
      let requests = RPCMessageStream(payloads: io.call.requests, deserializer: deserializer)
      return try encode(try await handler(requests, io.context), with: serializer)
    })
  }

  /// Registers a server-streaming method: one request, many responses.
  public mutating func registerServerStreaming<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler: @escaping @Sendable (Request, RPCWriter<Response>, ServerContext) async throws -> Void
  ) {
    add(Entry(descriptor: method, kind: .serverStreaming) { io in
      let request = try decode(try await io.readSingleRequest(), with: deserializer)
      try await handler(request, io.writer(serializer), io.context)
      return nil
    })
  }

  /// Registers a bidirectional-streaming method.
  public mutating func registerBidirectionalStreaming<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Request>,
    serializer: some MessageSerializer<Response>,
    handler: @escaping @Sendable (RPCMessageStream<Request>, RPCWriter<Response>, ServerContext) async throws -> Void
  ) {
    add(Entry(descriptor: method, kind: .bidirectionalStreaming) { io in
      let requests = RPCMessageStream(payloads: io.call.requests, deserializer: deserializer)
      try await handler(requests, io.writer(serializer), io.context)
      return nil
    })
  }
}

/// The per-call plumbing between a typed handler and the transport's responder.
final class ServerCallIO: Sendable {
  let call: ServerCall
  let context: ServerContext
  private let headersSent = Atomic<Bool>(false)

  init(call: ServerCall, context: ServerContext) {
    self.call = call
    self.context = context
  }

  /// The initial metadata if they have not been sent yet; marks them sent.
  func takeHeaders() -> Metadata? {
    headersSent.exchange(true, ordering: .acquiringAndReleasing) ? nil : context.response.initial
  }

  /// Reads exactly one request, as unary and server-streaming calls expect.
  func readSingleRequest() async throws -> [UInt8] {
    guard let first = try await call.requests.next() else {
      throw RPCError(code: .internalError, message: "The client sent no request message.")
    }
    if try await call.requests.next() != nil {
      throw RPCError(code: .internalError, message: "The client sent more than one request message for a single-request method.")
    }
    return first
  }

  func writer<S: MessageSerializer>(_ serializer: S) -> RPCWriter<S.Message> where S.Message: Sendable {
    RPCWriter { message in
      let payload = try encode(message, with: serializer)
      try await self.mappingErrors { try await self.call.responder.write(payload, headers: self.takeHeaders()) }
    } sendHeaders: {
      guard let headers = self.takeHeaders() else { return }
      try await self.mappingErrors { try await self.call.responder.sendHeaders(headers) }
    } sendFromSource: { source in
      try await self.mappingErrors { try await self.call.responder.send(from: source, headers: self.takeHeaders()) }
    }
  }

  private nonisolated(nonsending) func mappingErrors(_ body: nonisolated(nonsending) () async throws -> Void) async throws {
    do {
      try await body()
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .cancelled, message: "The call is over; the response could not be sent.", cause: error)
    }
  }
}

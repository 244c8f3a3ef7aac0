public import SlipstreamWire
import Synchronization

/// A single-response call's result: the message and the metadata around it.
public struct ClientResponse<Message: Sendable>: Sendable {
  public var message: Message
  /// The server's initial metadata.
  public var headers: Metadata
  /// The server's trailing metadata.
  public var trailers: Metadata
}

/// A streaming response: initial metadata, then messages; trailing metadata once the
/// messages are exhausted. A non-OK status ends iteration with an ``RPCError``.
public struct ClientStreamingResponse<Message: Sendable>: Sendable {
  /// The server's initial metadata (empty for a trailers-only response).
  public let headers: Metadata
  /// The response messages.
  public let messages: RPCMessageStream<Message>
  private let trailerBox: TrailerBox

  init(headers: Metadata, messages: RPCMessageStream<Message>, trailers: TrailerBox) {
    self.headers = headers
    self.messages = messages
    self.trailerBox = trailers
  }

  /// Trailing metadata; nil until the messages have been read to the end.
  public var trailers: Metadata? { trailerBox.value }
}

final class TrailerBox: Sendable {
  private let storage = Mutex<Metadata?>(nil)
  var value: Metadata? {
    get { storage.withLock { $0 } }
    set { storage.withLock { $0 = newValue } }
  }
}

/// Makes calls over any ``ClientTransport``: typed, with deadlines, cancellation and
/// interceptors. Generated stubs are thin wrappers over these four methods.
public struct RPCClient: Sendable {
  private let transport: any ClientTransport
  private let interceptors: [any ClientInterceptor]

  /// Creates a client.
  /// - Parameters:
  ///   - transport: Where calls go.
  ///   - interceptors: Run in order around every call (the first is outermost).
  public init(transport: any ClientTransport, interceptors: [any ClientInterceptor] = []) {
    self.transport = transport
    self.interceptors = interceptors
  }

  /// Makes a unary call.
  /// - Throws: ``RPCError`` with the server's status, DEADLINE_EXCEEDED, CANCELLED or UNAVAILABLE.
  public func unary<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    request: Request,
    serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>,
    metadata: Metadata = [:],
    options: CallOptions = .defaults
  ) async throws -> ClientResponse<Response> {
    let payload = try encode(request, with: serializer)
    // Nothing but the transport runs inside a unary call, so its deadline can be left to a
    // transport that enforces it.
    return try await perform(method, metadata: metadata, options: options, transportDeadline: transport.enforcesDeadlines) { head in
      let call = try await self.transport.openCall(head, firstMessage: payload, endOfRequests: true)
      return try await withCancellation(of: call) {
        var reader = ResponseReader(call.responses)
        return try await reader.readSingle(deserializer)
      }
    }
  }

  /// Makes a client-streaming call: `requests` writes the requests; the call half-closes
  /// when it returns.
  public func clientStreaming<Request: Sendable, Response: Sendable>(
    _ method: MethodDescriptor,
    serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>,
    metadata: Metadata = [:],
    options: CallOptions = .defaults,
    requests: @escaping @Sendable (RPCWriter<Request>) async throws -> Void
  ) async throws -> ClientResponse<Response> {
    try await perform(method, metadata: metadata, options: options) { head in
      let call = try await self.transport.openCall(head, firstMessage: nil, endOfRequests: false)
      return try await withCancellation(of: call) {
        try await writeRequests(call, serializer: serializer, requests)
        var reader = ResponseReader(call.responses)
        return try await reader.readSingle(deserializer)
      }
    }
  }

  /// Makes a server-streaming call; `handle` reads the responses. When `handle` returns
  /// before the end, the call is cancelled.
  public func serverStreaming<Request: Sendable, Response: Sendable, Result: Sendable>(
    _ method: MethodDescriptor,
    request: Request,
    serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>,
    metadata: Metadata = [:],
    options: CallOptions = .defaults,
    handle: @escaping @Sendable (ClientStreamingResponse<Response>) async throws -> Result
  ) async throws -> Result {
    let payload = try encode(request, with: serializer)
    return try await perform(method, metadata: metadata, options: options) { head in
      let call = try await self.transport.openCall(head, firstMessage: payload, endOfRequests: true)
      return try await withCancellation(of: call) {
        defer { call.cancel() }
        return try await handle(try await streamingResponse(call, deserializer))
      }
    }
  }

  /// Makes a bidirectional call: `requests` runs concurrently with `handle`; the call
  /// half-closes when `requests` returns.
  public func bidirectionalStreaming<Request: Sendable, Response: Sendable, Result: Sendable>(
    _ method: MethodDescriptor,
    serializer: some MessageSerializer<Request>,
    deserializer: some MessageDeserializer<Response>,
    metadata: Metadata = [:],
    options: CallOptions = .defaults,
    requests: @escaping @Sendable (RPCWriter<Request>) async throws -> Void,
    handle: @escaping @Sendable (ClientStreamingResponse<Response>) async throws -> Result
  ) async throws -> Result {
    try await perform(method, metadata: metadata, options: options) { head in
      let call = try await self.transport.openCall(head, firstMessage: nil, endOfRequests: false)
      return try await withCancellation(of: call) {
        defer { call.cancel() }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
          group.addTask {
            try await writeRequests(call, serializer: serializer, requests)
            return nil
          }
          group.addTask {
            try await handle(try await streamingResponse(call, deserializer))
          }
          var result: Result?
          while let next = try await group.next() {
            if let next { result = next }
          }
          return result!
        }
      }
    }
  }

  // MARK: Plumbing

  /// Runs interceptors, then `body` under the deadline.
  /// - Parameter transportDeadline: The transport ends the call at its deadline (see
  ///   ``ClientTransport/enforcesDeadlines``): no timer here.
  private func perform<Result: Sendable>(
    _ method: MethodDescriptor,
    metadata: Metadata,
    options: CallOptions,
    transportDeadline: Bool = false,
    body: @escaping @Sendable (ClientCallHead) async throws -> Result
  ) async throws -> Result {
    let deadline = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
    /// The deadline this client's own timer enforces (none when the transport does).
    let timerDeadline = transportDeadline ? nil : deadline
    if interceptors.isEmpty {
      // Nothing to run around the call: no box to carry its result through a chain.
      let head = ClientCallHead(method: method, metadata: metadata, deadline: deadline, compression: options.compression)
      return try await withClientDeadline(timerDeadline) { try await body(head) }
    }
    let box = ClientResultBox<Result>()
    let context = ClientCallContext(method: method, metadata: metadata, options: options)
    try await runInterceptors(context, index: 0) { context in
      let head = ClientCallHead(
        method: context.method,
        metadata: context.metadata,
        deadline: deadline,
        compression: context.options.compression
      )
      box.value = try await withClientDeadline(timerDeadline) { try await body(head) }
    }
    guard let value = box.value else {
      throw RPCError(code: .internalError, message: "A client interceptor returned without running the call.")
    }
    return value
  }

  private func runInterceptors(
    _ context: ClientCallContext,
    index: Int,
    body: @escaping @Sendable (ClientCallContext) async throws -> Void
  ) async throws {
    if index == interceptors.count { return try await body(context) }
    try await interceptors[index].intercept(context) { context in
      try await self.runInterceptors(context, index: index + 1, body: body)
    }
  }
}

/// Holds a call's result across the interceptor chain.
private final class ClientResultBox<Value: Sendable>: Sendable {
  private let storage = Mutex<Value?>(nil)
  var value: Value? {
    get { storage.withLock { $0 } }
    set { storage.withLock { $0 = newValue } }
  }
}

/// Runs `body`; a task cancellation cancels the call on the wire, and is reported as CANCELLED.
private func withCancellation<Result: Sendable>(
  of call: any ClientCallStream,
  _ body: () async throws -> Result
) async throws -> Result {
  do {
    return try await withTaskCancellationHandler(operation: body, onCancel: { call.cancel() })
  } catch let error as RPCError {
    throw error
  } catch is CancellationError {
    call.cancel()
    throw RPCError(code: .cancelled, message: "The call was cancelled by the client.")
  } catch {
    call.cancel()
    throw error
  }
}

/// Runs `body` with a deadline: when it passes first, `body` is cancelled (cancelling the
/// call on the wire) and the caller gets DEADLINE_EXCEEDED.
private func withClientDeadline<Result: Sendable>(
  _ deadline: ContinuousClock.Instant?,
  _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
  guard let deadline else { return try await body() }
  return try await withThrowingTaskGroup(of: Result?.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(until: deadline, clock: .continuous)
      return nil
    }
    defer { group.cancelAll() }
    do {
      guard let first = try await group.next() else { throw CancellationError() }
      guard let result = first else {
        throw RPCError(code: .deadlineExceeded, message: Status.deadlineExceeded.message)
      }
      return result
    } catch is CancellationError where Task.isCancelled == false && ContinuousClock.now >= deadline {
      throw RPCError(code: .deadlineExceeded, message: Status.deadlineExceeded.message)
    } catch let error as RPCError where error.code == .cancelled && ContinuousClock.now >= deadline && !Task.isCancelled {
      throw RPCError(code: .deadlineExceeded, message: Status.deadlineExceeded.message)
    }
  }
}

private func writeRequests<Request: Sendable>(
  _ call: any ClientCallStream,
  serializer: some MessageSerializer<Request>,
  _ requests: @Sendable (RPCWriter<Request>) async throws -> Void
) async throws {
  let writeFailed = OnceFlag()
  let writer = RPCWriter<Request> { message in
    let payload = try encode(message, with: serializer)
    do {
      try await call.write(payload)
    } catch {
      writeFailed.set()
      throw error
    }
  }
  do {
    try await requests(writer)
    try await call.finishRequests()
  } catch where writeFailed.isSet {
    // The call is over (the server finished it, or it was cancelled): the status read from
    // the responses is what the caller gets, not the failed write.
  }
}

private func streamingResponse<Response: Sendable>(
  _ call: any ClientCallStream,
  _ deserializer: some MessageDeserializer<Response>
) async throws -> ClientStreamingResponse<Response> {
  var reader = ResponseReader(call.responses)
  let headers = try await reader.readHeaders()
  let trailers = TrailerBox()
  if reader.ended {
    // Trailers-only OK response: no messages.
    trailers.value = reader.endTrailers
    return ClientStreamingResponse(headers: headers, messages: RPCMessageStream { nil }, trailers: trailers)
  }
  let responses = call.responses
  let finished = OnceFlag()
  let messages = RPCMessageStream<Response> {
    if finished.isSet { return nil }
    guard let part = try await responses.next() else {
      finished.set()
      throw RPCError(code: .internalError, message: "The response ended without a status.")
    }
    switch part {
    case .message(let payload):
      return try decode(payload, with: deserializer)
    case .end(let status, let metadata):
      finished.set()
      trailers.value = metadata
      if status.code == .ok { return nil }
      throw RPCError(code: status.code, message: status.message, metadata: metadata)
    case .headers:
      finished.set()
      throw RPCError(code: .internalError, message: "The server sent headers twice.")
    }
  }
  return ClientStreamingResponse(headers: headers, messages: messages, trailers: trailers)
}

/// Reads response parts in protocol order.
struct ResponseReader: Sendable {
  let parts: RPCStreamBuffer<ClientResponsePart>
  private(set) var ended = false
  private(set) var endTrailers: Metadata = [:]

  init(_ parts: RPCStreamBuffer<ClientResponsePart>) { self.parts = parts }

  private func nextPart() async throws -> ClientResponsePart {
    guard let part = try await parts.next() else {
      throw RPCError(code: .internalError, message: "The response ended without a status.")
    }
    return part
  }

  /// The initial metadata; for a trailers-only response, records the end and returns [:]
  /// (or throws its error).
  mutating func readHeaders() async throws -> Metadata {
    switch try await nextPart() {
    case .headers(let headers):
      return headers
    case .end(let status, let trailers):
      ended = true
      endTrailers = trailers
      if status.code != .ok { throw RPCError(code: status.code, message: status.message, metadata: trailers) }
      return [:]
    case .message:
      throw RPCError(code: .internalError, message: "The server sent a message before its headers.")
    }
  }

  /// Reads headers, exactly one message and the OK end.
  mutating func readSingle<D: MessageDeserializer>(_ deserializer: D) async throws -> ClientResponse<D.Message> where D.Message: Sendable {
    let headers = try await readHeaders()
    if ended {
      throw RPCError(code: .internalError, message: "The server ended the call with OK but sent no response message.")
    }
    var message: D.Message?
    while true {
      switch try await nextPart() {
      case .message(let payload):
        if message != nil {
          throw RPCError(code: .internalError, message: "The server sent more than one response message for a single-response method.")
        }
        message = try decode(payload, with: deserializer)
      case .end(let status, let trailers):
        if status.code != .ok { throw RPCError(code: status.code, message: status.message, metadata: trailers) }
        guard let message else {
          throw RPCError(code: .internalError, message: "The server ended the call with OK but sent no response message.")
        }
        return ClientResponse(message: message, headers: headers, trailers: trailers)
      case .headers:
        throw RPCError(code: .internalError, message: "The server sent headers twice.")
      }
    }
  }
}

/// A flag that goes from false to true once.
final class OnceFlag: Sendable {
  private let value = Atomic<Bool>(false)
  var isSet: Bool { value.load(ordering: .acquiring) }
  func set() { value.store(true, ordering: .releasing) }
  /// Sets the flag; true only for the first caller.
  func setFirst() -> Bool { !value.exchange(true, ordering: .acquiringAndReleasing) }
}

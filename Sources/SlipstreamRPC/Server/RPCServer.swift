internal import SlipstreamWire

/// Dispatches calls from any transport to registered services, through the interceptors,
/// with deadlines and status mapping. Transport-agnostic: it never sees NIO or sockets.
public struct RPCServer: Sendable {
  private let router: RPCRouter
  private let interceptors: [any ServerInterceptor]

  /// Creates a server.
  /// - Parameters:
  ///   - services: The services to serve; two methods with the same path are a programming error.
  ///   - interceptors: Run in order around every call (the first is outermost).
  public init(services: [any RPCService], interceptors: [any ServerInterceptor] = []) {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    self.router = router
    self.interceptors = interceptors
  }

  /// The methods served.
  public var methods: [MethodDescriptor] { router.methods }

  /// The kind of the method at `path`, nil when it is not served.
  public func kind(ofPath path: String) -> RPCKind? { router.entries[path]?.kind }

  /// Runs one call to completion: routes it, runs interceptors and the handler, enforces the
  /// deadline (unless the transport does, ``ServerCall/transportEnforcesDeadline``), and
  /// always finishes the call with a status.
  ///
  /// The transport runs this in a task of its own and cancels that task when the client
  /// cancels (RST_STREAM) or the connection goes away.
  public func handle(_ call: ServerCall) async {
    guard let entry = router.entries[call.path] else {
      call.requests.consumerFinished()
      call.responder.finish(headers: [:], lastMessage: nil, status: unimplementedStatus(call.path), trailers: [:])
      return
    }
    if let deadline = call.deadline, deadline <= .now {
      call.requests.consumerFinished()
      call.responder.finish(headers: [:], lastMessage: nil, status: Self.deadlinePassedBeforeStart, trailers: [:])
      return
    }
    let context = ServerContext(
      method: entry.descriptor,
      metadata: call.metadata,
      peer: call.peer,
      deadline: call.deadline,
      response: call.response,
      connection: call.connection
    )
    let io = ServerCallIO(call: call, context: context)
    let outcome: Outcome
    if interceptors.isEmpty && (call.transportEnforcesDeadline || call.deadline == nil) {
      // Nothing to wrap the handler in: run it directly, without the two closures (and
      // their contexts) the general path builds per call.
      do { outcome = .success(try await entry.run(io)) } catch { outcome = .failure(RPCError(mapping: error)) }
    } else {
      outcome = await runWithDeadline(call.transportEnforcesDeadline ? nil : call.deadline, io: io) {
        try await self.runInterceptors(context: context, index: 0) { _ in
          try await entry.run(io)
        }
      }
    }
    call.requests.consumerFinished()
    switch outcome {
    case .success(let lastMessage):
      io.call.responder.finish(
        headers: io.takeHeaders(),
        lastMessage: lastMessage,
        status: .ok,
        trailers: context.response.trailing
      )
    case .failure(let error):
      var trailers = context.response.trailing
      trailers.add(contentsOf: error.metadata)
      io.call.responder.finish(headers: io.takeHeaders(), lastMessage: nil, status: error.status, trailers: trailers)
    case .deadlineExceeded:
      break  // already finished by the timer
    }
  }

  static let deadlinePassedBeforeStart = Status(code: .deadlineExceeded, message: "The deadline had passed before the call started.")

  private enum Outcome: Sendable {
    case success([UInt8]?)
    case failure(RPCError)
    case deadlineExceeded
  }

  /// Runs the chain from interceptor `index`; the last step runs the handler and keeps its
  /// single response payload.
  private func runInterceptors(
    context: ServerContext,
    index: Int,
    handler: @escaping @Sendable (ServerContext) async throws -> [UInt8]?
  ) async throws -> [UInt8]? {
    if index == interceptors.count { return try await handler(context) }
    let result = ResultBox()
    try await interceptors[index].intercept(context) { context in
      result.value = try await self.runInterceptors(context: context, index: index + 1, handler: handler)
    }
    return result.value
  }

  /// Runs `body`; if the deadline passes first, finishes the call with DEADLINE_EXCEEDED at
  /// once and cancels the handler.
  private func runWithDeadline(
    _ deadline: ContinuousClock.Instant?,
    io: ServerCallIO,
    body: @escaping @Sendable () async throws -> [UInt8]?
  ) async -> Outcome {
    guard let deadline else {
      do { return .success(try await body()) } catch { return .failure(RPCError(mapping: error)) }
    }
    return await withTaskGroup(of: Outcome?.self) { group in
      group.addTask {
        do { return .success(try await body()) } catch { return .failure(RPCError(mapping: error)) }
      }
      group.addTask {
        do {
          try await Task.sleep(until: deadline, clock: .continuous)
        } catch {
          return nil  // cancelled because the handler finished first
        }
        io.call.requests.finish(throwing: CancellationError())
        io.call.responder.finish(
          headers: io.takeHeaders(),
          lastMessage: nil,
          status: .deadlineExceeded,
          trailers: io.context.response.trailing
        )
        return .deadlineExceeded
      }
      // The timer yields nil only when cancelled: keep waiting for the handler's outcome.
      var outcome: Outcome = .failure(RPCError(code: .cancelled, message: "The call was cancelled."))
      while let next = await group.next() {
        guard let next else { continue }
        outcome = next
        break
      }
      group.cancelAll()
      return outcome
    }
  }

  private func unimplementedStatus(_ path: String) -> Status {
    guard let descriptor = MethodDescriptor(path: path) else {
      return Status(code: .unimplemented, message: "Malformed method path '\(path)'; expected /package.Service/Method.")
    }
    if router.hasService(descriptor.service) {
      return Status(code: .unimplemented, message: "Method '\(descriptor.method)' is not implemented by service '\(descriptor.service)'.")
    }
    return Status(code: .unimplemented, message: "Service '\(descriptor.service)' is not served here.")
  }
}

/// Carries the handler's single response out of the interceptor closure.
private final class ResultBox: @unchecked Sendable {
  // Safe: written once by the handler step and read after `intercept` returns, which
  // happens-after that write in the same task chain.
  var value: [UInt8]?
}

import NIOCore
import NIOPosix
import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamWire
import Synchronization

/// A ready connection a call can be opened on.
struct ConnectionHandle: Sendable {
  let channel: any Channel
  let connection: NIOLoopBound<GRPCClientConnection>
  let responseBufferHighWatermark: Int

  func openCall(_ head: ClientCallHead, firstMessage: [UInt8]?, endOfRequests: Bool) async throws -> GRPCClientCall {
    let call = GRPCClientCall(eventLoop: channel.eventLoop, responseBufferHighWatermark: responseBufferHighWatermark)
    let connection = self.connection
    if channel.eventLoop.inEventLoop {
      // The caller runs on the connection's loop (the channel's executor): no hop.
      try connection.value.open(head, firstMessage: firstMessage, endOfRequests: endOfRequests, call: call)
      return call
    }
    try await channel.eventLoop.submit {
      try connection.value.open(head, firstMessage: firstMessage, endOfRequests: endOfRequests, call: call)
    }.get()
    return call
  }
}

/// One endpoint's connection: made lazily on the first call, remade after it closes, with
/// exponential backoff after failures. While backing off, calls fail fast with the last
/// error (UNAVAILABLE) instead of waiting.
final class Subchannel: Sendable {
  private enum State {
    case idle(failures: Int)
    case connecting(failures: Int, waiters: [Waiter])
    case ready(ConnectionHandle)
    case backingOff(until: ContinuousClock.Instant, failures: Int, error: RPCError)
    case shutdown
  }

  /// A call waiting for the connection, with the timer of its deadline if it has one.
  private struct Waiter {
    let id: UInt64
    let continuation: CheckedContinuation<ConnectionHandle, any Error>
    var timer: Scheduled<Void>?

    /// Ends the wait: stops its deadline timer and resumes the call.
    func resume(with result: Result<ConnectionHandle, any Error>) {
      timer?.cancel()
      continuation.resume(with: result)
    }
  }

  let endpoint: Endpoint
  private let nextWaiterID = Atomic<UInt64>(0)
  private let configuration: GRPCChannelConfiguration
  private let tlsContext: TLSContext?
  private let serverHostname: String?
  /// Where every connection of this endpoint runs (the channel's loop).
  private let eventLoop: any EventLoop
  private let state = Mutex<State>(.idle(failures: 0))

  init(endpoint: Endpoint, configuration: GRPCChannelConfiguration, tlsContext: TLSContext?, serverHostname: String?, eventLoop: any EventLoop) {
    self.endpoint = endpoint
    self.configuration = configuration
    self.tlsContext = tlsContext
    self.serverHostname = serverHostname
    self.eventLoop = eventLoop
  }

  /// Whether a connection is up right now.
  var isReady: Bool {
    state.withLock { if case .ready = $0 { return true } else { return false } }
  }

  /// The connection's channel, when one is up.
  var readyChannel: (any Channel)? {
    state.withLock { if case .ready(let handle) = $0 { return handle.channel } else { return nil } }
  }

  /// A ready connection, connecting first if needed.
  /// - Parameter deadline: Give up waiting then, with DEADLINE_EXCEEDED (the connection
  ///   attempt goes on for the calls after).
  /// - Throws: ``RPCError`` UNAVAILABLE with the reason (refused, timed out, TLS failure);
  ///   DEADLINE_EXCEEDED when `deadline` passes first; CANCELLED when the task is cancelled
  ///   while it waits.
  func connection(before deadline: ContinuousClock.Instant? = nil) async throws -> ConnectionHandle {
    let ready = state.withLock { state -> ConnectionHandle? in
      if case .ready(let handle) = state { return handle } else { return nil }
    }
    if let ready { return ready }
    enum Step { case ready(ConnectionHandle), connect(failures: Int), wait, fail(RPCError) }
    let id = nextWaiterID.wrappingAdd(1, ordering: .relaxed).newValue
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let waiter = Waiter(id: id, continuation: continuation)
        let step: Step = state.withLock { state in
          // Checked under the lock the cancellation handler takes: a cancellation either
          // comes before this (seen here) or finds the waiter below.
          if Task.isCancelled { return .fail(Self.cancelledWhileWaiting) }
          switch state {
          case .ready(let handle):
            return .ready(handle)
          case .connecting(let failures, var waiters):
            waiters.append(waiter)
            state = .connecting(failures: failures, waiters: waiters)
            return .wait
          case .idle(let failures):
            state = .connecting(failures: failures, waiters: [waiter])
            return .connect(failures: failures)
          case .backingOff(let until, let failures, let error):
            if ContinuousClock.now < until { return .fail(error) }
            state = .connecting(failures: failures, waiters: [waiter])
            return .connect(failures: failures)
          case .shutdown:
            return .fail(RPCError(code: .unavailable, message: "The channel is closed."))
          }
        }
        switch step {
        case .ready(let handle): continuation.resume(returning: handle)
        case .wait: watch(waiter: id, until: deadline)
        case .fail(let error): continuation.resume(throwing: error)
        case .connect(let failures):
          watch(waiter: id, until: deadline)
          Task { await self.connect(failures: failures) }
        }
      }
    } onCancel: {
      abandon(waiter: id, with: Self.cancelledWhileWaiting)
    }
  }

  private static let cancelledWhileWaiting = RPCError(code: .cancelled, message: "The call was cancelled by the client.")

  /// Gives up on waiter `id` at `deadline` (a timer on the channel's loop).
  private func watch(waiter id: UInt64, until deadline: ContinuousClock.Instant?) {
    guard let deadline, let due = NIODeadline.of(deadline) else { return }
    let endpoint = self.endpoint
    let timer = eventLoop.scheduleTask(deadline: due) { [self] in
      abandon(waiter: id, with: RPCError(
        code: .deadlineExceeded,
        message: "\(Status.deadlineExceeded.message) The connection to \(endpoint) was not ready in time."))
    }
    // Kept with the waiter so that a connection made in time cancels it.
    let stillWaiting = withWaiter(id) { waiters, index in waiters[index].timer = timer } != nil
    if !stillWaiting { timer.cancel() }
  }

  /// Resumes waiter `id` with `error` if it is still waiting.
  private func abandon(waiter id: UInt64, with error: RPCError) {
    withWaiter(id) { waiters, index in waiters.remove(at: index) }?.resume(with: .failure(error))
  }

  /// Runs `body` on the waiters while connecting, with the index of waiter `id`; nil (and
  /// `body` not run) when that call is no longer waiting.
  private func withWaiter<T>(_ id: UInt64, _ body: (inout [Waiter], Int) -> T) -> T? {
    state.withLock { state in
      guard case .connecting(let failures, var waiters) = state,
        let index = waiters.firstIndex(where: { $0.id == id })
      else { return nil }
      let result = body(&waiters, index)
      state = .connecting(failures: failures, waiters: waiters)
      return result
    }
  }

  /// Closes the connection; later calls fail.
  func shutdown() async {
    let old = state.withLock { state -> State in
      defer { state = .shutdown }
      return state
    }
    switch old {
    case .ready(let handle): try? await handle.channel.close()
    case .connecting(_, let waiters):
      for waiter in waiters { waiter.resume(with: .failure(RPCError(code: .unavailable, message: "The channel is closed."))) }
    default: break
    }
  }

  private func connect(failures: Int) async {
    let outcome: Result<ConnectionHandle, RPCError>
    do {
      outcome = .success(try await makeConnection())
    } catch {
      outcome = .failure(error as? RPCError ?? RPCError(code: .unavailable, message: "Could not connect to \(endpoint): \(error)", cause: error))
    }
    let (waiters, closeNow): ([Waiter], ConnectionHandle?) = state.withLock { state in
      guard case .connecting(_, let waiters) = state else {
        // Shut down while connecting.
        if case .success(let handle) = outcome { return ([], handle) }
        return ([], nil)
      }
      switch outcome {
      case .success(let handle):
        state = .ready(handle)
      case .failure(let error):
        var generator = SystemRandomNumberGenerator()
        let delay = configuration.backoff.delay(afterFailures: failures + 1, using: &generator)
        state = .backingOff(until: .now + delay, failures: failures + 1, error: error)
      }
      return (waiters, nil)
    }
    if let closeNow { try? await closeNow.channel.close() }
    for waiter in waiters { waiter.resume(with: outcome.mapError { $0 as any Error }) }
  }

  /// The connection closed or got GOAWAY: the next call makes a new one.
  private func connectionBecameUnusable(_ channel: any Channel) {
    state.withLock { state in
      if case .ready(let handle) = state, handle.channel === channel { state = .idle(failures: 0) }
    }
  }

  private func makeConnection() async throws -> ConnectionHandle {
    let endpoint = self.endpoint
    let configuration = self.configuration
    let tlsContext = self.tlsContext
    let hostname = serverHostname ?? endpoint.host
    // The handlers go in before the socket connects: a server sends its SETTINGS at once,
    // and bytes read before the HTTP/2 handler exists would be lost.
    let made = Mutex<(handle: ConnectionHandle, ready: EventLoopFuture<Void>)?>(nil)
    let bootstrap = ClientBootstrap(group: eventLoop)
      .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { [subchannel = self] channel in
        channel.eventLoop.makeCompletedFuture {
          let ready = channel.eventLoop.makePromise(of: Void.self)
          let connection = GRPCClientConnection(
            eventLoop: channel.eventLoop,
            allocator: channel.allocator,
            scheme: tlsContext == nil ? "http" : "https",
            authority: endpoint.description,
            maxReceiveMessageSize: configuration.maxReceiveMessageSize,
            responseBufferHighWatermark: configuration.responseBufferHighWatermark
          )
          let http2 = HTTP2ConnectionHandler(role: .client, configuration: configuration.http2, delegate: connection)
          // Strong: the cycle through the pipeline ends when the channel closes.
          connection.onUnusable = { subchannel.connectionBecameUnusable(channel) }
          let sync = channel.pipeline.syncOperations
          if let tlsContext {
            try sync.addHandler(TLSHandler(context: tlsContext, serverHostname: hostname))
          }
          let lifecycle = ConnectionLifecycleHandler(
            ready: ready, waitsForTLS: tlsContext != nil, endpoint: endpoint.description, timeLimit: configuration.connectTimeout)
          // Strong: the pipeline drops its handlers when the channel closes.
          lifecycle.onError = { connection.noteConnectionError($0) }
          try sync.addHandler(lifecycle)
          try sync.addHandler(http2)
          // Only once the handler is in the pipeline, which ends the cycle through its
          // delegate when the channel closes (see GRPCClientConnection.http2).
          connection.http2 = http2
          let handle = ConnectionHandle(
            channel: channel,
            connection: NIOLoopBound(connection, eventLoop: channel.eventLoop),
            responseBufferHighWatermark: configuration.responseBufferHighWatermark
          )
          made.withLock { $0 = (handle, ready.futureResult) }
        }
      }
    let channel: any Channel
    do {
      channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
    } catch ChannelError.connectTimeout {
      // The TCP connect's own timer (the same length as the lifecycle handler's): one message.
      let message = ConnectionLifecycleHandler.timedOut(endpoint.description, tls: tlsContext != nil, after: configuration.connectTimeout)
      throw RPCError(code: .unavailable, message: message)
    } catch {
      throw RPCError(code: .unavailable, message: "Could not connect to \(endpoint): \(error)", cause: error)
    }
    guard let (handle, ready) = made.withLock({ $0 }) else {
      channel.close(promise: nil)
      throw RPCError(code: .internalError, message: "The connection to \(endpoint) was not set up.")
    }
    do {
      try await ready.get()
    } catch {
      channel.close(promise: nil)
      throw RPCError(code: .unavailable, message: "\(error)", cause: error)
    }
    // Strong (no weak reference, whose side table would make every retain of this subchannel
    // a slow one): the future completes, and lets go, when the connection closes.
    channel.closeFuture.whenComplete { [self] _ in self.connectionBecameUnusable(channel) }
    return handle
  }
}

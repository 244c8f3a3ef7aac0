import NIOCore
import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamWire

/// Runs gRPC calls on one client HTTP/2 connection: the client-side delegate of the nghttp2
/// handler. Event-loop confined.
final class GRPCClientConnection: HTTP2ConnectionDelegate {
  let eventLoop: any EventLoop
  private let allocator: ByteBufferAllocator
  private let scheme: String
  private let authority: String
  private let maxReceiveMessageSize: Int
  private let responseBufferHighWatermark: Int
  /// Set once the handler is in the channel's pipeline. Strong: the handler holds this
  /// delegate only until the connection closes (its `finish` lets go), so the cycle ends
  /// then; calls may keep both objects a little longer. Not weak: a weak reference gives the
  /// handler a side table, which makes every retain and release of it take the slow path
  /// (~10 % of a client's CPU samples per unary call).
  var http2: HTTP2ConnectionHandler?
  /// Why the connection closed or is closing, once known (TLS alerts, socket errors).
  private(set) var closeReason: (any Error)?
  private var streams = StreamIDMap<ClientStreamState>()
  /// Told when the connection can take no new calls (GOAWAY or closed).
  var onUnusable: (@Sendable () -> Void)?
  private(set) var isUsable = true
  /// The one timer of the connection's call deadlines.
  private var deadlineTimer = ConnectionDeadlineTimer()

  init(
    eventLoop: any EventLoop,
    allocator: ByteBufferAllocator,
    scheme: String,
    authority: String,
    maxReceiveMessageSize: Int,
    responseBufferHighWatermark: Int
  ) {
    self.eventLoop = eventLoop
    self.allocator = allocator
    self.scheme = scheme
    self.authority = authority
    self.maxReceiveMessageSize = maxReceiveMessageSize
    self.responseBufferHighWatermark = responseBufferHighWatermark
  }

  /// Opens a stream and sends the head (and the first message, if any).
  func open(
    _ head: ClientCallHead,
    firstMessage: [UInt8]?,
    endOfRequests: Bool,
    call: GRPCClientCall
  ) throws(RPCError) {
    guard isUsable, let http2 else {
      let reason = (closeReason ?? http2?.connectionError).map { " (\($0))" } ?? ""
      throw RPCError(code: .unavailable, message: "The connection to \(authority) is closing\(reason); retry on a new one.")
    }
    var fields = [
      HTTP2HeaderField(name: ":method", value: "POST"),
      HTTP2HeaderField(name: ":scheme", value: scheme),
      HTTP2HeaderField(name: ":path", value: head.method.path),
      HTTP2HeaderField(name: ":authority", value: authority),
      HTTP2HeaderField(name: "content-type", value: GRPCContentType.grpc),
      HTTP2HeaderField(name: "te", value: "trailers"),
      HTTP2HeaderField(name: "user-agent", value: "slipstream-swift/1"),
      HTTP2HeaderField(name: "grpc-accept-encoding", value: "identity,gzip"),
    ]
    if let deadline = head.deadline {
      let remaining = deadline - .now
      fields.append(HTTP2HeaderField(name: "grpc-timeout", value: GRPCTimeout(max(remaining, .nanoseconds(1))).headerValue))
    }
    if head.compression != .identity {
      fields.append(HTTP2HeaderField(name: "grpc-encoding", value: head.compression.rawValue))
    }
    for field in head.metadata.headerFields() { fields.append(HTTP2HeaderField(name: field.name, value: field.value)) }

    let headersEndStream = firstMessage == nil && endOfRequests
    let id: HTTP2StreamID
    var framer = MessageFramer(compression: head.compression)
    do {
      id = try http2.startStream(headers: fields, endStream: headersEndStream)
      if let firstMessage {
        try http2.sendData(id, try allocator.grpcMessage(firstMessage, framer: &framer), endStream: endOfRequests)
      }
    } catch {
      throw RPCError(code: .unavailable, message: "Could not start the call on \(authority): \(error)", cause: error)
    }
    let connection = NIOLoopBound(self, eventLoop: eventLoop)
    let state = ClientStreamState(id: id, call: call, framer: framer, maxReceiveMessageSize: maxReceiveMessageSize)
    state.requestsClosed = endOfRequests
    streams[id.rawValue] = state
    call.attach(id: id, connection: connection)
    if let deadline = head.deadline, let due = NIODeadline.of(deadline) {
      state.deadline = due
      watchDeadline(due)
    }
  }

  // MARK: Deadlines

  /// Makes sure the connection's deadline timer fires no later than `deadline`.
  private func watchDeadline(_ deadline: NIODeadline) {
    let connection = NIOLoopBound(self, eventLoop: eventLoop)
    deadlineTimer.watch(deadline, on: eventLoop) { connection.value.deadlinesPassed() }
  }

  /// Ends every call whose deadline has passed (DEADLINE_EXCEEDED to the caller,
  /// RST_STREAM(CANCEL) to the server), then re-arms the timer.
  private func deadlinesPassed() {
    deadlineTimer.fired()
    let (overdue, next) = ConnectionDeadlineTimer.sweep(streams.allValues) { $0.ended ? nil : $0.deadline }
    for state in overdue {
      state.end(.deadlineExceeded, trailers: [:])
      http2?.resetStream(state.id, errorCode: .cancel)
    }
    if let next { watchDeadline(next) }
  }

  func write(_ id: HTTP2StreamID, payload: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
    guard let state = streams[id.rawValue], !state.requestsClosed, let http2 else {
      continuation.resume(throwing: RPCError(code: .cancelled, message: "The call is over; the request could not be sent."))
      return
    }
    do {
      try http2.sendData(id, try allocator.grpcMessage(payload, framer: &state.framer), endStream: false)
    } catch {
      continuation.resume(throwing: RPCError(code: .unavailable, message: "The request could not be sent: \(error)", cause: error))
      return
    }
    if state.isWritable { continuation.resume() } else { state.writers.append(continuation) }
  }

  func finishRequests(_ id: HTTP2StreamID) {
    guard let state = streams[id.rawValue], !state.requestsClosed, let http2 else { return }
    state.requestsClosed = true
    _ = try? http2.sendData(id, allocator.buffer(capacity: 0), endStream: true)
  }

  func cancel(_ id: HTTP2StreamID) {
    guard let state = streams[id.rawValue] else { return }
    state.end(Status(code: .cancelled, message: "The call was cancelled by the client."), trailers: [:])
    http2?.resetStream(id, errorCode: .cancel)
  }

  func resumeReading(_ id: HTTP2StreamID) {
    guard let state = streams[id.rawValue] else { return }
    state.readingPaused = false
    returnCredit(state)
  }

  // MARK: HTTP2ConnectionDelegate

  func http2StreamOpened(_ id: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    receivedHeaders(id, headers, endStream: endStream)
  }

  func http2HeadersReceived(_ id: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    receivedHeaders(id, headers, endStream: endStream)
  }

  private func receivedHeaders(_ id: HTTP2StreamID, _ headers: [HTTP2HeaderField], endStream: Bool) {
    guard let state = streams[id.rawValue], !state.ended else { return }
    let fields = headers.map { (name: $0.name, value: $0.value) }
    if state.sawHeaders {
      // Trailers.
      if case .end(let status, let trailers) = ResponseHead.trailers(fields) { endAfterDrain(state, status, trailers) }
      return
    }
    if fields.first(where: { $0.name == ":status" })?.value.first == "1" { return }  // 1xx informational
    state.sawHeaders = true
    switch ResponseHead.first(fields, endStream: endStream) {
    case .headers(let metadata, let encoding):
      state.deframer = MessageDeframer(maximumMessageSize: maxReceiveMessageSize, encoding: encoding)
      state.call.responses.yield(.headers(metadata))
      if endStream {
        state.end(Status(code: .internalError, message: "The server ended the stream without a status."), trailers: [:])
      }
    case .end(let status, let trailers):
      state.end(status, trailers: trailers)
      if !endStream { http2?.resetStream(id, errorCode: .cancel) }
    }
  }

  private func endAfterDrain(_ state: ClientStreamState, _ status: Status, _ trailers: Metadata) {
    do {
      try state.deframer.finish()
      state.end(status, trailers: trailers)
    } catch {
      state.end(Status(code: error.statusCode, message: error.description), trailers: [:])
    }
  }

  func http2DataReceived(_ id: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    guard let state = streams[id.rawValue], !state.ended, state.sawHeaders else {
      http2?.consume(id, bytes: bytes.count)
      return
    }
    state.unconsumedBytes += bytes.count
    do {
      let responses = state.call.responses
      var paused = false
      try state.deframer.append(bytes) { message in
        if case .enqueued(aboveHighWatermark: true) = responses.yield(.message(message), cost: message.count) { paused = true }
      }
      if paused { state.readingPaused = true }
    } catch {
      state.end(Status(code: error.statusCode, message: error.description), trailers: [:])
      http2?.resetStream(id, errorCode: .cancel)
      return
    }
    if endStream {
      state.end(Status(code: .internalError, message: "The server ended the stream without trailers."), trailers: [:])
    }
    if !state.readingPaused { returnCredit(state) }
  }

  func http2StreamClosed(_ id: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    guard let state = streams.removeValue(forKey: id.rawValue) else { return }
    if !state.ended {
      if http2?.isConnectionClosing != false && errorCode == .cancel {
        let reason = (closeReason ?? http2?.connectionError).map { ": \($0)" } ?? "."
        state.end(Status(code: .unavailable, message: "The connection to \(authority) was lost before the call finished\(reason)"), trailers: [:])
      } else {
        state.end(
          Status(
            code: ResetCodeMapping.statusCode(forHTTP2ErrorCode: errorCode.rawValue),
            message: ResetCodeMapping.message(forHTTP2ErrorCode: errorCode.rawValue)
          ),
          trailers: [:]
        )
      }
    }
    state.failWriters(RPCError(code: .cancelled, message: "The call is over; the request could not be sent."))
  }

  func http2StreamWritabilityChanged(_ id: HTTP2StreamID, isWritable: Bool) {
    guard let state = streams[id.rawValue] else { return }
    state.isWritable = isWritable
    if isWritable { state.resumeWriters() }
  }

  func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    markUnusable()
  }

  func http2ConnectionClosed(error: (any Error)?) {
    deadlineTimer.cancel()
    if closeReason == nil { closeReason = error }
    markUnusable()
    for id in streams.allKeys {
      guard let state = streams.removeValue(forKey: id) else { continue }
      if !state.ended {
        state.end(Status(code: .unavailable, message: "The connection to \(authority) was lost\(error.map { ": \($0)" } ?? ".")"), trailers: [:])
      }
      state.failWriters(RPCError(code: .unavailable, message: "The connection to \(authority) was lost."))
    }
  }

  /// Records an error seen below HTTP/2 (e.g. a TLS alert after the handshake).
  func noteConnectionError(_ error: any Error) {
    if closeReason == nil { closeReason = error }
  }

  private func markUnusable() {
    guard isUsable else { return }
    isUsable = false
    onUnusable?()
  }

  private func returnCredit(_ state: ClientStreamState) {
    guard state.unconsumedBytes > 0 else { return }
    http2?.consume(state.id, bytes: state.unconsumedBytes)
    state.unconsumedBytes = 0
  }
}

/// Per-stream state on the client; event-loop confined.
final class ClientStreamState {
  let id: HTTP2StreamID
  let call: GRPCClientCall
  var framer: MessageFramer
  var deframer: MessageDeframer
  var sawHeaders = false
  var ended = false
  var requestsClosed = false
  var unconsumedBytes = 0
  var readingPaused = false
  var isWritable = true
  var writers = PendingWriters()
  /// When the call must be over (its head's deadline); nil once it ended.
  var deadline: NIODeadline?

  init(id: HTTP2StreamID, call: GRPCClientCall, framer: MessageFramer, maxReceiveMessageSize: Int) {
    self.id = id
    self.call = call
    self.framer = framer
    self.deframer = MessageDeframer(maximumMessageSize: maxReceiveMessageSize)
  }

  func end(_ status: Status, trailers: Metadata) {
    guard !ended else { return }
    ended = true
    deadline = nil
    requestsClosed = true
    call.responses.yield(.end(status, trailers: trailers))
    call.responses.finish()
    failWriters(RPCError(code: .cancelled, message: "The call is over; the request could not be sent."))
  }

  func resumeWriters() { writers.resumeAll() }

  func failWriters(_ error: RPCError) { writers.failAll(error) }
}

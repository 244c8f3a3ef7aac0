import NIOCore
import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamWire

/// Serves gRPC calls on one HTTP/2 connection: the server-side delegate of the nghttp2
/// handler. Event-loop confined: every method runs on `eventLoop`.
///
/// Each stream becomes a ``ServerCall``: request DATA is deframed here and handed to the
/// handler task through an ``RPCStreamBuffer``; flow-control credit is returned to the
/// client only while that buffer is below its high watermark, so a handler that stops
/// reading stops the client. Responses come back through ``StreamResponder``, whose writes
/// suspend while nghttp2 holds more than the stream's outbound watermark.
final class GRPCServerConnection: HTTP2ConnectionDelegate {
  struct Limits {
    var maxReceiveMessageSize: Int
    var requestBufferHighWatermark: Int
    var responseCompression: CompressionAlgorithm
    /// Response bytes a handler may queue before it waits for the event loop.
    var responseQueueHighWatermark: Int = 256 * 1024
  }

  let eventLoop: any EventLoop
  private let limits: Limits
  private let allocator: ByteBufferAllocator
  private let peerAddress: String
  private let peerIdentity: () -> PeerIdentity?
  /// The tasks that run the calls' handlers (shared with the other connections of the loop).
  private let handlerTasks: HandlerTasks
  /// Set once the handler is in the channel's pipeline. The handler owns this delegate until
  /// the connection closes (its `finish` lets go), which ends the cycle; responders of
  /// running calls may outlive it, so they reach the handler only through streams still in
  /// `streams`, which the handler empties (http2StreamClosed) before it lets this delegate
  /// go. Strong, neither `weak` (a side table would make every retain and release of the
  /// handler take the slow path; nghttp2's callbacks make several per call) nor `unowned`
  /// (an unowned-retain and a release on every use).
  var handler: HTTP2ConnectionHandler? {
    // From here the handler will report the close, which detaches the drains again.
    didSet { if handler != nil { pendingDrains.attach(self) } }
  }
  private var http2: HTTP2ConnectionHandler { handler! }
  private var streams = StreamIDMap<ServerStreamState>()
  /// Streams whose handlers queued responses since the loop last drained (one hop per burst
  /// per connection).
  private let pendingDrains: PendingDrains
  private var cachedIdentity: PeerIdentity??
  /// The one timer of the connection's call deadlines.
  private var deadlineTimer = ConnectionDeadlineTimer()
  /// Closed when the HTTP/2 connection ends; calls carry it so services can tie state to it.
  let lifetime = ConnectionLifetime()

  init(
    eventLoop: any EventLoop,
    handlerTasks: HandlerTasks,
    limits: Limits,
    allocator: ByteBufferAllocator,
    peerAddress: String,
    peerIdentity: @escaping () -> PeerIdentity?
  ) {
    self.eventLoop = eventLoop
    self.handlerTasks = handlerTasks
    self.limits = limits
    self.allocator = allocator
    self.peerAddress = peerAddress
    self.peerIdentity = peerIdentity
    self.pendingDrains = PendingDrains(eventLoop: eventLoop)
  }

  private var loopBoundSelf: NIOLoopBound<GRPCServerConnection> { NIOLoopBound(self, eventLoop: eventLoop) }

  // MARK: HTTP2ConnectionDelegate

  func http2StreamOpened(_ id: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    let head: RequestHead
    do {
      head = try RequestHead(fields: headers)
    } catch {
      refuse(id, error)
      return
    }
    let responses = ResponseQueue(highWatermark: limits.responseQueueHighWatermark, id: id, drains: pendingDrains)
    let requests = RPCStreamBuffer<[UInt8]>(
      highWatermark: limits.requestBufferHighWatermark,
      lowWatermark: limits.requestBufferHighWatermark / 2,
      onDemand: { responses.requestMoreInput() }
    )
    let state = ServerStreamState(
      id: id,
      deframer: MessageDeframer(maximumMessageSize: limits.maxReceiveMessageSize, encoding: head.encoding),
      requests: requests,
      responses: responses,
      framer: MessageFramer(compression: responseEncoding(for: head)),
      response: ResponseMetadata()
    )
    streams[id.rawValue] = state
    if cachedIdentity == nil { cachedIdentity = .some(peerIdentity()) }
    let call = ServerCall(
      path: head.path,
      metadata: head.metadata,
      deadline: head.timeout.map { ContinuousClock.now.advanced(by: $0) },
      peer: PeerInfo(address: peerAddress, identity: cachedIdentity ?? nil),
      requests: requests,
      responder: StreamResponder(responses: responses),
      connection: lifetime,
      transportEnforcesDeadline: true,
      response: state.response
    )
    if let timeout = head.timeout, let deadline = NIODeadline.after(timeout) {
      state.deadline = deadline
      watchDeadline(deadline)
    }
    if endStream { requests.finish() }
    state.handler = handlerTasks.start(call)
  }

  func http2HeadersReceived(_ id: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    // Request trailers carry nothing for gRPC; only the end of the stream matters.
    if endStream { http2DataReceived(id, bytes: UnsafeRawBufferPointer(start: nil, count: 0), endStream: true) }
  }

  func http2DataReceived(_ id: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    guard let state = streams[id.rawValue], !state.inputClosed else {
      http2.consume(id, bytes: bytes.count)
      return
    }
    state.unconsumedBytes += bytes.count
    do {
      let requests = state.requests
      var paused = false
      try state.deframer.append(bytes) { message in
        if case .enqueued(aboveHighWatermark: true) = requests.yield(message, cost: message.count) { paused = true }
      }
      if paused { state.readingPaused = true }
      if endStream {
        try state.deframer.finish()
        state.inputClosed = true
        state.requests.finish()
      }
    } catch {
      failStream(state, status: Status(code: error.statusCode, message: error.description))
      return
    }
    if !state.readingPaused { returnCredit(state) }
  }

  func http2StreamClosed(_ id: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    guard let state = streams.removeValue(forKey: id.rawValue) else { return }
    if !state.finished {
      // The client went away (RST_STREAM) or the connection died: stop the handler.
      cancelHandler(state)
      state.requests.finish(throwing: RPCError(code: .cancelled, message: "The client cancelled the call."))
    }
    state.responses.close(RPCError(code: .cancelled, message: "The stream was closed before the response was sent."))
  }

  func http2StreamWritabilityChanged(_ id: HTTP2StreamID, isWritable: Bool) {
    guard let state = streams[id.rawValue] else { return }
    state.reportedWritable = isWritable
    state.responses.setWritable(isWritable)
    // A stream fed by a source was left alone while full: collect what is ready now (in a
    // later loop task, outside nghttp2's callback).
    if isWritable, state.source != nil { pendingDrains.request(id) }
  }

  func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode) {}

  func http2ConnectionClosed(error: (any Error)?) {
    pendingDrains.detach()
    for id in streams.allKeys { http2StreamClosed(HTTP2StreamID(id), errorCode: .cancel) }
    deadlineTimer.cancel()
    lifetime.close()
  }

  /// Cancels the stream's handler (the client went away, the deadline passed, the request
  /// could not be read).
  private func cancelHandler(_ state: ServerStreamState) {
    if let handler = state.handler { handlerTasks.cancel(handler) }
  }

  // MARK: Deadlines

  /// Makes sure the connection's deadline timer fires no later than `deadline`.
  private func watchDeadline(_ deadline: NIODeadline) {
    let connection = loopBoundSelf
    deadlineTimer.watch(deadline, on: eventLoop) { connection.value.deadlinesPassed() }
  }

  /// Ends every running call whose deadline has passed, then re-arms the timer.
  private func deadlinesPassed() {
    deadlineTimer.fired()
    let (overdue, next) = ConnectionDeadlineTimer.sweep(streams.allValues) { $0.finished ? nil : $0.deadline }
    for state in overdue { expire(state) }
    if let next { watchDeadline(next) }
  }

  /// Ends a call whose deadline passed: DEADLINE_EXCEEDED to the client (after whatever the
  /// handler already sent, with the response metadata it set so far), its request stream
  /// failed, its handler cancelled.
  private func expire(_ state: ServerStreamState) {
    cancelHandler(state)
    state.requests.finish(throwing: RPCError(code: .deadlineExceeded, message: Status.deadlineExceeded.message))
    let response = state.response
    finish(
      state.id,
      headers: state.headersSent ? nil : response.initial,
      lastMessage: nil,
      status: .deadlineExceeded,
      trailers: response.trailing
    )
  }

  // MARK: Called by PendingDrains (on the event loop)

  /// Sends everything the handler queued since the last drain, in order, in this loop turn
  /// (the HTTP/2 handler flushes once at its end).
  ///
  /// Consecutive messages are framed into one buffer and handed to HTTP/2 at once (it cuts
  /// DATA frames from its queue by size anyway), so a burst of small messages costs one
  /// buffer and one hand-off, not one per message.
  func drain(_ id: HTTP2StreamID) {
    guard let state = streams[id.rawValue] else { return }
    // One reference for the whole drain (each use of the property retains and releases).
    let http2 = self.http2
    /// Messages framed but not handed to HTTP/2 yet.
    var framed: ByteBuffer?
    /// Whether the queue had anything (taking it made room for waiting writers).
    var tookItems = false
    /// Hands `framed` to HTTP/2; false when the stream had to be reset.
    func sendFramed() -> Bool {
      guard let buffer = framed else { return true }
      framed = nil
      return sendOrReset(state, "The response", { try http2.sendData(id, buffer, endStream: false) })
    }
    for item in state.responses.takeAll() {
      tookItems = true
      guard !state.finished else { break }
      // Every item but a message first hands over the messages framed before it.
      switch item {
      case .headers(let headers):
        guard sendFramed(), sendOrReset(state, "The headers", { try sendResponseHeaders(headers, state: state) }) else { return }
      case .message(let payload, let headers):
        if let headers {
          guard sendFramed(), sendOrReset(state, "The headers", { try sendResponseHeaders(headers, state: state) }) else { return }
        }
        guard sendOrReset(state, "The response", {
          if framed == nil {
            framed = try allocator.grpcMessage(payload, framer: &state.framer)
          } else {
            try framed!.writeGRPCMessage(payload, framer: &state.framer)
          }
        }) else { return }
      case .finish(let headers, let lastMessage, let status, let trailers):
        guard sendFramed() else { return }
        finish(id, headers: headers, lastMessage: lastMessage, status: status, trailers: trailers)
      case .source(let source, let headers, let wake):
        guard sendFramed() else { return }
        if let headers {
          guard sendOrReset(state, "The headers", { try sendResponseHeaders(headers, state: state) }) else { return }
        }
        state.source = source
        source.start(wake: wake)
      }
    }
    guard !state.finished, sendFramed() else { return }
    if let source = state.source, http2.isWritable(id) {
      // Everything the source holds goes out in one DATA frame; while the stream is full
      // nothing is taken, so the source keeps conflating (writability brings us back).
      guard sendOrReset(state, "The response", { try sendReady(from: source, state: state, http2: http2) }) else { return }
      if source.isFinished {
        // Its last message is out: the handler goes on to end the call.
        state.source = nil
        state.responses.finishSource()
      }
    }
    // Unchanged writability and nothing taken (a source's stream, drained once per tick):
    // no writer can be waiting for room that this would release.
    let writable = http2.isWritable(id)
    if tookItems || writable != state.reportedWritable {
      state.reportedWritable = writable
      state.responses.setWritable(writable)
    }
  }

  /// Sends what `source` has ready as one DATA frame (nothing when it has nothing): framed
  /// as the source writes it, or from its message arrays on a compressing stream.
  private func sendReady(from source: any ResponseSource, state: ServerStreamState, http2: HTTP2ConnectionHandler) throws {
    let framed: ByteBuffer?
    if state.framer.compression == .identity {
      var writer = GRPCMessageBufferWriter(allocator: allocator)
      source.takeReady(into: &writer)
      if let failure = writer.failure { throw failure }
      framed = writer.buffer
    } else {
      let messages = source.takeReady()
      framed = messages.isEmpty ? nil : try allocator.grpcMessages(messages, framer: &state.framer)
    }
    if let framed { try http2.sendData(state.id, framed, endStream: false) }
  }

  private func sendResponseHeaders(_ headers: Metadata, state: ServerStreamState) throws {
    try http2.sendHeaders(state.id, headers: responseHeaders(headers, state: state), endStream: false)
  }

  /// Runs `send`; when it fails, resets the stream, fails the handler's writes with
  /// "`what` could not be sent" and returns false.
  private func sendOrReset(_ state: ServerStreamState, _ what: String, _ send: () throws -> Void) -> Bool {
    do {
      try send()
      return true
    } catch {
      state.responses.close(RPCError(code: .cancelled, message: "\(what) could not be sent: \(error)", cause: error))
      http2.resetStream(state.id, errorCode: .internalError)
      return false
    }
  }

  /// Ends a call now: trailers-only, or headers/last message/trailers after what was sent.
  private func finish(_ id: HTTP2StreamID, headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata) {
    guard let state = streams[id.rawValue], !state.finished else { return }
    state.finished = true
    state.deadline = nil
    state.source = nil
    state.inputClosed = true
    state.responses.close(RPCError(code: .cancelled, message: "The call is over; the response could not be sent."))
    do {
      if let headers, lastMessage == nil {
        // Trailers-only: one HEADERS frame with the status and all metadata.
        var fields = responseHeaders(headers, state: state)
        fields.append(contentsOf: statusFields(status, trailers: trailers))
        try http2.sendHeaders(id, headers: fields, endStream: true)
      } else {
        if let headers { try http2.sendHeaders(id, headers: responseHeaders(headers, state: state), endStream: false) }
        if let lastMessage {
          try http2.sendData(id, try allocator.grpcMessage(lastMessage, framer: &state.framer), endStream: false)
        }
        try http2.sendTrailers(id, headers: statusFields(status, trailers: trailers))
      }
    } catch {
      http2.resetStream(id, errorCode: .internalError)
    }
    // The client may still be sending; it is no longer read.
    if state.unconsumedBytes > 0 { returnCredit(state) }
  }

  // MARK: Internals

  /// Reads a stream again whose request buffer drained (``PendingDrains``, on the loop).
  func resumeReading(_ id: HTTP2StreamID) {
    guard let state = streams[id.rawValue] else { return }
    state.readingPaused = false
    returnCredit(state)
  }

  private func returnCredit(_ state: ServerStreamState) {
    guard state.unconsumedBytes > 0 else { return }
    http2.consume(state.id, bytes: state.unconsumedBytes)
    state.unconsumedBytes = 0
  }

  /// Ends a stream whose request could not be read (oversized or corrupt message).
  private func failStream(_ state: ServerStreamState, status: Status) {
    state.inputClosed = true
    cancelHandler(state)
    state.requests.finish(throwing: RPCError(code: status.code, message: status.message))
    let headers: Metadata? = state.headersSent ? nil : [:]
    // The rest of the request is read and dropped (credit keeps flowing), so the client sees
    // the status rather than a reset.
    finish(state.id, headers: headers, lastMessage: nil, status: status, trailers: [:])
  }

  private func refuse(_ id: HTTP2StreamID, _ refusal: RequestHead.Refusal) {
    do {
      switch refusal {
      case .http(let status, let message):
        try http2.sendHeaders(id, headers: [
          HTTP2HeaderField(name: ":status", value: String(status)),
          HTTP2HeaderField(name: "content-type", value: "text/plain; charset=utf-8"),
        ], endStream: false)
        try http2.sendData(id, allocator.buffer(string: message), endStream: true)
      case .grpc(let status, let extra):
        var fields = [
          HTTP2HeaderField(name: ":status", value: "200"),
          HTTP2HeaderField(name: "content-type", value: GRPCContentType.grpc),
        ]
        fields.append(contentsOf: extra.map { HTTP2HeaderField(name: $0.name, value: $0.value) })
        fields.append(contentsOf: statusFields(status, trailers: [:]))
        try http2.sendHeaders(id, headers: fields, endStream: true)
      }
    } catch {
      http2.resetStream(id, errorCode: .internalError)
    }
  }

  private func responseEncoding(for head: RequestHead) -> CompressionAlgorithm {
    let wanted = limits.responseCompression
    return wanted != .identity && head.acceptedEncodings.contains(wanted) ? wanted : .identity
  }

  /// The response headers of a call without metadata or compression: the same for every such
  /// call, built once.
  private static let plainResponseHeaders = [
    HTTP2HeaderField(name: ":status", value: "200"),
    HTTP2HeaderField(name: "content-type", value: GRPCContentType.grpc),
    HTTP2HeaderField(name: "grpc-accept-encoding", value: "identity,gzip"),
  ]
  /// The trailers of a successful call without trailing metadata, built once.
  private static let okStatusFields = GRPCStatusHeaders.fields(for: Status(code: .ok, message: ""))
    .map { HTTP2HeaderField(name: $0.name, value: $0.value) }

  private func responseHeaders(_ metadata: Metadata, state: ServerStreamState) -> [HTTP2HeaderField] {
    state.headersSent = true
    if metadata.isEmpty && state.framer.compression == .identity { return Self.plainResponseHeaders }
    var fields = Self.plainResponseHeaders
    if state.framer.compression != .identity {
      fields.append(HTTP2HeaderField(name: "grpc-encoding", value: state.framer.compression.rawValue))
    }
    for field in metadata.headerFields() { fields.append(HTTP2HeaderField(name: field.name, value: field.value)) }
    return fields
  }

  private func statusFields(_ status: Status, trailers: Metadata) -> [HTTP2HeaderField] {
    if status.code == .ok && status.message.isEmpty && trailers.isEmpty { return Self.okStatusFields }
    var fields = GRPCStatusHeaders.fields(for: status).map { HTTP2HeaderField(name: $0.name, value: $0.value) }
    for field in trailers.headerFields() { fields.append(HTTP2HeaderField(name: field.name, value: field.value)) }
    return fields
  }
}

/// Per-stream state on the server; event-loop confined.
final class ServerStreamState {
  let id: HTTP2StreamID
  var deframer: MessageDeframer
  let requests: RPCStreamBuffer<[UInt8]>
  var framer: MessageFramer
  /// The handler's run, for cancelling it.
  var handler: HandlerTasks.Ticket?
  /// When the call must be over (from `grpc-timeout`); nil once it finished.
  var deadline: NIODeadline?
  var unconsumedBytes = 0
  var readingPaused = false
  var inputClosed = false
  var headersSent = false
  var finished = false
  let responses: ResponseQueue
  /// The writability last given to `responses` (which starts writable).
  var reportedWritable = true
  /// The metadata the handler sets (its `ServerContext.response`), read if the deadline ends
  /// the call.
  let response: ResponseMetadata
  /// Where the stream's messages come from once the handler handed over a source.
  var source: (any ResponseSource)?

  init(
    id: HTTP2StreamID,
    deframer: MessageDeframer,
    requests: RPCStreamBuffer<[UInt8]>,
    responses: ResponseQueue,
    framer: MessageFramer,
    response: ResponseMetadata
  ) {
    self.id = id
    self.deframer = deframer
    self.requests = requests
    self.responses = responses
    self.framer = framer
    self.response = response
  }

}

/// The handler's side of a server stream: queues responses for the event loop, waking it
/// once per burst (and once per connection when many streams write at once), and waits only
/// when the stream or the queue is full.
/// One reference (the stream's queue, which knows its stream and the connection's drains),
/// so it fits in the `any ServerCallResponder` existential's inline buffer: no box per call.
struct StreamResponder: ServerCallResponder {
  let responses: ResponseQueue

  nonisolated(nonsending) func write(_ payload: [UInt8], headers: Metadata?) async throws {
    let (scheduleDrain, mustWait) = try responses.enqueue(.message(payload, headers: headers), cost: payload.count)
    if scheduleDrain { responses.requestDrain() }
    if mustWait { try await responses.waitForRoom() }
  }

  func sendHeaders(_ headers: Metadata) async throws {
    let (scheduleDrain, _) = try responses.enqueue(.headers(headers), cost: 0)
    if scheduleDrain { responses.requestDrain() }
  }

  func send(from source: any ResponseSource, headers: Metadata?) async throws {
    let responses = self.responses
    let wake: @Sendable () -> Void = { responses.requestDrain() }
    let (scheduleDrain, _) = try responses.enqueue(.source(source, headers: headers, wake: wake), cost: 0)
    if scheduleDrain { responses.requestDrain() }
    try await responses.waitUntilClosed()
  }

  func finish(headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata) {
    let item = ResponseQueue.Item.finish(headers: headers, lastMessage: lastMessage, status: status, trailers: trailers)
    // A finish after the stream ended has nothing left to do.
    guard let (scheduleDrain, _) = try? responses.enqueue(item, cost: 0) else { return }
    if scheduleDrain { responses.requestDrain() }
  }
}

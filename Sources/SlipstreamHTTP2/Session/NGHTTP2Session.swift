import CNGHTTP2
import NIOCore

/// What the session needs from its owner while nghttp2 parses input or builds output.
/// Every call happens inside `receive` or `send`.
protocol NGHTTP2SessionDelegate: AnyObject {
  func sessionBeginHeaders(streamID: Int32)
  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
  func sessionHeadersComplete(streamID: Int32, endStream: Bool)
  func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool)
  func sessionStreamClosed(streamID: Int32, errorCode: UInt32)
  func sessionSettingsReceived(ack: Bool)
  func sessionPingAcknowledged(_ payload: UInt64)
  func sessionGoAwayReceived(lastStreamID: Int32, errorCode: UInt32)
  /// A GOAWAY went out; `reason` is nghttp2's explanation when it decided to send it.
  func sessionGoAwaySent(errorCode: UInt32, reason: String?)
  /// How many bytes of `streamID` nghttp2 may put in the next DATA frame.
  func sessionPullOutbound(streamID: Int32, maxLength: Int) -> HTTP2StreamOutboundQueue.Pull
  /// nghttp2 committed to a DATA frame of `length` bytes: move them into `output`.
  /// - Returns: false if the stream has no such bytes (the session must then fail).
  func sessionTakeOutbound(streamID: Int32, length: Int, into output: inout ByteBuffer) -> Bool
  /// The stream's queue drained to its end and it ends with these trailers.
  func sessionTrailers(streamID: Int32) -> [HTTP2HeaderField]?
}

/// Owns one `nghttp2_session` (freed in deinit) and translates between it and Swift: input bytes in,
/// output bytes out, events to its delegate. nghttp2's callbacks find this object through the
/// `Unmanaged` user_data pointer. Not thread-safe: used on one event loop only.
final class NGHTTP2Session {
  /// The C session; non-nil for the object's whole life.
  private let session: OpaquePointer
  /// Receives events: the handler that owns this session. Unmanaged and unretained: the
  /// handler owns this object and only calls into it, so it outlives every callback, and
  /// calling it takes no retain and release (nghttp2 calls back several times per frame: a
  /// retain/release pair per callback showed in profiles). Concrete (the handler is the only
  /// ``NGHTTP2SessionDelegate``), so each call is direct.
  private let delegate: Unmanaged<HTTP2ConnectionHandler>

  /// Runs `body` with the delegate, borrowed.
  @inline(__always)
  func withDelegate<Result>(_ body: (HTTP2ConnectionHandler) -> Result) -> Result {
    delegate._withUnsafeGuaranteedRef(body)
  }

  /// Serialised output not yet handed to the channel; reused between flushes.
  private(set) var output: ByteBuffer
  private let allocator: ByteBufferAllocator
  private static let initialOutputCapacity = 16 * 1024
  /// A batch buffer that grew past this (a large body) is dropped rather than kept per connection.
  private static let maxRetainedOutputCapacity = 1 << 20
  /// A DATA chunk held back until its frame ends, so `endStream` rides on it (points into the input).
  private var pendingData: (streamID: Int32, bytes: UnsafeRawBufferPointer)?
  /// Scratch for building nghttp2_nv arrays without allocating per submit.
  private var nvScratch: [nghttp2_nv] = []
  private var byteScratch: [UInt8] = []
  /// nghttp2's last explanation of a protocol problem it handled itself (it then sends GOAWAY or RST_STREAM).
  var lastError: String?
  /// Hardening options the installed library lacks (reported once by the handler).
  private(set) var missingOptions: [String] = []

  /// Creates a server or client session with every hardening option nghttp2 offers.
  /// - Throws: `HTTP2Error.session` if nghttp2 cannot allocate the session.
  init(
    role: HTTP2Role,
    configuration: HTTP2Configuration,
    delegate: HTTP2ConnectionHandler,
    allocator: ByteBufferAllocator
  ) throws(HTTP2Error) {
    self.delegate = Unmanaged.passUnretained(delegate)
    self.allocator = allocator
    self.output = allocator.buffer(capacity: Self.initialOutputCapacity)

    var callbacks: OpaquePointer?
    guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
      throw HTTP2Error(code: .session, message: "nghttp2_session_callbacks_new failed: out of memory")
    }
    defer { nghttp2_session_callbacks_del(callbacks) }
    Self.install(callbacks)

    var option: OpaquePointer?
    guard nghttp2_option_new(&option) == 0, let option else {
      throw HTTP2Error(code: .session, message: "nghttp2_option_new failed: out of memory")
    }
    defer { nghttp2_option_del(option) }
    nghttp2_option_set_no_auto_window_update(option, 1)
    nghttp2_option_set_no_closed_streams(option, 1)
    nghttp2_option_set_max_outbound_ack(option, configuration.maxOutboundAck)
    nghttp2_option_set_max_settings(option, configuration.maxSettings)
    nghttp2_option_set_max_deflate_dynamic_table_size(option, configuration.maxDeflateDynamicTableSize)
    var missing: [String] = []
    if slipstream_nghttp2_option_set_stream_reset_rate_limit(
      option,
      UInt64(configuration.streamResetRateLimit.burst),
      UInt64(configuration.streamResetRateLimit.ratePerSecond)
    ) == 0 {
      missing.append("nghttp2_option_set_stream_reset_rate_limit")
    }
    if slipstream_nghttp2_option_set_max_continuations(option, configuration.maxContinuations) == 0 {
      missing.append("nghttp2_option_set_max_continuations")
    }

    var session: OpaquePointer?
    // user_data is filled in below, once `self` is fully initialised; no callback runs before.
    let rc: Int32 =
      switch role {
      case .server: nghttp2_session_server_new2(&session, callbacks, nil, option)
      case .client: nghttp2_session_client_new2(&session, callbacks, nil, option)
      }
    guard rc == 0, let session else {
      throw HTTP2Error(code: .session, message: "nghttp2 session creation failed: \(Self.describe(rc))")
    }
    self.session = session
    self.missingOptions = missing
    nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
  }

  deinit {
    nghttp2_session_del(self.session)
  }

  // MARK: - Input and output

  /// Feeds received bytes to nghttp2, which calls the delegate for every event in them.
  /// - Throws: `HTTP2Error` for a fatal session error (bad preface, flood, callback failure).
  func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    let rc = nghttp2_session_mem_recv(self.session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    self.flushPendingData(endStream: false)
    if rc < 0 {
      var error = Self.error(Int32(truncatingIfNeeded: rc), context: "receiving")
      if let detail = self.lastError {
        error.message += "; \(detail)"
      }
      throw error
    }
  }

  /// Serialises every frame nghttp2 has ready (flow control permitting) into `output`.
  /// - Throws: `HTTP2Error` for a fatal session error.
  func send() throws(HTTP2Error) {
    if self.output.readableBytes == 0 && self.output.writerIndex > 0 {
      if self.output.capacity > Self.maxRetainedOutputCapacity {
        self.output = self.allocator.buffer(capacity: Self.initialOutputCapacity)
      } else {
        self.output.clear()
      }
    }
    while true {
      var data: UnsafePointer<UInt8>?
      let count = nghttp2_session_mem_send(self.session, &data)
      if count < 0 {
        throw Self.error(Int32(truncatingIfNeeded: count), context: "sending")
      }
      guard count > 0, let data else { return }
      self.output.writeBytes(UnsafeRawBufferPointer(start: data, count: count))
    }
  }

  /// Hands the serialised output to the caller and starts a fresh batch, reusing the storage
  /// when the channel has released the previous one.
  func takeOutput() -> ByteBuffer? {
    guard self.output.readableBytes > 0 else { return nil }
    let batch = self.output
    // Only the indices move (no copy); `send` clears lazily, when the channel has usually
    // written and released the storage, so the next batch reuses it.
    self.output.moveReaderIndex(to: self.output.writerIndex)
    return batch
  }

  /// nghttp2 wants to read more frames.
  var wantsRead: Bool { nghttp2_session_want_read(self.session) != 0 }
  /// nghttp2 has frames to write.
  var wantsWrite: Bool { nghttp2_session_want_write(self.session) != 0 }
  /// The highest peer stream id nghttp2 handed to us (for the final GOAWAY).
  var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(self.session) }

  // MARK: - Commands

  /// Queues our SETTINGS and opens the connection receive window.
  func submitSettings(_ configuration: HTTP2Configuration, role: HTTP2Role) throws(HTTP2Error) {
    var entries: [nghttp2_settings_entry] = [
      .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: UInt32(configuration.maxConcurrentStreams)),
      .init(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: UInt32(configuration.initialStreamWindowSize)),
      .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: UInt32(configuration.maxFrameSize)),
      .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: UInt32(configuration.maxHeaderListSize)),
    ]
    if role == .client {
      entries.append(.init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
    }
    try Self.check(nghttp2_submit_settings(self.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count), "submitting SETTINGS")
    try Self.check(
      nghttp2_session_set_local_window_size(self.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: configuration.connectionWindowSize)),
      "opening the connection window"
    )
  }

  /// Client: queues request HEADERS; `hasBody` attaches a data provider that pulls from the delegate.
  /// - Returns: the new stream's id.
  func submitRequest(_ headers: [HTTP2HeaderField], hasBody: Bool) throws(HTTP2Error) -> Int32 {
    let rc = self.withNVs(headers) { nva, count in
      if hasBody {
        var provider = Self.dataProvider
        return nghttp2_submit_request(self.session, nil, nva, count, &provider, nil)
      }
      return nghttp2_submit_request(self.session, nil, nva, count, nil, nil)
    }
    if rc == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE.rawValue {
      throw HTTP2Error(code: .streamIDsExhausted, message: "every client stream id is used; open a new connection")
    }
    try Self.check(rc, "submitting request HEADERS")
    return rc
  }

  /// Server: queues response HEADERS; `hasBody` attaches a data provider, otherwise END_STREAM.
  func submitResponse(_ streamID: Int32, headers: [HTTP2HeaderField], hasBody: Bool) throws(HTTP2Error) {
    let rc = self.withNVs(headers) { nva, count in
      if hasBody {
        var provider = Self.dataProvider
        return nghttp2_submit_response(self.session, streamID, nva, count, &provider)
      }
      return nghttp2_submit_response(self.session, streamID, nva, count, nil)
    }
    try Self.check(rc, "submitting response HEADERS", stream: streamID)
  }

  /// Client: attaches a data provider to a stream whose request went out with no body planned.
  func submitData(_ streamID: Int32) throws(HTTP2Error) {
    var provider = Self.dataProvider
    let rc = nghttp2_submit_data(self.session, UInt8(NGHTTP2_FLAG_END_STREAM.rawValue), streamID, &provider)
    try Self.check(rc, "submitting DATA", stream: streamID)
  }

  /// Wakes a stream parked by NGHTTP2_ERR_DEFERRED.
  func resumeData(_ streamID: Int32) {
    _ = nghttp2_session_resume_data(self.session, streamID)
  }

  /// Queues RST_STREAM.
  func submitReset(_ streamID: Int32, errorCode: UInt32) {
    _ = nghttp2_submit_rst_stream(self.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
  }

  /// Opens the stream and connection receive windows by `bytes`.
  func consume(_ streamID: Int32, bytes: Int) {
    _ = nghttp2_session_consume(self.session, streamID, bytes)
  }

  /// Opens only the connection receive window (bytes of a stream that is gone).
  func consumeConnection(bytes: Int) {
    _ = nghttp2_session_consume_connection(self.session, bytes)
  }

  /// Queues a PING carrying `payload`.
  func submitPing(_ payload: UInt64) {
    withUnsafeBytes(of: payload.bigEndian) { raw in
      _ = nghttp2_submit_ping(self.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// Server: queues the shutdown-notice GOAWAY (last stream id 2^31-1).
  func submitShutdownNotice() {
    _ = nghttp2_submit_shutdown_notice(self.session)
  }

  /// Queues GOAWAY with the last processed stream id; streams above it are refused.
  func submitGoAway(errorCode: UInt32) {
    _ = nghttp2_submit_goaway(self.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), self.lastProcessedStreamID, errorCode, nil, 0)
  }

  /// Queues GOAWAY and makes nghttp2 stop reading and writing after it.
  func terminate(errorCode: UInt32) {
    _ = nghttp2_session_terminate_session(self.session, errorCode)
  }

  // MARK: - Helpers

  /// A data provider whose read callback pulls from the delegate (a plain C struct, built on the stack).
  private static var dataProvider: nghttp2_data_provider {
    nghttp2_data_provider(
    source: nghttp2_data_source(ptr: nil),
    read_callback: { _, streamID, _, length, flags, _, userData in
        NGHTTP2Session.with(userData) { $0.onReadData(streamID: streamID, maxLength: length, flags: flags!) }
      }
    )
  }

  /// Calls `body` with an nghttp2_nv array for `headers`, built in reused scratch storage.
  private func withNVs(_ headers: [HTTP2HeaderField], _ body: (UnsafePointer<nghttp2_nv>, Int) -> Int32) -> Int32 {
    self.byteScratch.removeAll(keepingCapacity: true)
    for field in headers {
      self.byteScratch.append(contentsOf: field.name.utf8)
      self.byteScratch.append(contentsOf: field.value.utf8)
    }
    self.byteScratch.append(0)  // never empty, so there is always a base address
    self.nvScratch.removeAll(keepingCapacity: true)
    return self.byteScratch.withUnsafeMutableBufferPointer { bytes in
      var offset = 0
      for field in headers {
        let nameCount = field.name.utf8.count
        let valueCount = field.value.utf8.count
        let name = bytes.baseAddress! + offset
        let value = bytes.baseAddress! + offset + nameCount
        self.nvScratch.append(
          nghttp2_nv(name: name, value: value, namelen: nameCount, valuelen: valueCount, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        )
        offset += nameCount + valueCount
      }
      return self.nvScratch.withUnsafeBufferPointer { nvs in body(nvs.baseAddress!, nvs.count) }
    }
  }

  /// Runs `body` with the session behind a callback's `userData`, without retaining it: the
  /// session is alive for as long as nghttp2 calls back into it (it owns the nghttp2 session).
  /// nghttp2 calls back several times per frame (once per header field), so a retain and a
  /// release each time showed up in profiles.
  @inline(__always)
  static func with<Result>(_ userData: UnsafeMutableRawPointer?, _ body: (NGHTTP2Session) -> Result) -> Result {
    Unmanaged<NGHTTP2Session>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
  }

  /// NGHTTP2_ERR_TOO_MANY_CONTINUATIONS, spelled as a number: upstream 1.52.0 headers lack the name.
  static let errorTooManyContinuations: Int32 = -905

  static func describe(_ code: Int32) -> String {
    String(cString: nghttp2_strerror(code))
  }

  static func check(_ rc: Int32, _ context: String, stream: Int32? = nil) throws(HTTP2Error) {
    guard rc < 0 else { return }
    throw Self.error(rc, context: context, stream: stream)
  }

  /// Folds an nghttp2 error code into our error codes.
  static func error(_ rc: Int32, context: String, stream: Int32? = nil) -> HTTP2Error {
    let code: HTTP2Error.Code =
      switch rc {
      case NGHTTP2_ERR_FLOW_CONTROL.rawValue:
        .flowControl
      case NGHTTP2_ERR_PROTO.rawValue, NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue, NGHTTP2_ERR_HEADER_COMP.rawValue,
        NGHTTP2_ERR_FRAME_SIZE_ERROR.rawValue, NGHTTP2_ERR_FLOODED.rawValue, NGHTTP2_ERR_SETTINGS_EXPECTED.rawValue,
        NGHTTP2_ERR_HTTP_HEADER.rawValue, NGHTTP2_ERR_HTTP_MESSAGING.rawValue, NGHTTP2_ERR_GOAWAY_ALREADY_SENT.rawValue,
        NGHTTP2_ERR_TOO_MANY_SETTINGS.rawValue, Self.errorTooManyContinuations:
        .protocolError
      case NGHTTP2_ERR_STREAM_CLOSED.rawValue, NGHTTP2_ERR_STREAM_CLOSING.rawValue, NGHTTP2_ERR_STREAM_SHUT_WR.rawValue,
        NGHTTP2_ERR_INVALID_STREAM_ID.rawValue:
        .streamNotFound
      case NGHTTP2_ERR_START_STREAM_NOT_ALLOWED.rawValue:
        .goingAway
      default:
        .session
      }
    return HTTP2Error(
      code: code,
      message: "nghttp2 failed while \(context): \(Self.describe(rc)) (\(rc))",
      stream: stream.map(HTTP2StreamID.init)
    )
  }

  // MARK: - Callback bodies (called from the C trampolines in NGHTTP2Session+Callbacks.swift)

  func onReadData(streamID: Int32, maxLength: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
    switch self.withDelegate({ $0.sessionPullOutbound(streamID: streamID, maxLength: maxLength) }) {
    case .deferred:
      return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    case .data(let length, let isLast):
      if length > 0 {
        flags.pointee |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue
      }
      if isLast {
        flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        if let trailers = self.withDelegate({ $0.sessionTrailers(streamID: streamID) }) {
          flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
          let rc = self.withNVs(trailers) { nva, count in nghttp2_submit_trailer(self.session, streamID, nva, count) }
          if rc < 0 { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        }
      }
      return length
    }
  }

  func onSendData(frame: UnsafePointer<nghttp2_frame>, header: UnsafePointer<UInt8>, length: Int) -> Int32 {
    let padding = Int(frame.pointee.data.padlen)
    self.output.writeBytes(UnsafeRawBufferPointer(start: header, count: 9))
    if padding > 0 {
      self.output.writeInteger(UInt8(padding - 1))
    }
    guard self.withDelegate({ $0.sessionTakeOutbound(streamID: frame.pointee.hd.stream_id, length: length, into: &self.output) }) else {
      return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
    }
    if padding > 1 {
      self.output.writeRepeatingByte(0, count: padding - 1)
    }
    return 0
  }

  func onDataChunk(streamID: Int32, bytes: UnsafeRawBufferPointer) {
    self.flushPendingData(endStream: false)
    self.pendingData = (streamID, bytes)
  }

  func onFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(header.type) {
    case NGHTTP2_DATA.rawValue:
      if let pending = self.pendingData, pending.streamID == header.stream_id {
        self.flushPendingData(endStream: endStream)
      } else if endStream {
        self.flushPendingData(endStream: false)
        self.withDelegate { $0.sessionData(streamID: header.stream_id, bytes: UnsafeRawBufferPointer(start: nil, count: 0), endStream: true) }
      }
    case NGHTTP2_HEADERS.rawValue:
      self.withDelegate { $0.sessionHeadersComplete(streamID: header.stream_id, endStream: endStream) }
    case NGHTTP2_SETTINGS.rawValue:
      self.withDelegate { $0.sessionSettingsReceived(ack: header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0) }
    case NGHTTP2_PING.rawValue:
      if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
        let payload = withUnsafeBytes(of: frame.pointee.ping.opaque_data) { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        self.withDelegate { $0.sessionPingAcknowledged(payload) }
      }
    case NGHTTP2_GOAWAY.rawValue:
      self.withDelegate { $0.sessionGoAwayReceived(lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code) }
    default:
      break
    }
  }

  func onBeginHeaders(_ frame: UnsafePointer<nghttp2_frame>) {
    self.withDelegate { $0.sessionBeginHeaders(streamID: frame.pointee.hd.stream_id) }
  }

  func onHeader(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
    self.withDelegate { $0.sessionHeader(streamID: frame.pointee.hd.stream_id, name: name, value: value) }
  }

  func onStreamClose(streamID: Int32, errorCode: UInt32) {
    self.withDelegate { $0.sessionStreamClosed(streamID: streamID, errorCode: errorCode) }
  }

  private func flushPendingData(endStream: Bool) {
    guard let pending = self.pendingData else { return }
    self.pendingData = nil
    self.withDelegate { $0.sessionData(streamID: pending.streamID, bytes: pending.bytes, endStream: endStream) }
  }
}

import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Our per-stream state next to nghttp2's own: which streams the delegate knows, their outbound
/// queues, unconsumed inbound bytes, and the header block being received. Pure: it decides, the
/// handler talks to nghttp2 and the delegate.
struct HTTP2StreamTable {
  struct Record {
    var outbound: HTTP2StreamOutboundQueue
    /// The delegate knows the stream (server: `http2StreamOpened` delivered; client: started).
    var announced: Bool
    /// The first inbound HEADERS block has been delivered.
    var headersDelivered = false
    /// Our HEADERS were submitted (server response; client request).
    var headersSubmitted: Bool
    /// nghttp2 parked the stream's data provider (NGHTTP2_ERR_DEFERRED): resume on new data.
    var isDeferred = false
    /// Inbound DATA bytes delivered and not yet consumed by the application.
    var unconsumed = 0
  }

  /// What to do with a completed inbound header block.
  enum InboundHeaders: Hashable {
    /// Not for a stream we keep (refused or unknown): drop it.
    case ignore
    /// Over SETTINGS_MAX_HEADER_LIST_SIZE: reset the stream with this code.
    case reset(HTTP2ErrorCode)
    /// The stream's first block; `newlyAnnounced` when the stream now counts as open (server).
    case opened([HTTP2HeaderField], newlyAnnounced: Bool)
    /// A later block (trailers).
    case headers([HTTP2HeaderField])
  }

  let role: HTTP2Role
  let maxHeaderListSize: Int
  let highWatermark: Int
  let lowWatermark: Int
  private var records = StreamIDMap<Record>()
  private var headerBlock: [HTTP2HeaderField] = []
  /// The fields of the last header blocks, by position: a field equal to the one received at
  /// the same position before reuses its strings. Calls on one connection repeat their
  /// headers (method, path, content type, authority, user agent), so most fields are decoded
  /// once per connection instead of allocating two strings per field per call. At most
  /// ``recentFieldLimit`` fields, each within the header list limit.
  private var recentFields: [HTTP2HeaderField] = []
  private static var recentFieldLimit: Int { 32 }
  private var headerListSize = 0
  private var headerBlockTooLarge = false

  init(role: HTTP2Role, configuration: HTTP2Configuration) {
    self.role = role
    self.maxHeaderListSize = configuration.maxHeaderListSize
    self.highWatermark = configuration.outboundBufferHighWatermark
    self.lowWatermark = configuration.outboundBufferLowWatermark
  }

  /// A copy of a stream's record (for tests: reading it retains and releases its outbound
  /// queue's storage; the handler reads fields in place, e.g. ``isWritable(_:)``).
  subscript(_ id: Int32) -> Record? {
    _read { yield self.records[id] }
  }

  /// Whether stream `id`'s outbound queue is below its high watermark (false for an unknown
  /// stream), read in place: no copy of the record.
  func isWritable(_ id: Int32) -> Bool {
    self.records.read(id) { $0.pointee?.outbound.isWritable ?? false } ?? false
  }

  /// The bytes stream `id` has queued for nghttp2 (0 for an unknown stream), read in place.
  func bufferedBytes(_ id: Int32) -> Int {
    self.records.read(id) { $0.pointee?.outbound.bufferedBytes ?? 0 } ?? 0
  }

  /// Whether the table keeps stream `id`.
  func contains(_ id: Int32) -> Bool { self.records.contains(id) }

  /// Runs `body` on stream `id`'s record in place, or returns nil for an unknown stream.
  ///
  /// Every access to a record goes through here (or the borrowing subscript): reading a
  /// field from a copy of the record would retain its outbound queue's storage and then
  /// release it, several times per call.
  private mutating func withRecord<Result, Failure: Error>(
    _ id: Int32,
    _ body: (inout Record) throws(Failure) -> Result
  ) throws(Failure) -> Result? {
    try self.records.withValue(forKey: id, body)
  }

  /// Ids of the streams the delegate knows, ascending.
  var announcedStreamIDs: [Int32] { self.records.allKeys.filter { self.records[$0]!.announced }.sorted() }

  private func makeRecord(announced: Bool, headersSubmitted: Bool) -> Record {
    Record(
      outbound: HTTP2StreamOutboundQueue(highWatermark: self.highWatermark, lowWatermark: self.lowWatermark),
      announced: announced,
      headersSubmitted: headersSubmitted
    )
  }

  // MARK: - Inbound

  /// A header block starts.
  /// - Parameter refuseAbove: server: the last stream id of a final GOAWAY already submitted.
  /// - Returns: `.refusedStream` if a new stream must be reset instead of opened.
  mutating func beginHeaders(_ id: Int32, refuseAbove: Int32?) -> HTTP2ErrorCode? {
    self.headerBlock.removeAll(keepingCapacity: true)
    self.headerListSize = 0
    self.headerBlockTooLarge = false
    guard self.role == .server, self.records[id] == nil else { return nil }
    if let last = refuseAbove, id > last {
      // Our final GOAWAY is submitted but not on the wire yet, so nghttp2 still accepts new
      // streams; the peer will take this one as refused, so it must not be processed.
      return .refusedStream
    }
    self.records[id] = self.makeRecord(announced: false, headersSubmitted: false)
    return nil
  }

  /// One field of the block; counted with RFC 9113's 32 bytes of overhead per field.
  mutating func header(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
    guard !self.headerBlockTooLarge else { return }
    self.headerListSize += name.count + value.count + 32
    if self.headerListSize > self.maxHeaderListSize {
      self.headerBlockTooLarge = true
      self.headerBlock.removeAll(keepingCapacity: true)
      return
    }
    let position = self.headerBlock.count
    if position < self.recentFields.count {
      let recent = self.recentFields[position]
      if Self.bytes(of: recent.name, equal: name), Self.bytes(of: recent.value, equal: value) {
        self.headerBlock.append(recent)
        return
      }
    }
    let field = HTTP2HeaderField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    if position < self.recentFields.count {
      self.recentFields[position] = field
    } else if position < Self.recentFieldLimit {
      self.recentFields.append(field)
    }
    self.headerBlock.append(field)
  }

  private static func bytes(of string: String, equal bytes: UnsafeRawBufferPointer) -> Bool {
    var string = string
    return string.withUTF8 { utf8 in
      utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
    }
  }

  /// The block ended.
  mutating func endHeaders(_ id: Int32) -> InboundHeaders {
    if self.headerBlockTooLarge {
      self.headerBlockTooLarge = false
      return .reset(.enhanceYourCalm)
    }
    let headers = self.headerBlock
    self.headerBlock.removeAll(keepingCapacity: true)
    let result = self.withRecord(id) { (record: inout Record) -> InboundHeaders in
      if record.headersDelivered { return .headers(headers) }
      record.headersDelivered = true
      let newlyAnnounced = !record.announced
      record.announced = true
      return .opened(headers, newlyAnnounced: newlyAnnounced)
    }
    return result ?? .ignore
  }

  /// DATA arrived.
  /// - Returns: true to deliver it (and count it as unconsumed); false for a stream the delegate
  ///   does not know, whose bytes go straight back to the windows.
  mutating func dataReceived(_ id: Int32, count: Int) -> Bool {
    self.withRecord(id) { (record: inout Record) -> Bool in
      guard record.announced else { return false }
      record.unconsumed += count
      return true
    } ?? false
  }

  /// The application consumed bytes.
  /// - Returns: how many to give back to nghttp2 (at most what is unconsumed; 0 for a closed stream).
  mutating func consume(_ id: Int32, count: Int) -> Int {
    guard count > 0 else { return 0 }
    return self.withRecord(id) { (record: inout Record) -> Int in
      let granted = min(count, record.unconsumed)
      record.unconsumed -= granted
      return granted
    } ?? 0
  }

  /// nghttp2 closed the stream.
  /// - Returns: whether the delegate knew it, and its unconsumed bytes (to return to the
  ///   connection window); nil for a stream we never kept.
  mutating func streamClosed(_ id: Int32) -> (announced: Bool, unconsumed: Int)? {
    guard let record = self.records.removeValue(forKey: id) else { return nil }
    return (record.announced, record.unconsumed)
  }

  /// Forgets every stream (the connection is gone).
  mutating func removeAll() {
    self.records.removeAll()
  }

  // MARK: - Outbound

  /// Client: a stream started with `startStream`.
  mutating func clientStreamStarted(_ id: Int32, endStream: Bool) {
    var record = self.makeRecord(announced: true, headersSubmitted: true)
    if endStream { record.outbound.finish(.endStream) }
    self.records[id] = record
  }

  /// Server: checks response headers may be sent now.
  /// - Throws: `.streamNotFound`, `.invalidState` (already sent).
  mutating func checkCanSendHeaders(_ stream: HTTP2StreamID) throws(HTTP2Error) {
    let state = self.withRecord(stream.rawValue) { (record: inout Record) in (record.announced, record.headersSubmitted) }
    guard let (announced, submitted) = state, announced else { throw .streamNotFound(stream) }
    guard !submitted else {
      throw HTTP2Error(code: .invalidState, message: "response headers were already sent; use sendTrailers for trailing headers", stream: stream)
    }
  }

  /// Server: response headers were submitted.
  mutating func headersSubmitted(_ id: Int32, endStream: Bool) {
    self.withRecord(id) { (record: inout Record) in
      record.headersSubmitted = true
      if endStream { record.outbound.finish(.endStream) }
    }
  }

  /// Queues bytes and/or the end of a stream, mutating the record in place (a copy would share
  /// the queue's storage and make every append copy it).
  /// - Returns: the writability change, whether nghttp2 must resume the stream, buffered bytes.
  /// - Throws: `.streamNotFound`, `.invalidState` (headers not sent, or already ended).
  mutating func enqueue(
    _ stream: HTTP2StreamID,
    data: ByteBuffer?,
    end: HTTP2StreamOutboundQueue.End?
  ) throws(HTTP2Error) -> (change: Bool?, resume: Bool, buffered: Int) {
    let result = try self.withRecord(stream.rawValue) { (record: inout Record) throws(HTTP2Error) -> (change: Bool?, resume: Bool, buffered: Int) in
      guard record.headersSubmitted else {
        throw HTTP2Error(code: .invalidState, message: "send the response headers (sendHeaders) before data or trailers", stream: stream)
      }
      guard !record.outbound.isEnded else {
        throw HTTP2Error(code: .invalidState, message: "our side of the stream has already ended", stream: stream)
      }
      var change: Bool?
      if let data {
        change = record.outbound.append(data)
      }
      if let end {
        record.outbound.finish(end)
      }
      let resume = record.isDeferred
      record.isDeferred = false
      return (change, resume, record.outbound.bufferedBytes)
    }
    guard let result else { throw .streamNotFound(stream) }
    return result
  }

  /// nghttp2 asks how much of the stream it may frame now; parks the stream when empty.
  mutating func pull(_ id: Int32, maxLength: Int) -> HTTP2StreamOutboundQueue.Pull {
    self.withRecord(id) { (record: inout Record) -> HTTP2StreamOutboundQueue.Pull in
      let pull = record.outbound.pull(maxLength: maxLength)
      if pull == .deferred { record.isDeferred = true }
      return pull
    } ?? .data(length: 0, isLast: true)
  }

  /// Moves `length` queued bytes into `output`.
  /// - Returns: nil if the stream lacks them; otherwise the writability change, if any.
  mutating func take(_ id: Int32, length: Int, into output: inout ByteBuffer) -> Bool?? {
    let taken = self.withRecord(id) { (record: inout Record) -> Bool?? in
      guard record.outbound.bufferedBytes >= length else { return nil }
      return .some(record.outbound.take(length, into: &output))
    }
    return taken ?? nil
  }

  /// The trailers the stream ends with, once its queue drained.
  mutating func trailers(_ id: Int32) -> [HTTP2HeaderField]? {
    let trailers = self.withRecord(id) { (record: inout Record) -> [HTTP2HeaderField]? in
      if case .trailers(let headers) = record.outbound.end { return headers }
      return nil
    }
    return trailers ?? nil
  }
}

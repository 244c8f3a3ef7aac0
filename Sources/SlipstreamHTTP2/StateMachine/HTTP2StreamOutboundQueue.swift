import NIOCore

/// The outbound side of one stream: bytes waiting for nghttp2 to pull them into DATA frames, how
/// the stream ends, and whether it sits above its high watermark. Pure: no I/O, no nghttp2.
struct HTTP2StreamOutboundQueue {
  /// How the application asked the stream to end.
  enum End: Hashable {
    /// Not ended: more data may come.
    case open
    /// END_STREAM on the last DATA frame.
    case endStream
    /// A trailing HEADERS block (with END_STREAM) after the last DATA frame.
    case trailers([HTTP2HeaderField])
  }

  /// What nghttp2 may take now.
  enum Pull: Hashable {
    /// Nothing queued and not ended: park the stream until more arrives.
    case deferred
    /// `length` bytes are ready; `isLast` means the queue drains and the end follows them.
    case data(length: Int, isLast: Bool)
  }

  /// The oldest queued buffer while it is the only one: a stream that queues one buffer at a
  /// time (a unary response, a batch of quotes) never allocates the array below.
  private var single: ByteBuffer?
  /// Queued buffers after `single`, from `head` on. An empty array does not allocate, so
  /// streams that never send data cost nothing here; drained storage is kept for the stream's
  /// next bytes.
  private var buffers: [ByteBuffer] = []
  private var head = 0
  /// Bytes queued and not yet pulled.
  private(set) var bufferedBytes = 0
  /// False between crossing the high watermark and draining to the low watermark.
  private(set) var isWritable = true
  /// How the application asked the stream to end.
  private(set) var end = End.open
  let highWatermark: Int
  let lowWatermark: Int

  /// Creates an empty queue.
  /// - Parameters:
  ///   - highWatermark: buffered bytes at or above which the stream is not writable.
  ///   - lowWatermark: buffered bytes at or below which it is writable again.
  init(highWatermark: Int, lowWatermark: Int) {
    self.highWatermark = highWatermark
    self.lowWatermark = min(lowWatermark, highWatermark)
  }

  /// Whether `finish` has been called.
  var isEnded: Bool { self.end != .open }

  /// Queues bytes.
  /// - Returns: the new writability if it changed (false when the high watermark was reached).
  mutating func append(_ buffer: ByteBuffer) -> Bool? {
    precondition(!self.isEnded, "append after end")
    let count = buffer.readableBytes
    guard count > 0 else { return nil }
    if self.single == nil && self.head == self.buffers.count {
      self.single = buffer
    } else {
      self.buffers.append(buffer)
    }
    self.bufferedBytes += count
    if self.isWritable && self.bufferedBytes >= self.highWatermark {
      self.isWritable = false
      return false
    }
    return nil
  }

  /// Records how the stream ends once the queued bytes are out.
  mutating func finish(_ end: End) {
    precondition(!self.isEnded && end != .open, "finish twice")
    self.end = end
  }

  /// What nghttp2 may pull now, given it accepts at most `maxLength` bytes in this frame.
  func pull(maxLength: Int) -> Pull {
    if self.bufferedBytes == 0 {
      return self.isEnded ? .data(length: 0, isLast: true) : .deferred
    }
    let length = min(maxLength, self.bufferedBytes)
    return .data(length: length, isLast: self.isEnded && length == self.bufferedBytes)
  }

  /// Moves the first `length` queued bytes into `output`.
  /// - Returns: the new writability if it changed (true when drained to the low watermark).
  mutating func take(_ length: Int, into output: inout ByteBuffer) -> Bool? {
    precondition(length <= self.bufferedBytes, "take more than queued")
    var remaining = length
    while remaining > 0 {
      if var first = self.single {
        let count = first.readableBytes
        if count <= remaining {
          output.writeImmutableBuffer(first)
          self.single = nil
          remaining -= count
        } else {
          output.writeImmutableBuffer(first.readSlice(length: remaining)!)
          self.single = first
          remaining = 0
        }
        continue
      }
      let count = self.buffers[self.head].readableBytes
      if count <= remaining {
        output.writeImmutableBuffer(self.buffers[self.head])
        self.buffers[self.head] = ByteBuffer()  // release the storage now
        self.head += 1
        remaining -= count
      } else {
        let slice = self.buffers[self.head].readSlice(length: remaining)!
        output.writeImmutableBuffer(slice)
        remaining = 0
      }
    }
    if self.head == self.buffers.count {
      self.buffers.removeAll(keepingCapacity: true)
      self.head = 0
    } else if self.head >= 64 && self.head * 2 >= self.buffers.count {
      // A queue that never fully drains: drop the consumed slots (amortised O(1) per buffer).
      self.buffers.removeFirst(self.head)
      self.head = 0
    }
    self.bufferedBytes -= length
    if !self.isWritable && self.bufferedBytes <= self.lowWatermark {
      self.isWritable = true
      return true
    }
    return nil
  }
}

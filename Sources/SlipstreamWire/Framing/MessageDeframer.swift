/// Splits a stream of bytes into gRPC messages, however the bytes are chunked.
///
/// Feed bytes with `append` as they arrive and call ``next()`` until it returns `nil`; at the
/// end of the stream call ``finish()``. Errors are sticky: after ``next()`` throws, every later
/// call throws the same error and appended bytes are dropped, so a bad peer cannot make the
/// deframer buffer without bound.
///
/// The declared length and the flag are checked as soon as a 5-byte prefix is buffered (in
/// `append` already), before any of the body is kept.
public struct MessageDeframer: Sendable {
  /// The largest message accepted, in bytes, both as declared on the wire and after
  /// decompression.
  public let maximumMessageSize: Int
  /// The peer's negotiated `grpc-encoding`; `nil` or `.identity` means compressed messages are
  /// refused.
  public let encoding: CompressionAlgorithm?

  /// The largest buffer capacity kept once every buffered message has been returned.
  static let retainedCapacity = 64 * 1024

  private var buffer: [UInt8] = []
  /// Index in `buffer` of the first byte not yet returned.
  private var readIndex = 0
  /// Whether the prefix at `readIndex` has already been validated.
  private var prefixChecked = false
  private var failure: WireError?
  private var inflater: GzipInflater?

  /// Creates a deframer.
  ///
  /// - Parameters:
  ///   - maximumMessageSize: The receive limit in bytes (default 4 MiB); clamped to
  ///     0...UInt32.max.
  ///   - encoding: The `grpc-encoding` the peer announced, or `nil` for none.
  public init(maximumMessageSize: Int = 4 * 1024 * 1024, encoding: CompressionAlgorithm? = nil) {
    self.maximumMessageSize = min(max(0, maximumMessageSize), Int(UInt32.max))
    self.encoding = encoding
  }

  /// The number of bytes received but not yet returned as a message.
  public var bufferedByteCount: Int { self.buffer.count - self.readIndex }

  /// Adds received bytes.
  ///
  /// - Parameter bytes: The next bytes of the stream, copied in one bulk copy.
  public mutating func append(_ bytes: UnsafeRawBufferPointer) {
    guard self.prepareForAppend() else { return }
    self.buffer.append(contentsOf: bytes)
    self.checkPrefix()
  }

  /// Adds received bytes.
  ///
  /// - Parameter bytes: The next bytes of the stream.
  public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
    guard self.prepareForAppend() else { return }
    self.buffer.append(contentsOf: bytes)
    self.checkPrefix()
  }

  /// Adds received bytes and hands every message they complete to `deliver`, in order: the
  /// same messages and errors as ``append(_:)-(UnsafeRawBufferPointer)`` followed by
  /// ``next()`` until it returns `nil`, but when nothing is buffered, each uncompressed message
  /// that lies whole in `bytes` is copied once, straight into its array (a small request in
  /// one DATA frame is never copied into the buffer first). Only the rest is buffered.
  ///
  /// - Throws: As ``next()``; messages before the failure have been delivered.
  public mutating func append(_ bytes: UnsafeRawBufferPointer, deliver: ([UInt8]) -> Void) throws(WireError) {
    var offset = 0
    if self.failure == nil && self.bufferedByteCount == 0 {
      let prefix = MessageFramer.prefixLength
      while bytes.count - offset >= prefix, bytes[offset] == 0 {
        let length = Int(bytes[offset + 1]) << 24 | Int(bytes[offset + 2]) << 16
          | Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
        // Oversized or incomplete: the buffered path below reports or waits, as before.
        guard length <= self.maximumMessageSize, bytes.count - offset - prefix >= length else { break }
        let body = offset + prefix
        deliver(Array(UnsafeRawBufferPointer(rebasing: bytes[body..<(body + length)])))
        offset = body + length
      }
    }
    if offset < bytes.count {
      self.append(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }
    while let message = try self.next() { deliver(message) }
  }

  /// Returns the next complete message, decompressed.
  ///
  /// - Returns: The payload, or `nil` if more bytes are needed.
  /// - Throws: `messageTooLarge` (declared length or decompressed size over the limit),
  ///   `compressedWithoutEncoding`, `invalidCompressionFlag`, `decompressionFailed`.
  public mutating func next() throws(WireError) -> [UInt8]? {
    self.checkPrefix()
    if let failure = self.failure { throw failure }
    guard self.prefixChecked else { return nil }
    let length = self.declaredLength
    let bodyStart = self.readIndex + MessageFramer.prefixLength
    guard self.buffer.count - bodyStart >= length else { return nil }

    let compressed = self.buffer[self.readIndex] == 1
    let body = bodyStart..<(bodyStart + length)
    let message: [UInt8]
    if compressed {
      do throws(WireError) {
        let inflater = try self.uniqueInflater()
        let limit = self.maximumMessageSize
        message = try self.buffer.withUnsafeBytes { bytes in
          Result { () throws(WireError) in
            try inflater.decompress(UnsafeRawBufferPointer(rebasing: bytes[body]), limit: limit)
          }
        }.get()
      } catch {
        self.fail(error)
        throw error
      }
    } else {
      message = Array(self.buffer[body])
    }
    self.readIndex = body.upperBound
    self.prefixChecked = false
    if self.readIndex == self.buffer.count {
      // Keep a modest buffer for the next message, but do not pin a large one per stream.
      self.buffer.removeAll(keepingCapacity: self.buffer.capacity <= Self.retainedCapacity)
      self.readIndex = 0
    }
    self.checkPrefix()
    return message
  }

  /// Checks that the stream ended on a message boundary.
  ///
  /// - Throws: The sticky error if one occurred; `truncatedMessage` if part of a message
  ///   (prefix or body) is still buffered.
  public func finish() throws(WireError) {
    if let failure = self.failure { throw failure }
    if self.bufferedByteCount > 0 { throw WireError(.truncatedMessage) }
  }

  /// Drops consumed bytes before appending; `false` if the deframer has failed.
  private mutating func prepareForAppend() -> Bool {
    guard self.failure == nil else { return false }
    if self.readIndex > 0 {
      self.buffer.removeSubrange(0..<self.readIndex)
      self.readIndex = 0
    }
    return true
  }

  private var declaredLength: Int {
    let i = self.readIndex + 1
    return Int(self.buffer[i]) << 24 | Int(self.buffer[i + 1]) << 16
      | Int(self.buffer[i + 2]) << 8 | Int(self.buffer[i + 3])
  }

  /// Validates the prefix at `readIndex` once it is complete; records a failure.
  private mutating func checkPrefix() {
    guard !self.prefixChecked, self.failure == nil,
      self.bufferedByteCount >= MessageFramer.prefixLength
    else { return }
    let flag = self.buffer[self.readIndex]
    let length = self.declaredLength
    switch flag {
    case 0:
      break
    case 1:
      guard let encoding = self.encoding, encoding != .identity else {
        return self.fail(WireError(.compressedWithoutEncoding))
      }
    default:
      return self.fail(WireError(.invalidCompressionFlag(flag)))
    }
    guard length <= self.maximumMessageSize else {
      return self.fail(
        WireError(.messageTooLarge(length: length, limit: self.maximumMessageSize)))
    }
    self.prefixChecked = true
  }

  private mutating func fail(_ error: WireError) {
    self.failure = error
    self.buffer = []
    self.readIndex = 0
  }

  private mutating func uniqueInflater() throws(WireError) -> GzipInflater {
    if !isKnownUniquelyReferenced(&self.inflater) {
      self.inflater = try GzipInflater()
    }
    return self.inflater!
  }
}

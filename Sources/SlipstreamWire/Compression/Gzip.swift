import CZlib

/// Owns one zlib deflate stream producing gzip (RFC 1952) members; freed in `deinit`.
///
/// `@unchecked Sendable`: the stream is mutable C state, but it is only reached through the
/// mutating methods of the one `MessageFramer` holding it, which replaces it first if the
/// reference is shared (copy-on-write via `isKnownUniquelyReferenced`). No two values ever
/// use the same instance, so no two threads do.
final class GzipDeflater: @unchecked Sendable {
  /// Heap-allocated because zlib keeps a pointer back to the `z_stream` (it must not move).
  private let stream: UnsafeMutablePointer<z_stream>

  /// Creates the stream.
  ///
  /// - Throws: `compressionFailed` if zlib cannot allocate its state.
  init() throws(WireError) {
    self.stream = .allocate(capacity: 1)
    self.stream.initialize(to: z_stream())
    let rc = cslip_deflateInit2(
      self.stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
    guard rc == Z_OK else {
      self.stream.deallocate()
      throw WireError(.compressionFailed)
    }
  }

  deinit {
    deflateEnd(self.stream)
    self.stream.deallocate()
  }

  /// Compresses `input` as one complete gzip member appended to `out`.
  ///
  /// Grows `out` once by zlib's worst-case bound, deflates in a single pass into it, then
  /// trims the unused tail.
  ///
  /// - Throws: `compressionFailed` if zlib fails or the input exceeds what one pass can take.
  func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws(WireError) {
    guard input.count <= Int(UInt32.max), deflateReset(self.stream) == Z_OK else {
      throw WireError(.compressionFailed)
    }
    let bound = Int(deflateBound(self.stream, uLong(input.count)))
    guard bound <= Int(UInt32.max) else { throw WireError(.compressionFailed) }
    let start = out.count
    out.append(contentsOf: repeatElement(0, count: bound))
    let (rc, unused) = out.withUnsafeMutableBytes { buffer in
      let stream = self.stream
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = uInt(input.count)
      stream.pointee.next_out = buffer.baseAddress!.advanced(by: start)
        .assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(bound)
      let rc = deflate(stream, Z_FINISH)
      let unused = Int(stream.pointee.avail_out)
      stream.pointee.next_in = nil
      stream.pointee.next_out = nil
      return (rc, unused)
    }
    guard rc == Z_STREAM_END else {
      out.removeLast(out.count - start)
      throw WireError(.compressionFailed)
    }
    out.removeLast(unused)
  }
}

/// Owns one zlib inflate stream reading gzip members; freed in `deinit`.
///
/// `@unchecked Sendable` for the same reason as ``GzipDeflater``: only the one
/// `MessageDeframer` holding it uses it, after a uniqueness check.
final class GzipInflater: @unchecked Sendable {
  /// Heap-allocated because zlib keeps a pointer back to the `z_stream` (it must not move).
  private let stream: UnsafeMutablePointer<z_stream>

  /// Creates the stream.
  ///
  /// - Throws: `decompressionFailed` if zlib cannot allocate its state.
  init() throws(WireError) {
    self.stream = .allocate(capacity: 1)
    self.stream.initialize(to: z_stream())
    guard cslip_inflateInit2(self.stream, 15 + 16) == Z_OK else {
      self.stream.deallocate()
      throw WireError(.decompressionFailed("zlib could not allocate an inflate stream"))
    }
  }

  deinit {
    inflateEnd(self.stream)
    self.stream.deallocate()
  }

  /// Inflates one or more concatenated gzip members, producing at most `limit` bytes.
  ///
  /// The output is sized from the gzip trailer's length field (capped at `limit + 1`) and grown
  /// geometrically if that field lies; inflating stops as soon as one byte more than `limit`
  /// has been produced, so a zip bomb costs at most `limit + 1` bytes of memory.
  ///
  /// - Parameters:
  ///   - input: The compressed message. Empty input is an empty message.
  ///   - limit: The largest allowed decompressed size, 0...UInt32.max.
  /// - Returns: The decompressed bytes.
  /// - Throws: `messageTooLarge(length:limit:)` past the limit (length = bytes produced so far);
  ///   `decompressionFailed` for corrupt or truncated gzip data.
  func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws(WireError) -> [UInt8] {
    guard !input.isEmpty else { return [] }
    guard input.count <= Int(UInt32.max) else {
      throw WireError(.decompressionFailed("compressed message larger than 4 GiB"))
    }
    guard inflateReset(self.stream) == Z_OK else {
      throw WireError(.decompressionFailed("zlib could not reset the inflate stream"))
    }
    // ISIZE: the uncompressed size mod 2^32, little-endian, in the last 4 bytes. A hint only.
    var hint = 256
    if input.count >= 18 {
      let tail = input.count - 4
      hint = max(hint, Int(input[tail]) | Int(input[tail + 1]) << 8
        | Int(input[tail + 2]) << 16 | Int(input[tail + 3]) << 24)
    }
    var output = [UInt8](repeating: 0, count: min(hint, limit + 1))
    var produced = 0
    let stream = self.stream
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    defer {
      stream.pointee.next_in = nil
      stream.pointee.next_out = nil
    }
    while true {
      if produced == output.count {
        guard output.count <= limit else {
          throw WireError(.messageTooLarge(length: produced, limit: limit))
        }
        let grown = min(max(output.count * 2, 256), limit + 1)
        output.append(contentsOf: repeatElement(0, count: grown - output.count))
      }
      let (rc, nowProduced) = output.withUnsafeMutableBytes { buffer in
        let space = min(buffer.count - produced, Int(UInt32.max))
        stream.pointee.next_out = buffer.baseAddress!.advanced(by: produced)
          .assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(space)
        let rc = inflate(stream, Z_NO_FLUSH)
        return (rc, produced + space - Int(stream.pointee.avail_out))
      }
      produced = nowProduced
      switch rc {
      case Z_STREAM_END:
        guard produced <= limit else {
          throw WireError(.messageTooLarge(length: produced, limit: limit))
        }
        guard stream.pointee.avail_in > 0 else {
          output.removeLast(output.count - produced)
          return output
        }
        // Another gzip member follows (RFC 1952 allows concatenation).
        guard inflateReset(stream) == Z_OK else {
          throw WireError(.decompressionFailed("zlib could not reset the inflate stream"))
        }
      case Z_OK:
        continue
      case Z_BUF_ERROR where stream.pointee.avail_out == 0:
        continue  // Needs more output space: the loop grows the buffer or stops at the limit.
      case Z_BUF_ERROR:
        throw WireError(.decompressionFailed("truncated gzip data"))
      case Z_MEM_ERROR:
        throw WireError(.decompressionFailed("out of memory"))
      default:
        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
        throw WireError(.decompressionFailed(reason))
      }
    }
  }
}

/// Writes gRPC length-prefixed messages: a 1-byte compressed flag, a 4-byte big-endian
/// length, then the (possibly gzip-compressed) payload.
///
/// A value type; copies share nothing observable (the zlib stream is copy-on-write).
public struct MessageFramer: Sendable {
  /// The size of the prefix before every message.
  public static let prefixLength = 5

  /// The algorithm used for messages at least ``compressionThreshold`` bytes long.
  public let compression: CompressionAlgorithm
  /// Payloads shorter than this are sent uncompressed (flag 0) even when compression is on:
  /// gzip adds 18 bytes of framing and rarely helps small messages. The spec allows a sender
  /// to leave any message uncompressed.
  public let compressionThreshold: Int

  private var deflater: GzipDeflater?

  /// Creates a framer.
  ///
  /// - Parameters:
  ///   - compression: `.identity` (the default) or `.gzip`; it must match the `grpc-encoding`
  ///     header sent on the stream.
  ///   - compressionThreshold: The smallest payload to compress, in bytes (default 1024; 0
  ///     compresses everything).
  public init(compression: CompressionAlgorithm = .identity, compressionThreshold: Int = 1024) {
    self.compression = compression
    self.compressionThreshold = max(0, compressionThreshold)
    self.deflater = nil
  }

  /// Appends one framed message to `out`.
  ///
  /// - Parameters:
  ///   - payload: The serialized message.
  ///   - out: The buffer to append to; on a throw it is left as it was.
  /// - Throws: `messageTooLarge` if the (compressed) payload exceeds `UInt32.max` bytes;
  ///   `compressionFailed` if zlib fails.
  public mutating func append(_ payload: UnsafeRawBufferPointer, into out: inout [UInt8])
    throws(WireError)
  {
    let limit = Int(UInt32.max)
    guard payload.count <= limit else {
      throw WireError(.messageTooLarge(length: payload.count, limit: limit))
    }
    if self.compression == .gzip, payload.count >= self.compressionThreshold {
      let start = out.count
      Self.appendPrefix(compressed: true, length: 0, to: &out)
      do throws(WireError) {
        try self.uniqueDeflater().compress(payload, appendingTo: &out)
      } catch {
        out.removeLast(out.count - start)
        throw error
      }
      let length = out.count - start - Self.prefixLength
      guard length <= limit else {
        out.removeLast(out.count - start)
        throw WireError(.messageTooLarge(length: length, limit: limit))
      }
      Self.writeLength(length, into: &out, at: start + 1)
    } else {
      let needed = out.count + Self.prefixLength + payload.count
      if out.capacity < needed {
        out.reserveCapacity(max(needed, out.capacity * 2))
      }
      Self.appendPrefix(compressed: false, length: payload.count, to: &out)
      out.append(contentsOf: payload)
    }
  }

  /// Appends one framed message to `out`.
  ///
  /// - Parameters:
  ///   - payload: The serialized message; contiguous collections such as `[UInt8]` are not copied.
  ///   - out: The buffer to append to; on a throw it is left as it was.
  /// - Throws: See ``append(_:into:)-(UnsafeRawBufferPointer,_)``.
  public mutating func append(_ payload: some Collection<UInt8>, into out: inout [UInt8])
    throws(WireError)
  {
    var failure: WireError?
    let handled: Void? = payload.withContiguousStorageIfAvailable { buffer in
      do throws(WireError) {
        try self.append(UnsafeRawBufferPointer(buffer), into: &out)
      } catch {
        failure = error
      }
    }
    if handled == nil {
      Array(payload).withUnsafeBytes { bytes in
        do throws(WireError) {
          try self.append(bytes, into: &out)
        } catch {
          failure = error
        }
      }
    }
    if let failure { throw failure }
  }

  /// Frames one message into a new buffer.
  ///
  /// - Parameter payload: The serialized message.
  /// - Returns: The prefix and payload.
  /// - Throws: See ``append(_:into:)-(UnsafeRawBufferPointer,_)``.
  public mutating func frame(_ payload: some Collection<UInt8>) throws(WireError) -> [UInt8] {
    var out: [UInt8] = []
    try self.append(payload, into: &out)
    return out
  }

  private mutating func uniqueDeflater() throws(WireError) -> GzipDeflater {
    if !isKnownUniquelyReferenced(&self.deflater) {
      self.deflater = try GzipDeflater()
    }
    return self.deflater!
  }

  private static func appendPrefix(compressed: Bool, length: Int, to out: inout [UInt8]) {
    out.append(compressed ? 1 : 0)
    out.append(UInt8(truncatingIfNeeded: length >> 24))
    out.append(UInt8(truncatingIfNeeded: length >> 16))
    out.append(UInt8(truncatingIfNeeded: length >> 8))
    out.append(UInt8(truncatingIfNeeded: length))
  }

  private static func writeLength(_ length: Int, into out: inout [UInt8], at index: Int) {
    out[index] = UInt8(truncatingIfNeeded: length >> 24)
    out[index + 1] = UInt8(truncatingIfNeeded: length >> 16)
    out[index + 2] = UInt8(truncatingIfNeeded: length >> 8)
    out[index + 3] = UInt8(truncatingIfNeeded: length)
  }
}

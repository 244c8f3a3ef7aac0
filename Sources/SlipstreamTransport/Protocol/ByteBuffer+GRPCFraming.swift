import NIOCore
import SlipstreamRPC
import SlipstreamWire

extension ByteBufferAllocator {
  /// One gRPC length-prefixed message in a fresh buffer: flag, big-endian length, payload.
  /// - Parameters:
  ///   - payload: The serialized message.
  ///   - framer: Compresses when its algorithm is not identity.
  func grpcMessage(_ payload: [UInt8], framer: inout MessageFramer) throws(WireError) -> ByteBuffer {
    var buffer = self.buffer(capacity: 5 &+ payload.count)
    try buffer.writeGRPCMessage(payload, framer: &framer)
    return buffer
  }

  /// Frames several messages back to back in one buffer (one DATA frame's worth).
  func grpcMessages(_ payloads: [[UInt8]], framer: inout MessageFramer) throws(WireError) -> ByteBuffer {
    var buffer = self.buffer(capacity: payloads.reduce(0) { $0 &+ 5 &+ $1.count })
    for payload in payloads { try buffer.writeGRPCMessage(payload, framer: &framer) }
    return buffer
  }
}

extension ByteBuffer {
  /// Appends one gRPC length-prefixed message (compressed when `framer`'s algorithm is not
  /// identity and the payload reaches its threshold).
  mutating func writeGRPCMessage(_ payload: [UInt8], framer: inout MessageFramer) throws(WireError) {
    if framer.compression == .identity {
      writeUncompressedGRPCMessage(payload)
      return
    }
    var framed: [UInt8] = []
    try framer.append(payload, into: &framed)
    writeBytes(framed)
  }

  /// Appends flag 0, the big-endian length and the payload.
  fileprivate mutating func writeUncompressedGRPCMessage(_ payload: [UInt8]) {
    writeInteger(UInt8(0))
    writeInteger(UInt32(truncatingIfNeeded: payload.count))
    writeBytes(payload)
  }
}

/// Frames the messages a ``ResponseSource`` writes (``ResponseSource/takeReady(into:)``)
/// straight into one buffer, one DATA frame's worth: no array per message. Identity encoding
/// only; a compressing stream frames the source's ``ResponseSource/takeReady()`` instead.
struct GRPCMessageBufferWriter: ResponseMessageWriter {
  private let allocator: ByteBufferAllocator
  /// The framed messages; nil until the first one.
  private(set) var buffer: ByteBuffer?
  /// Set when a message could not be framed (longer than a gRPC length prefix can say);
  /// later messages are dropped too, and the caller resets the stream.
  private(set) var failure: WireError?

  init(allocator: ByteBufferAllocator) {
    self.allocator = allocator
  }

  mutating func writeMessage(length: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
    guard failure == nil else { return }
    guard length >= 0, length <= Int(UInt32.max) else {
      failure = WireError(.messageTooLarge(length: length, limit: Int(UInt32.max)))
      return
    }
    if buffer == nil { buffer = allocator.buffer(capacity: MessageFramer.prefixLength &+ length) }
    buffer!.writeInteger(UInt8(0))
    buffer!.writeInteger(UInt32(truncatingIfNeeded: length))
    buffer!.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
      body(UnsafeMutableRawBufferPointer(rebasing: out[..<length]))
      return length
    }
  }
}

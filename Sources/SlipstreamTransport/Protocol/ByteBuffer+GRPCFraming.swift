import NIOCore
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

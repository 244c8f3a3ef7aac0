import NIOCore
import SlipstreamWire

extension ByteBufferAllocator {
  /// One gRPC length-prefixed message in a fresh buffer: flag, big-endian length, payload.
  /// - Parameters:
  ///   - payload: The serialized message.
  ///   - framer: Compresses when its algorithm is not identity.
  func grpcMessage(_ payload: [UInt8], framer: inout MessageFramer) throws(WireError) -> ByteBuffer {
    if framer.compression == .identity {
      var buffer = self.buffer(capacity: 5 &+ payload.count)
      buffer.writeInteger(UInt8(0))
      buffer.writeInteger(UInt32(truncatingIfNeeded: payload.count))
      buffer.writeBytes(payload)
      return buffer
    }
    var framed: [UInt8] = []
    try framer.append(payload, into: &framed)
    return self.buffer(bytes: framed)
  }
}

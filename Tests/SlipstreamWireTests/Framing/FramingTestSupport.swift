import Testing
@testable import SlipstreamWire

/// A message prefix written by hand, independent of `MessageFramer`.
func prefix(flag: UInt8, length: Int) -> [UInt8] {
  [flag, UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
   UInt8(length & 0xFF)]
}

/// An uncompressed framed message written by hand.
func framed(_ payload: [UInt8]) -> [UInt8] {
  prefix(flag: 0, length: payload.count) + payload
}

/// The gzip bytes of `payload` (the body of a compressed frame).
func gzipped(_ payload: [UInt8]) throws -> [UInt8] {
  var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
  return Array(try framer.frame(payload).dropFirst(MessageFramer.prefixLength))
}

/// Deterministic bytes that compress a little but not to nothing.
func sampleBytes(_ count: Int, seed: Int = 1) -> [UInt8] {
  (0..<count).map { UInt8(truncatingIfNeeded: ($0 / 3) &* 31 &+ seed) }
}

/// Feeds `pieces` one after another, draining after each, then finishes — through
/// `append(_:)` + `next()`, and again through `append(_:deliver:)`, and records an issue when
/// the two disagree (messages, or the error), so every deframer test covers both.
func deframe(_ pieces: [ArraySlice<UInt8>], encoding: CompressionAlgorithm? = nil,
  limit: Int = 4 * 1024 * 1024) throws(WireError) -> [[UInt8]]
{
  let viaNext = Result { () throws(WireError) in
    var deframer = MessageDeframer(maximumMessageSize: limit, encoding: encoding)
    var messages: [[UInt8]] = []
    for piece in pieces {
      piece.withUnsafeBytes { deframer.append($0) }
      while let message = try deframer.next() { messages.append(message) }
    }
    try deframer.finish()
    return messages
  }
  let viaDeliver = Result { () throws(WireError) in
    var deframer = MessageDeframer(maximumMessageSize: limit, encoding: encoding)
    var messages: [[UInt8]] = []
    for piece in pieces {
      // Contiguous storage of its own, so the closure can throw WireError alone.
      let bytes = Array(piece)
      let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
      defer { pointer.deallocate() }
      pointer.copyBytes(from: bytes)
      try deframer.append(UnsafeRawBufferPointer(pointer)) { messages.append($0) }
    }
    try deframer.finish()
    return messages
  }
  #expect(viaNext == viaDeliver, "append(_:deliver:) disagrees with append(_:) + next()")
  return try viaNext.get()
}

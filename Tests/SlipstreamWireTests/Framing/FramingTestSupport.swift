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

/// Feeds `pieces` one after another, draining after each, then finishes.
func deframe(_ pieces: [ArraySlice<UInt8>], encoding: CompressionAlgorithm? = nil,
  limit: Int = 4 * 1024 * 1024) throws(WireError) -> [[UInt8]]
{
  var deframer = MessageDeframer(maximumMessageSize: limit, encoding: encoding)
  var messages: [[UInt8]] = []
  for piece in pieces {
    piece.withUnsafeBytes { deframer.append($0) }
    while let message = try deframer.next() { messages.append(message) }
  }
  try deframer.finish()
  return messages
}

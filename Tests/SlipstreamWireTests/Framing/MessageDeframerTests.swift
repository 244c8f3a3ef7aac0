import Testing

@testable import SlipstreamWire

@Suite struct MessageDeframerTests {
  /// Four messages of varied sizes, including an empty one.
  static let messages: [[UInt8]] = [sampleBytes(17), [], [42], sampleBytes(150, seed: 9)]
  static let stream: [UInt8] = messages.flatMap(framed)

  @Test func wholeBufferAtOnce() throws {
    #expect(try deframe([Self.stream[...]]) == Self.messages)
  }

  @Test func everySplitIntoTwoPieces() throws {
    for split in 0...Self.stream.count {
      let pieces = [Self.stream[..<split], Self.stream[split...]]
      #expect(try deframe(pieces) == Self.messages, "split at \(split)")
    }
  }

  @Test func everySplitIntoThreePieces() throws {
    let stream = Self.stream
    var failures = 0
    for first in 0...stream.count {
      for second in first...stream.count {
        let pieces = [stream[..<first], stream[first..<second], stream[second...]]
        if try deframe(pieces) != Self.messages { failures += 1 }
      }
    }
    #expect(failures == 0)
  }

  @Test func byteByByte() throws {
    let pieces = Self.stream.indices.map { Self.stream[$0...$0] }
    #expect(try deframe(pieces) == Self.messages)
  }

  @Test("append(_:deliver:) hands over the messages whole in one chunk without buffering them, and buffers only a partial tail")
  func deliverCopiesWholeMessagesOnce() throws {
    var deframer = MessageDeframer()
    var out: [[UInt8]] = []
    let partial = framed(sampleBytes(40)).prefix(12)
    try (Self.stream + partial).withUnsafeBytes { bytes in try deframer.append(bytes) { out.append($0) } }
    #expect(out == Self.messages)
    #expect(deframer.bufferedByteCount == partial.count)
    try framed(sampleBytes(40)).dropFirst(12).withUnsafeBytes { bytes in try deframer.append(bytes) { out.append($0) } }
    #expect(out == Self.messages + [sampleBytes(40)])
    #expect(deframer.bufferedByteCount == 0)
    try deframer.finish()
  }

  @Test("append(_:deliver:) delivers the messages before a bad one, then fails as next() does, and stays failed")
  func deliverStopsAtTheFirstBadMessage() throws {
    var deframer = MessageDeframer(maximumMessageSize: 100)
    var out: [[UInt8]] = []
    let bytes = framed([1, 2]) + prefix(flag: 0, length: 101) + sampleBytes(101) + framed([3])
    #expect(throws: WireError(.messageTooLarge(length: 101, limit: 100))) {
      try bytes.withUnsafeBytes { bytes in try deframer.append(bytes) { out.append($0) } }
    }
    #expect(out == [[1, 2]])
    #expect(throws: WireError(.messageTooLarge(length: 101, limit: 100))) {
      try framed([4]).withUnsafeBytes { bytes in try deframer.append(bytes) { out.append($0) } }
    }
    #expect(out == [[1, 2]])
  }

  @Test func appendContentsOfSequence() throws {
    var deframer = MessageDeframer()
    deframer.append(contentsOf: Self.stream.lazy.map { $0 })
    var out: [[UInt8]] = []
    while let message = try deframer.next() { out.append(message) }
    #expect(out == Self.messages)
    #expect(deframer.bufferedByteCount == 0)
    try deframer.finish()
  }

  @Test func mixedCompressedAndUncompressedEverySplit() throws {
    var gzip = MessageFramer(compression: .gzip, compressionThreshold: 100)
    var stream: [UInt8] = []
    for message in Self.messages + [sampleBytes(2000)] {
      try gzip.append(message, into: &stream)
    }
    #expect(stream.filter { _ in true }.count > 0)
    for split in 0...stream.count {
      let pieces = [stream[..<split], stream[split...]]
      #expect(try deframe(pieces, encoding: .gzip) == Self.messages + [sampleBytes(2000)])
    }
  }

  @Test(arguments: [0, 1, 100, 10_000, 300_000])
  func gzipRoundTrip(count: Int) throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
    let payload = sampleBytes(count)
    let frame = try framer.frame(payload)
    #expect(frame[0] == 1)
    #expect(try deframe([frame[...]], encoding: .gzip) == [payload])
  }

  @Test func inflatesGzipWrittenByAnotherImplementation() throws {
    // Python: gzip.compress(b"hello, slipstream", mtime=0)
    let body: [UInt8] = [
      0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9,
      0xD7, 0x51, 0x28, 0xCE, 0xC9, 0x2C, 0x28, 0x2E, 0x29, 0x4A, 0x4D, 0xCC, 0x05, 0x00, 0x55,
      0x65, 0x0B, 0xC9, 0x11, 0x00, 0x00, 0x00,
    ]
    #expect(try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: .gzip)
      == [Array("hello, slipstream".utf8)])
  }

  @Test func gzipFromOutsideAndConcatenatedMembers() throws {
    // A gzip body made of two members, as RFC 1952 allows.
    let body = try gzipped([1, 2, 3]) + gzipped([4, 5])
    #expect(try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: .gzip)
      == [[1, 2, 3, 4, 5]])
  }

  @Test func emptyCompressedMessageIsEmpty() throws {
    #expect(try deframe([prefix(flag: 1, length: 0)[...]], encoding: .gzip) == [[]])
  }

  @Test func bufferedByteCountTracksPartialMessages() throws {
    var deframer = MessageDeframer()
    deframer.append(contentsOf: framed([1, 2, 3]).prefix(6))
    #expect(try deframer.next() == nil)
    #expect(deframer.bufferedByteCount == 6)
    deframer.append(contentsOf: [2, 3])
    #expect(try deframer.next() == [1, 2, 3])
    #expect(deframer.bufferedByteCount == 0)
  }

  // MARK: - Errors

  @Test(arguments: [1, 4])
  func truncatedPrefixAtEnd(count: Int) {
    #expect(throws: WireError(.truncatedMessage)) {
      try deframe([(framed([1]) + framed([2, 3]).prefix(count))[...]])
    }
  }

  @Test(arguments: [5, 6])
  func truncatedBodyAtEnd(count: Int) {
    #expect(throws: WireError(.truncatedMessage)) {
      try deframe([framed([1, 2]).prefix(count)[...]])
    }
  }

  @Test func lengthOverLimitFailsAsSoonAsThePrefixArrives() throws {
    var deframer = MessageDeframer(maximumMessageSize: 100)
    deframer.append(contentsOf: prefix(flag: 0, length: 101))
    #expect(deframer.bufferedByteCount == 0)  // nothing kept
    #expect(throws: WireError(.messageTooLarge(length: 101, limit: 100))) {
      try deframer.next()
    }
    // Sticky: later bytes are dropped, the same error repeats.
    deframer.append(contentsOf: sampleBytes(101))
    #expect(deframer.bufferedByteCount == 0)
    #expect(throws: WireError(.messageTooLarge(length: 101, limit: 100))) {
      try deframer.next()
    }
    #expect(throws: WireError(.messageTooLarge(length: 101, limit: 100))) {
      try deframer.finish()
    }
  }

  @Test func lengthAtLimitIsAccepted() throws {
    #expect(try deframe([framed(sampleBytes(100))[...]], limit: 100) == [sampleBytes(100)])
    #expect(try deframe([framed([])[...]], limit: 0) == [[]])
  }

  @Test func defaultLimitIsFourMiB() throws {
    #expect(MessageDeframer().maximumMessageSize == 4 * 1024 * 1024)
    #expect(throws: WireError(.messageTooLarge(length: 4 * 1024 * 1024 + 1, limit: 4 * 1024 * 1024))) {
      try deframe([prefix(flag: 0, length: 4 * 1024 * 1024 + 1)[...]])
    }
  }

  @Test func zipBombStopsOneBytePastTheLimit() throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
    let bomb = try framer.frame([UInt8](repeating: 0, count: 8 * 1024 * 1024))
    #expect(bomb.count < 10_000)
    #expect(throws: WireError(.messageTooLarge(length: 65_537, limit: 65_536))) {
      try deframe([bomb[...]], encoding: .gzip, limit: 65_536)
    }
  }

  @Test func decompressedSizeExactlyAtLimitIsAccepted() throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
    let frame = try framer.frame([UInt8](repeating: 7, count: 65_536))
    #expect(try deframe([frame[...]], encoding: .gzip, limit: 65_536).first?.count == 65_536)
  }

  @Test(arguments: [nil, CompressionAlgorithm.identity])
  func compressedFlagWithoutEncoding(encoding: CompressionAlgorithm?) throws {
    let body = try gzipped([1])
    #expect(throws: WireError(.compressedWithoutEncoding)) {
      try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: encoding)
    }
  }

  @Test(arguments: [2, 3, 0x80, 0xFF] as [UInt8])
  func badFlagByte(flag: UInt8) {
    #expect(throws: WireError(.invalidCompressionFlag(flag))) {
      try deframe([(prefix(flag: flag, length: 1) + [0])[...]], encoding: .gzip)
    }
  }

  @Test func corruptGzip() {
    let body: [UInt8] = Array("definitely not gzip".utf8)
    #expect(throws: WireError(.decompressionFailed("incorrect header check"))) {
      try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: .gzip)
    }
  }

  @Test func truncatedGzip() throws {
    let body = Array(try gzipped(sampleBytes(500)).dropLast(6))
    #expect(throws: WireError(.decompressionFailed("truncated gzip data"))) {
      try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: .gzip)
    }
  }

  @Test func gzipWithBadChecksum() throws {
    var body = try gzipped(sampleBytes(500))
    body[body.count - 5] ^= 0xFF  // inside the CRC-32
    #expect(throws: WireError(.decompressionFailed("incorrect data check"))) {
      try deframe([(prefix(flag: 1, length: body.count) + body)[...]], encoding: .gzip)
    }
  }
}

import Testing

@testable import SlipstreamWire

@Suite struct MessageFramerTests {
  @Test(arguments: [0, 1, 255, 256, 65_536, 70_001])
  func writesFlagLengthAndPayload(count: Int) throws {
    var framer = MessageFramer()
    let payload = sampleBytes(count)
    var out: [UInt8] = [0xAA]
    try framer.append(payload, into: &out)
    #expect(out == [0xAA] + framed(payload))
  }

  @Test func appendsSeveralMessagesAndTakesRawBuffers() throws {
    var framer = MessageFramer()
    var out: [UInt8] = []
    let payload: [UInt8] = [1, 2, 3]
    let result = payload.withUnsafeBytes { bytes in
      Result { () throws(WireError) in try framer.append(bytes, into: &out) }
    }
    try result.get()
    try framer.append([UInt8]().lazy.map { $0 }, into: &out)  // non-contiguous collection
    #expect(out == framed([1, 2, 3]) + framed([]))
  }

  @Test func gzipSetsTheFlagAndIsStandardGzip() throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
    let payload = Array(repeating: UInt8(ascii: "a"), count: 1000)
    let out = try framer.frame(payload)
    #expect(out[0] == 1)
    let length = Int(out[1]) << 24 | Int(out[2]) << 16 | Int(out[3]) << 8 | Int(out[4])
    #expect(length == out.count - 5)
    #expect(length < 100)
    #expect(Array(out[5..<7]) == [0x1F, 0x8B])  // gzip magic
  }

  @Test func messagesBelowTheThresholdAreNotCompressed() throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 10)
    #expect(try framer.frame(sampleBytes(9)) == framed(sampleBytes(9)))
    #expect(try framer.frame(sampleBytes(10))[0] == 1)
    #expect(MessageFramer(compression: .gzip).compressionThreshold == 1024)
  }

  @Test func copiesOfAFramerAreIndependent() throws {
    var first = MessageFramer(compression: .gzip, compressionThreshold: 0)
    _ = try first.frame([1])
    var second = first
    let a = try first.frame(sampleBytes(300))
    let b = try second.frame(sampleBytes(300))
    #expect(a == b)
    #expect(try deframe([a[...], b[...]], encoding: .gzip) == [sampleBytes(300), sampleBytes(300)])
  }

  @Test func payloadsOverFourGiBAreRefusedWithoutReadingThem() throws {
    var framer = MessageFramer()
    var out: [UInt8] = [7]
    let byte: [UInt8] = [0]
    let limit = Int(UInt32.max)
    byte.withUnsafeBytes { real in
      // Never dereferenced: the length check comes first.
      let huge = UnsafeRawBufferPointer(start: real.baseAddress, count: limit + 1)
      #expect(throws: WireError(.messageTooLarge(length: limit + 1, limit: limit))) {
        try framer.append(huge, into: &out)
      }
    }
    #expect(out == [7])
  }
}

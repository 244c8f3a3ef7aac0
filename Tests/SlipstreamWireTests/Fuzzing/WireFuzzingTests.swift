import Testing

@testable import SlipstreamWire

/// In-process fuzz smoke test: the libFuzzer run lives in Tests/Fuzz/run-fuzz.sh.
@Suite struct WireFuzzingTests {
  /// xorshift64*: deterministic pseudo-random inputs.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      self.state ^= self.state >> 12
      self.state ^= self.state << 25
      self.state ^= self.state >> 27
      return self.state &* 2_685_821_657_736_338_717
    }
  }

  @Test func seededRandomInputsDoNotTrap() {
    var generator = Generator(state: 0x5EED_CAFE)
    for _ in 0..<3000 {
      let count = Int(generator.next() % 200)
      var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      // Bias some inputs towards valid-looking prefixes so the deframer gets deep.
      if count > 5, generator.next() % 2 == 0 {
        bytes[0] = UInt8(generator.next() % 2)
        bytes[1...3] = [0, 0, 0]
        bytes[4] = UInt8(generator.next() % UInt64(count))
      }
      bytes.withUnsafeBytes { WireFuzzing.exercise($0) }
    }
  }

  static let crafted: [[UInt8]] = [
    [],
    [0],
    [1, 0, 0, 0, 0],
    [0, 0xFF, 0xFF, 0xFF, 0xFF],
    prefix(flag: 1, length: 20) + [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    Array("99999999H".utf8),
    Array("123456789S".utf8),
    Array("%F0%9F%9A%80%%zz%".utf8),
    Array("a-bin:AQ==,,Ag\n:path:/x\ncontent-type:application/grpc\nX-Y:z".utf8),
    Array("grpc-status-details-bin:!!!\n".utf8),
    [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82],
    Array(repeating: 0x3D, count: 64),
  ]

  @Test(arguments: crafted)
  func craftedEdgeCasesDoNotTrap(bytes: [UInt8]) {
    bytes.withUnsafeBytes { WireFuzzing.exercise($0) }
  }

  @Test func zipBombThroughTheFuzzEntryIsBounded() throws {
    var framer = MessageFramer(compression: .gzip, compressionThreshold: 0)
    let bomb = try framer.frame([UInt8](repeating: 0, count: 4 * 1024 * 1024))
    bomb.withUnsafeBytes { WireFuzzing.exercise($0) }
  }
}

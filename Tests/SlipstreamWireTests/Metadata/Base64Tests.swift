import Testing

@testable import SlipstreamWire

@Suite struct Base64Tests {
  // RFC 4648 §10 test vectors.
  @Test(arguments: [
    ("", "", ""), ("f", "Zg==", "Zg"), ("fo", "Zm8=", "Zm8"), ("foo", "Zm9v", "Zm9v"),
    ("foob", "Zm9vYg==", "Zm9vYg"), ("fooba", "Zm9vYmE=", "Zm9vYmE"),
    ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
  ])
  func rfcVectors(plain: String, padded: String, unpadded: String) throws {
    let bytes = Array(plain.utf8)
    #expect(Base64.encode(bytes, padded: true) == padded)
    #expect(Base64.encode(bytes, padded: false) == unpadded)
    #expect(try Base64.decode(padded) == bytes)
    #expect(try Base64.decode(unpadded) == bytes)
  }

  @Test(arguments: [0, 1, 2, 3, 4, 5, 62, 63, 64, 255, 256, 1000])
  func everyByteValueRoundTrips(count: Int) throws {
    let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    for padded in [true, false] {
      #expect(try Base64.decode(Base64.encode(bytes, padded: padded)) == bytes)
    }
    // The whole alphabet, including + and /.
    let all = (0...255).map(UInt8.init)
    #expect(try Base64.decode(Base64.encode(all, padded: false)) == all)
  }

  @Test func encodesNonContiguousCollections() {
    #expect(Base64.encode((0..<3).lazy.map { UInt8($0) + 0x66 }, padded: true) == "Zmdo")
  }

  @Test(arguments: [
    "Z", "Zg=", "Zg===", "Z===", "=", "==", "Zm9v=", "Zg==Zg==", "Zm=v", "Zm9-", "Zm9_",
    "Zm 9v", "Zm9v\n", "Zm9vY", "Zg=\u{0}", "Zm9vÿ",
  ])
  func malformedInputIsRefused(text: String) {
    #expect(throws: WireError(.invalidBase64)) { try Base64.decode(text) }
  }
}

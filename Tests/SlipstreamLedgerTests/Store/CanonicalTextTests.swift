import Testing
@testable import SlipstreamLedger

@Suite("CanonicalText and AuditChain")
struct CanonicalTextTests {
  @Test("length prefixes are exact decimal at every digit boundary", arguments: [0, 1, 9, 10, 99, 100, 999, 1_000, 12_345])
  func lengthPrefixes(length: Int) {
    let item = String(repeating: "x", count: length)
    #expect(CanonicalText.encode([item, "é"]) == "\(length):\(item)2:é")
  }

  @Test func itemsAreLengthPrefixed() {
    #expect(CanonicalText.encode(["ab", "", "é:"]) == "2:ab0:3:é:")
    // Lists that would collide with a plain separator do not collide.
    #expect(CanonicalText.encode(["a:b", "c"]) != CanonicalText.encode(["a", "b:c"]))
  }

  @Test func decodeInvertsEncode() {
    for items in [[], [""], ["ab", "", "é:"], ["2:ab", String(repeating: "y", count: 1_000)], ["a:b", "c"]] {
      #expect(CanonicalText.decode(CanonicalText.encode(items)) == items)
    }
  }

  @Test("text that is not an encoding does not decode", arguments: ["x", "2:a", ":a", "3", "1:ab", "-1:a", "99999999999:a"])
  func malformedTextDoesNotDecode(_ text: String) {
    #expect(CanonicalText.decode(text) == nil)
  }

  /// A known answer: the hash is SHA-256 over the canonical encoding of
  /// (previous hash, kind, table, column names and values).
  @Test func theHashIsSHA256OfTheCanonicalEncoding() {
    let table = LedgerTable(name: "t", columns: [LedgerColumn("a"), LedgerColumn("n", integer: true)])
    // printf '1:01:k1:t1:a1:x1:n2:42' | sha256sum
    #expect(AuditChain.hash(previous: "0", kind: "k", table: table, row: ["x", "42"])
      == "a776095f3ac6e420652d58560168815ac9a9397234a516127f1b54f238a70eb5")
  }
}

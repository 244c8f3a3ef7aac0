import Testing

@testable import SlipstreamWire

@Suite struct GRPCStatusMessageTests {
  @Test(arguments: [
    ("", ""),
    ("plain ASCII ~ text!", "plain ASCII ~ text!"),
    ("100%", "100%25"),
    ("a\nb\tc\r", "a%0Ab%09c%0D"),
    ("\u{7F}\u{0}", "%7F%00"),
    ("café", "caf%C3%A9"),
    ("日本", "%E6%97%A5%E6%9C%AC"),
    ("🚀", "%F0%9F%9A%80"),
  ])
  func encodesPerSpec(message: String, encoded: String) {
    #expect(GRPCStatusMessage.encode(message) == encoded)
    #expect(GRPCStatusMessage.decode(encoded) == message)
  }

  @Test(arguments: [
    "order rejected: spread 0.42% > 0.10% 🚫", "注文が拒否されました", "%%%", "%zz%2",
    "tab\tnewline\nnul\u{0}del\u{7F}", "mixed 😀 Ω ∑ %41",
  ])
  func anyUnicodeRoundTrips(message: String) {
    let encoded = GRPCStatusMessage.encode(message)
    #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
    #expect(GRPCStatusMessage.decode(encoded) == message)
  }

  @Test(arguments: [
    ("%", "%"), ("%4", "%4"), ("%G1", "%G1"), ("abc%", "abc%"), ("%%41", "%A"),
    ("%4a%4A", "JJ"), ("50% off", "50% off"),
  ])
  func malformedEscapesAreKeptLiterally(encoded: String, decoded: String) {
    #expect(GRPCStatusMessage.decode(encoded) == decoded)
  }

  @Test(arguments: [("%FF", "\u{FFFD}"), ("a%C3", "a\u{FFFD}"), ("%E6%97x", "\u{FFFD}x")])
  func invalidUTF8IsRepaired(encoded: String, decoded: String) {
    #expect(GRPCStatusMessage.decode(encoded) == decoded)
  }

  @Test func decodesSubstrings() {
    let text = "xx%41yy"
    #expect(GRPCStatusMessage.decode(text.dropFirst(2)) == "Ayy")
  }
}

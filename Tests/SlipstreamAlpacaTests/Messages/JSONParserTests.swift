import Testing

@testable import SlipstreamAlpaca

@Suite("JSON parser that keeps number literals")
struct JSONParserTests {
  private func parse(_ text: String) throws -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
  }

  @Test("numbers keep their literal text")
  func numbers() throws {
    #expect(try parse("[1e-3, 123.450, -0, 7]") == .array([.number("1e-3"), .number("123.450"), .number("-0"), .number("7")]))
  }

  @Test("objects, strings with escapes, literals and whitespace")
  func structures() throws {
    let value = try parse(#" { "a" : [true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00" } "#)
    #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
    #expect(value["s"] == .string("x\"\\/\né😀"))
    #expect(value["missing"] == nil)
  }

  @Test(
    "invalid JSON is refused",
    arguments: [
      "", "[", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", "-", "[1] 2", "\"\u{01}\"", "\"\\x\"", "\"\\ud83d\"",
      "tru", "[.5]", "{\"a\" 1}", "\"abc",
    ])
  func refused(text: String) {
    #expect(throws: JSONSyntaxError.self) { try parse(text) }
  }

  @Test("nesting is limited")
  func depth() throws {
    let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
    #expect(throws: JSONSyntaxError.self) { try parse(deep) }
    let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
    _ = try parse(allowed)
  }
}

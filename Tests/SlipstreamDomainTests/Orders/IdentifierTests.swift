import Testing

@testable import SlipstreamDomain

@Suite("Identifiers")
struct IdentifierTests {
  @Test("valid identifiers keep their text", arguments: ["o-1", "A", "client_42:x.y", String(repeating: "z", count: 64)])
  func valid(text: String) throws {
    #expect(try OrderID(text).rawValue == text)
    #expect(try OrderID(text).description == text)
  }

  @Test(
    "invalid identifiers are typed errors naming the kind",
    arguments: [
      ("", IdentifierError.empty(kind: "order id")),
      (String(repeating: "z", count: 65), .tooLong(kind: "order id", length: 65, maximum: 64)),
      ("a b", .invalidCharacters(kind: "order id", value: "a b")),
      ("tab\t", .invalidCharacters(kind: "order id", value: "tab\t")),
      ("é", .invalidCharacters(kind: "order id", value: "é")),
      ("nul\u{0}", .invalidCharacters(kind: "order id", value: "nul\u{0}")),
    ])
  func invalid(text: String, error: IdentifierError) {
    #expect(throws: error) { try OrderID(text) }
  }

  @Test("each kind has its own limit and name")
  func limits() throws {
    #expect(try ClientOrderID(String(repeating: "c", count: 128)).rawValue.count == 128)
    #expect(throws: IdentifierError.tooLong(kind: "broker id", length: 33, maximum: 32)) {
      try BrokerID(String(repeating: "b", count: 33))
    }
    #expect(throws: IdentifierError.empty(kind: "tenant id")) { try TenantID("") }
    #expect(throws: IdentifierError.empty(kind: "user id")) { try UserID("") }
    #expect(throws: IdentifierError.empty(kind: "strategy id")) { try StrategyID("") }
    #expect(throws: IdentifierError.empty(kind: "trade id")) { try TradeID("") }
    #expect(IdentifierError.empty(kind: "order id").description == "order id must not be empty")
    #expect(try OrderID("a") < OrderID("b"))
  }
}

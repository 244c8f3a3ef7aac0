import Testing

@testable import SlipstreamAlpaca

@Suite("Alpaca requests")
struct AlpacaRequestTests {
  @Test("the documented actions")
  func actions() {
    #expect(AlpacaRequest.auth(keyID: "KEY", secret: "SECRET").json == #"{"action":"auth","key":"KEY","secret":"SECRET"}"#)
    #expect(AlpacaRequest.subscribe(quotes: ["AAPL", "BRK.B"]).json == #"{"action":"subscribe","quotes":["AAPL","BRK.B"]}"#)
    #expect(AlpacaRequest.unsubscribe(quotes: ["AAPL"]).json == #"{"action":"unsubscribe","quotes":["AAPL"]}"#)
  }

  @Test("credentials are escaped and read back unchanged")
  func escaping() throws {
    let secret = "a\"b\\c\nd\u{01}é"
    let json = AlpacaRequest.auth(keyID: "k", secret: secret).json
    #expect(json == #"{"action":"auth","key":"k","secret":"a\"b\\c\nd\u0001é"}"#)
    #expect(try JSONParser.parse(Array(json.utf8))["secret"] == .string(secret))
  }
}

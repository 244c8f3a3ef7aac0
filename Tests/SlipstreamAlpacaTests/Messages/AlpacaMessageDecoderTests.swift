import SlipstreamDomain
import Testing

@testable import SlipstreamAlpaca

@Suite("Alpaca message decoding")
struct AlpacaMessageDecoderTests {
  static let receiveTime = Timestamp(nanosecondsSinceEpoch: 42)

  private func decode(_ text: String) -> [AlpacaMessage] {
    AlpacaMessageDecoder.decode(Array(text.utf8), receiveTime: Self.receiveTime)
  }

  private func quote(
    _ symbol: String, bid: Price, bidSize: Quantity, ask: Price, askSize: Quantity, nanos: Int64
  ) throws -> AlpacaMessage {
    .quote(
      Quote(
        symbol: try Symbol(symbol), bid: bid, ask: ask, bidSize: bidSize, askSize: askSize,
        eventTime: Timestamp(nanosecondsSinceEpoch: nanos), receiveTime: Self.receiveTime))
  }

  @Test("control messages of the documentation")
  func control() {
    #expect(decode(#"[{"T":"success","msg":"connected"}]"#) == [.connected])
    #expect(decode(#"[{"T":"success","msg":"authenticated"}]"#) == [.authenticated])
    #expect(decode(#"[{"T":"success","msg":"something else"}]"#) == [.success("something else")])
    #expect(decode(#"[{"T":"error","code":406,"msg":"connection limit exceeded"}]"#) == [.error(code: 406, message: "connection limit exceeded")])
    #expect(
      decode(
        #"[{"T":"subscription","trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"updatedBars":[],"dailyBars":["VOO"],"statuses":["*"],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}]"#
      ) == [.subscription(AlpacaSubscription(quotes: ["AMD", "CLDR"], trades: ["AAPL"], bars: ["*"]))])
    // The documentation's test-stream example omits channels; missing lists are empty.
    #expect(decode(#"[{"T":"subscription","quotes":["FAKEPACA"]}]"#) == [.subscription(AlpacaSubscription(quotes: ["FAKEPACA"]))])
  }

  @Test("a quote of the documentation, exact to the nanosecond")
  func documentedQuote() throws {
    // The documentation's example is for the test stream's FAKEPACA, which the domain's
    // Symbol refuses (8 letters; equities have 1 to 5): the same message for AAPL.
    let messages = decode(
      #"[{"T":"q","S":"AAPL","bx":"O","bp":133.85,"bs":4,"ax":"R","ap":135.77,"as":5,"c":["R"],"z":"A","t":"2024-07-24T07:56:53.639713735Z"}]"#
    )
    #expect(
      messages == [try quote("AAPL", bid: "133.85", bidSize: 4, ask: "135.77", askSize: 5, nanos: 1_721_807_813_639_713_735)])
  }

  @Test("batched data points, with other types skipped and bad elements isolated")
  func batch() throws {
    let messages = decode(
      """
      [{"T":"q","S":"AAPL","bx":"U","bp":123.45,"bs":2,"ax":"Q","ap":123.47,"as":1,"c":["R"],"z":"C","t":"2024-03-05T15:04:05.123456789Z"},
       {"T":"t","S":"AAPL","p":123.46,"s":100,"t":"2024-03-05T15:04:05Z"},
       {"T":"q","S":"PENNY","bp":0.0001,"bs":100,"ap":1e-3,"as":5e2,"t":"2024-03-05T15:04:05Z"},
       {"T":"q","S":"BAD","bp":"1.00","bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}]
      """)
    #expect(messages.count == 4)
    #expect(messages[0] == (try quote("AAPL", bid: "123.45", bidSize: 2, ask: "123.47", askSize: 1, nanos: 1_709_651_045_123_456_789)))
    #expect(messages[1] == .other(type: "t"))
    #expect(messages[2] == (try quote("PENNY", bid: "0.0001", bidSize: 100, ask: "0.001", askSize: 500, nanos: 1_709_651_045_000_000_000)))
    #expect(
      messages[3] == .malformed(AlpacaMessageError(messageType: "q", symbol: "BAD", reason: "field 'bp' is a string, not a number")))
  }

  @Test(
    "malformed quotes name the problem",
    arguments: [
      (#"{"T":"q","bp":1,"bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}"#, nil, "no string field 'S'"),
      (#"{"T":"q","S":"AAPL","bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}"#, "AAPL", "no field 'bp'"),
      (#"{"T":"q","S":"AAPL","bp":-1,"bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}"#, "AAPL", "field 'bp' is negative (-1)"),
      (#"{"T":"q","S":"AAPL","bp":1,"bs":1,"ap":1,"as":null,"t":"2024-03-05T15:04:05Z"}"#, "AAPL", "field 'as' is a null, not a number"),
      (#"{"T":"q","S":"AAPL","bp":1,"bs":1,"ap":1,"as":1,"t":"yesterday"}"#, "AAPL",
        "field 't' ('yesterday') is not an RFC 3339 timestamp with at most 9 fraction digits"),
      (#"{"T":"q","S":"AAPL","bp":1,"bs":1,"ap":1,"as":1}"#, "AAPL", "no string field 't'"),
      (#"{"T":"q","S":"AAPL","bp":1e-13,"bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}"#, "AAPL",
        "field 'bp': '1e-13' has more than 12 digits after the decimal point"),
    ] as [(String, String?, String)])
  func malformedQuote(json: String, symbol: String?, reason: String) {
    #expect(decode("[\(json)]") == [.malformed(AlpacaMessageError(messageType: "q", symbol: symbol, reason: reason))])
  }

  @Test("a bad symbol in a quote is malformed")
  func badSymbol() {
    let messages = decode(#"[{"T":"q","S":"NOT A SYMBOL!","bp":1,"bs":1,"ap":1,"as":1,"t":"2024-03-05T15:04:05Z"}]"#)
    guard case .malformed(let error) = messages.first else {
      Issue.record("expected a malformed message, got \(messages)")
      return
    }
    #expect(error.symbol == "NOT A SYMBOL!")
    #expect(error.reason.hasPrefix("field 'S':"))
  }

  @Test(
    "frames that are not arrays of typed objects",
    arguments: [
      ("garbage", AlpacaMessageError(messageType: nil, symbol: nil, reason: "invalid JSON at byte 0: unexpected character")),
      (#"{"T":"success"}"#, AlpacaMessageError(messageType: nil, symbol: nil, reason: "expected a JSON array, got object")),
      ("[1]", AlpacaMessageError(messageType: nil, symbol: nil, reason: "expected an object, got number")),
      (#"[{"msg":"x"}]"#, AlpacaMessageError(messageType: nil, symbol: nil, reason: "no string field 'T'")),
      (#"[{"T":"error","code":"406","msg":"x"}]"#, AlpacaMessageError(messageType: "error", symbol: nil, reason: "field 'code' is not an integer")),
      (#"[{"T":"error","code":406}]"#, AlpacaMessageError(messageType: "error", symbol: nil, reason: "no string field 'msg'")),
      (#"[{"T":"subscription","quotes":"AAPL"}]"#, AlpacaMessageError(messageType: "subscription", symbol: nil, reason: "field 'quotes' is not an array")),
      (#"[{"T":"subscription","quotes":[1]}]"#, AlpacaMessageError(messageType: "subscription", symbol: nil, reason: "field 'quotes' has a non-string element")),
    ])
  func malformedFrames(text: String, error: AlpacaMessageError) {
    #expect(decode(text) == [.malformed(error)])
  }

  @Test("an empty array is no messages")
  func empty() {
    #expect(decode("[]").isEmpty)
  }
}

import Testing

@testable import SlipstreamDomain

@Suite("Quote and validation")
struct QuoteTests {
  /// One row of the rejection table. A struct, not a tuple: Swift Testing 6.3 on Linux crashes
  /// on argument tuples of five or more elements holding Int128-backed values.
  struct RejectionRow: Sendable, CustomTestStringConvertible {
    var bid: Price, ask: Price, bidSize: Quantity = 1, askSize: Quantity = 1
    var rejection: QuoteRejection
    var testDescription: String { "bid \(bid) ask \(ask) sizes \(bidSize)/\(askSize)" }
  }

  @Test(
    "price and size problems are typed rejections",
    arguments: [
      RejectionRow(bid: 0, ask: 1, rejection: .nonPositivePrice(side: .bid, price: 0)),
      RejectionRow(bid: -1, ask: 1, rejection: .nonPositivePrice(side: .bid, price: -1)),
      RejectionRow(bid: 1, ask: 0, rejection: .nonPositivePrice(side: .ask, price: 0)),
      RejectionRow(bid: 1, ask: 2, bidSize: -1, rejection: .negativeSize(side: .bid, size: -1)),
      RejectionRow(bid: 1, ask: 2, askSize: "-0.5", rejection: .negativeSize(side: .ask, size: "-0.5")),
      RejectionRow(bid: "10.01", ask: 10, rejection: .crossed(bid: "10.01", ask: 10)),
      RejectionRow(bid: 10, ask: 10, rejection: .locked(price: 10)),
    ])
  func rejections(row: RejectionRow) throws {
    let quote = try Fixtures.quote(bid: row.bid, ask: row.ask, bidSize: row.bidSize, askSize: row.askSize)
    #expect(throws: row.rejection) { try QuoteValidation.defaults.validate(quote, now: .epoch) }
    #expect(throws: row.rejection) { try QuoteValidation.validatePrices(quote) }
  }

  @Test("zero sizes are allowed, only negative ones are rejected")
  func zeroSizes() throws {
    try QuoteValidation.validatePrices(Fixtures.quote(bid: 1, ask: 2, bidSize: 0, askSize: 0))
  }

  @Test("staleness by event time against now")
  func staleness() throws {
    let quote = try Fixtures.quote(bid: 100, ask: "100.01", eventTime: Timestamp(nanosecondsSinceEpoch: 1_000_000_000))
    let validation = QuoteValidation(maximumAge: .seconds(2))
    try validation.validate(quote, now: Timestamp(nanosecondsSinceEpoch: 3_000_000_000))
    try validation.validate(quote, now: .epoch)  // stamped in the future: not stale
    #expect(throws: QuoteRejection.stale(age: .nanoseconds(2_000_000_001), maximumAge: .seconds(2))) {
      try validation.validate(quote, now: Timestamp(nanosecondsSinceEpoch: 3_000_000_001))
    }
    #expect(QuoteValidation.defaults.maximumAge == .seconds(5))
  }

  @Test(
    "relative spread is exact and rounded up",
    arguments: [
      (Price("99.925"), Price("100.075"), FixedDecimal("0.0015"), FixedDecimal("0.15")),
      ("99.95", "100.05", "0.001", "0.1"), ("1.08495", "1.08505", "0.000092165899", "0.0092165899"),
      (2, 3, "0.4", "40"), ("0.0001", "0.0003", "1", "100"),
    ])
  func spread(bid: Price, ask: Price, fraction: FixedDecimal, percent: FixedDecimal) throws {
    let quote = try Fixtures.quote(bid: bid, ask: ask)
    #expect(try quote.spreadFraction() == fraction)
    #expect(try quote.spreadPercent() == percent)
  }

  @Test("mid, spread and touches")
  func midAndTouches() throws {
    let quote = try Fixtures.quote(bid: "10.000000000001", ask: "10.000000000002", bidSize: 3, askSize: 7)
    #expect(try quote.mid() == "10.000000000002")
    #expect(try quote.mid(rounding: .down) == "10.000000000001")
    #expect(try quote.spread() == "0.000000000001")
    #expect(quote.nearTouch(for: .buy) == (quote.bid, 3))
    #expect(quote.farTouch(for: .buy) == (quote.ask, 7))
    #expect(quote.nearTouch(for: .sell) == (quote.ask, 7))
    #expect(quote.farTouch(for: .sell) == (quote.bid, 3))
    #expect(throws: AmountError.divisionByZero) { try Fixtures.quote(bid: -1, ask: 1).spreadFraction() }
  }

  @Test("rejections explain themselves")
  func messages() {
    #expect(QuoteRejection.locked(price: 10).description == "quote rejected: locked market, bid and ask are both 10")
    #expect(QuoteRejection.crossed(bid: 2, ask: 1).description == "quote rejected: crossed market, bid 2 is above ask 1")
  }
}

@testable import SlipstreamDomain

/// Shared test values for the risk, routing and portfolio suites.
enum Fixture {
  static func symbol(_ text: String) -> Symbol {
    do { return try Symbol(text) } catch { preconditionFailure("\(error)") }
  }
  static let aapl = symbol("AAPL")
  static let btc = symbol("BTC/USD")
  static let eurusd = symbol("EUR/USD")

  static func usd(_ text: String) -> Money {
    Money(amount: FixedDecimal(stringLiteral: text))
  }

  static func t(_ seconds: Int64) -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + seconds * 1_000_000_000)
  }

  static func quote(_ symbol: Symbol, bid: Price, ask: Price) -> Quote {
    Quote(symbol: symbol, bid: bid, ask: ask, bidSize: 100, askSize: 100, eventTime: t(0), receiveTime: t(0))
  }
}

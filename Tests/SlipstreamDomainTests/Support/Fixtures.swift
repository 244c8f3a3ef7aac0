@testable import SlipstreamDomain

/// Shared builders for tests: a quote from text prices.
enum Fixtures {
  static func quote(
    _ symbol: String = "AAPL", bid: Price, ask: Price, bidSize: Quantity = 500, askSize: Quantity = 500,
    eventTime: Timestamp = .epoch
  ) throws -> Quote {
    Quote(
      symbol: try Symbol(symbol), bid: bid, ask: ask, bidSize: bidSize, askSize: askSize, eventTime: eventTime,
      receiveTime: eventTime)
  }
}

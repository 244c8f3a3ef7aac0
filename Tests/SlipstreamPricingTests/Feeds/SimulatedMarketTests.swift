import SlipstreamDomain
@testable import SlipstreamPricing
import Testing

@Suite("Simulated market")
struct SimulatedMarketTests {
  let time = Timestamp(nanosecondsSinceEpoch: 5)

  func run(seed: UInt64, _ symbols: [Symbol], rounds: Int) -> [Quote] {
    var market = SimulatedMarket(seed: seed)
    var quotes: [Quote] = []
    for _ in 0..<rounds {
      for symbol in symbols { quotes.append(market.nextQuote(for: symbol, eventTime: time, receiveTime: time)) }
    }
    return quotes
  }

  @Test("the same seed gives the same quotes; another seed gives others")
  func reproducible() {
    let symbols = [sym("AAPL"), sym("EUR/USD"), sym("BTC/USD"), sym("AAPL250117C00150000")]
    #expect(run(seed: 7, symbols, rounds: 200) == run(seed: 7, symbols, rounds: 200))
    #expect(run(seed: 7, symbols, rounds: 200) != run(seed: 8, symbols, rounds: 200))
  }

  @Test("a symbol's quotes do not depend on which other symbols tick")
  func independentSymbols() {
    let alone = run(seed: 3, [sym("MSFT")], rounds: 100)
    let mixed = run(seed: 3, [sym("AAPL"), sym("MSFT")], rounds: 100).filter { $0.symbol == sym("MSFT") }
    #expect(alone == mixed)
  }

  /// Spread gates the router applies by default, as fractions.
  static let gates: [(String, FixedDecimal)] = [
    ("AAPL", "0.001"), ("EUR/USD", "0.0005"), ("USD/JPY", "0.0005"), ("BTC/USD", "0.002"), ("SOL/USD", "0.002"),
    ("AAPL250117C00150000", "0.005"),
  ]

  @Test("quotes are valid, on the tick grid, and mostly under the cost gate with real widenings",
        arguments: gates)
  func realistic(ticker: String, gate: FixedDecimal) throws {
    let quotes = run(seed: 42, [sym(ticker)], rounds: 5_000)
    var wide = 0
    for quote in quotes {
      try QuoteValidation.validatePrices(quote)
      #expect(quote.bidSize.isPositive && quote.askSize.isPositive)
      if try quote.spreadFraction() > gate { wide += 1 }
    }
    // Widenings happen (the gate triggers) but most quotes are tradable.
    #expect(wide >= 25, "only \(wide) of 5000 quotes wider than the gate")
    #expect(wide <= 1_500, "\(wide) of 5000 quotes wider than the gate")
  }

  @Test("the feed's step gives one quote per symbol stamped with the injected clock")
  func feedStep() {
    let clock = TestClock()
    let feed = SimulatedFeed(seed: 1, ticksPerSecond: 10, now: clock.function)
    let quotes = feed.step([sym("AAPL"), sym("ETH/USD")])
    #expect(quotes.map(\.symbol) == [sym("AAPL"), sym("ETH/USD")])
    #expect(quotes.allSatisfy { $0.eventTime == clock.now && $0.receiveTime == clock.now })
    #expect(feed.support(for: sym("EUR/USD")) == .supported)
  }

  @Test("the running feed delivers quotes for the wanted symbols only")
  func feedRuns() async throws {
    let feed = SimulatedFeed(seed: 1, ticksPerSecond: 1_000, now: TestClock().function)
    let (symbols, wanted) = AsyncStream.makeStream(of: Set<Symbol>.self)
    let (quotes, sink) = AsyncStream.makeStream(of: Quote.self)
    wanted.yield([sym("AAPL")])
    let task = Task { try await feed.run(symbols: symbols) { sink.yield($0) } }
    var received: [Quote] = []
    for await quote in quotes {
      received.append(quote)
      if received.count == 20 { break }
    }
    wanted.finish()
    try await task.value
    #expect(received.allSatisfy { $0.symbol == sym("AAPL") })
  }
}

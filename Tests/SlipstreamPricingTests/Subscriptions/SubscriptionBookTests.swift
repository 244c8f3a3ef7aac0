import SlipstreamDomain
@testable import SlipstreamPricing
import Testing

@Suite("Subscription book: priorities under the upstream cap")
struct SubscriptionBookTests {
  let t0 = Timestamp(nanosecondsSinceEpoch: 1)

  @Test("under capacity every symbol is accepted and a shared symbol uses one slot")
  func acceptsUnderCapacity() {
    var book = SubscriptionBook(capacity: 3)
    let first = book.subscribe(client: "a", symbols: [sym("AAPL"), sym("MSFT"), sym("AAPL")], priority: .normal, now: t0)
    #expect(first.results.map(\.outcome) == [.accepted, .accepted])
    #expect(first.upstreamAdded == [sym("AAPL"), sym("MSFT")])
    let second = book.subscribe(client: "b", symbols: [sym("AAPL")], priority: .low, now: t0)
    #expect(second.results.map(\.outcome) == [.accepted])
    #expect(second.upstreamAdded.isEmpty)
    #expect(book.used == 2)
    #expect(book.usage().byClient == ["a": 2, "b": 1])
  }

  @Test("a full book evicts the lowest priority, oldest first, and names every holder")
  func evictsLowest() {
    var book = SubscriptionBook(capacity: 3)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL")], priority: .low, now: t0)
    _ = book.subscribe(client: "b", symbols: [sym("MSFT")], priority: .low, now: t0)
    _ = book.subscribe(client: "c", symbols: [sym("AAPL"), sym("TSLA")], priority: .low, now: t0)
    let change = book.subscribe(client: "d", symbols: [sym("NVDA")], priority: .normal, now: t0)
    #expect(change.results.map(\.outcome) == [.acceptedEvicting(Eviction(symbol: sym("AAPL"), priority: .low, clients: ["a", "c"]))])
    #expect(change.upstreamAdded == [sym("NVDA")])
    #expect(change.upstreamRemoved == [sym("AAPL")])
    #expect(!book.holds("a", sym("AAPL")) && !book.holds("c", sym("AAPL")))
    #expect(book.symbols(of: "c") == [sym("TSLA")])
    #expect(book.symbols(of: "a").isEmpty)
  }

  @Test("an equal or lower priority is refused with the reason, and nothing changes",
        arguments: [SubscriptionPriority.low, .normal])
  func refusesEqualOrLower(priority: SubscriptionPriority) {
    var book = SubscriptionBook(capacity: 2)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL"), sym("MSFT")], priority: .normal, now: t0)
    let before = book.usage()
    let change = book.subscribe(client: "b", symbols: [sym("TSLA")], priority: priority, now: t0)
    #expect(change.results.map(\.outcome) == [
      .refused(.capacityExhausted(capacity: 2, lowestHeldPriority: .normal, requested: priority)),
    ])
    #expect(book.usage() == before)
    #expect("\(SubscriptionRefusal.capacityExhausted(capacity: 2, lowestHeldPriority: .normal, requested: priority))"
      == "all 2 of 2 upstream slots are held at NORMAL or above; \(priority) cannot evict them")
  }

  @Test("a symbol's priority is the highest of its holders; CRITICAL is never evicted")
  func priorityIsHighestHolder() {
    var book = SubscriptionBook(capacity: 2)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL")], priority: .low, now: t0)
    _ = book.subscribe(client: "b", symbols: [sym("AAPL")], priority: .high, now: t0)
    _ = book.subscribe(client: "c", symbols: [sym("MSFT")], priority: .critical, now: t0)
    #expect(book.priority(of: sym("AAPL")) == .high)
    let refused = book.subscribe(client: "d", symbols: [sym("TSLA")], priority: .high, now: t0)
    #expect(refused.results.map(\.outcome) == [.refused(.capacityExhausted(capacity: 2, lowestHeldPriority: .high, requested: .high))])
    let evicting = book.subscribe(client: "d", symbols: [sym("TSLA")], priority: .critical, now: t0)
    #expect(evicting.evictions == [Eviction(symbol: sym("AAPL"), priority: .high, clients: ["a", "b"])])
    #expect(book.usage().byPriority == [.critical: 2])
  }

  @Test("a symbol stays upstream while any client holds it")
  func staysWhileHeld() {
    var book = SubscriptionBook(capacity: 5)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL"), sym("MSFT")], priority: .normal, now: t0)
    _ = book.subscribe(client: "b", symbols: [sym("AAPL")], priority: .normal, now: t0)
    let first = book.unsubscribe(client: "a", symbols: [sym("AAPL"), sym("TSLA")])
    #expect(first == UnsubscribeChange(removed: [sym("AAPL")], notSubscribed: [sym("TSLA")], upstreamRemoved: []))
    #expect(book.upstreamSymbols == [sym("AAPL"), sym("MSFT")])
    let second = book.unsubscribe(client: "b", symbols: nil)
    #expect(second == UnsubscribeChange(removed: [sym("AAPL")], notSubscribed: [], upstreamRemoved: [sym("AAPL")]))
    let rest = book.unsubscribe(client: "a", symbols: nil)
    #expect(rest.upstreamRemoved == [sym("MSFT")])
    #expect(book.used == 0 && book.usage().byClient.isEmpty)
  }

  @Test("subscribing again sets the client's priority to the new one")
  func resubscribeChangesPriority() {
    var book = SubscriptionBook(capacity: 1)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL")], priority: .high, now: t0)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL")], priority: .low, now: Timestamp(nanosecondsSinceEpoch: 9))
    #expect(book.priority(of: sym("AAPL")) == .low)
    #expect(book.usage().subscriptions == [HeldSubscription(symbol: sym("AAPL"), client: "a", priority: .low, since: t0)])
  }

  @Test("usage lists subscriptions of one client or all, and slots per priority")
  func usage() {
    var book = SubscriptionBook(capacity: 4)
    _ = book.subscribe(client: "a", symbols: [sym("AAPL"), sym("MSFT")], priority: .low, now: t0)
    _ = book.subscribe(client: "b", symbols: [sym("MSFT")], priority: .high, now: t0)
    let all = book.usage()
    #expect(all.capacity == 4 && all.used == 2)
    #expect(all.byPriority == [.low: 1, .high: 1])
    #expect(all.subscriptions.map { "\($0.symbol)/\($0.client)/\($0.priority)" } == ["AAPL/a/LOW", "MSFT/a/LOW", "MSFT/b/HIGH"])
    #expect(book.usage(client: "b").subscriptions.map(\.client) == ["b"])
  }

  /// The scenario the Python grpcio test replays over the network (python/pricing_client.py).
  @Test("40 symbols at mixed priorities: the exact evictions and refusals")
  func fortySymbolScenario() {
    var book = SubscriptionBook(capacity: 30)
    let tickers = PricingScenario.tickers.map(sym)
    let low = book.subscribe(client: "research", symbols: Array(tickers[0..<20]), priority: .low, now: t0)
    #expect(low.results.allSatisfy { $0.outcome == .accepted })
    let normal = book.subscribe(client: "momentum", symbols: Array(tickers[20..<30]), priority: .normal, now: t0)
    #expect(normal.results.allSatisfy { $0.outcome == .accepted })
    // Full. Five HIGH symbols evict the five oldest LOW ones.
    let high = book.subscribe(client: "orders", symbols: Array(tickers[30..<35]), priority: .high, now: t0)
    #expect(high.evictions.map(\.symbol) == Array(tickers[0..<5]))
    // Five more LOW symbols are refused: every slot is LOW or above and LOW cannot evict LOW.
    let refused = book.subscribe(client: "research", symbols: Array(tickers[35..<40]), priority: .low, now: t0)
    #expect(refused.results.allSatisfy {
      $0.outcome == .refused(.capacityExhausted(capacity: 30, lowestHeldPriority: .low, requested: .low))
    })
    #expect(book.used == 30)
    #expect(book.usage().byPriority == [.low: 15, .normal: 10, .high: 5])
  }
}

/// The shared 40-symbol scenario (also in python/pricing_client.py).
enum PricingScenario {
  static let tickers = [
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "AVGO", "JPM",
    "LLY", "V", "UNH", "XOM", "MA", "JNJ", "PG", "HD", "COST", "MRK",
    "ABBV", "CVX", "CRM", "BAC", "NFLX", "KO", "PEP", "AMD", "TMO", "WMT",
    "ADBE", "LIN", "MCD", "CSCO", "ACN", "ABT", "ORCL", "DHR", "INTC", "DIS",
  ]
}

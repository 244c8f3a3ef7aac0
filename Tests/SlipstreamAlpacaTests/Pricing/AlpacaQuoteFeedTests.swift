import SlipstreamAlpaca
import SlipstreamDomain
import SlipstreamPricing
import Synchronization
import Testing

/// The pricing service on Alpaca's stream (the stand-in): subscriptions flow to Alpaca and
/// Alpaca's quotes land in the service's cache.
@Suite("Alpaca as a pricing feed", .enabled(if: StandIn.available, "needs python3 with websockets (Tests/requirements.txt)"),
       .timeLimit(.minutes(1)))
struct AlpacaQuoteFeedTests {
  /// Collects Alpaca's confirmed subscriptions so a test can await a given one.
  final class Confirmations: Sendable {
    private let state = Mutex<(latest: Set<Symbol>?, waiters: [(Set<Symbol>, CheckedContinuation<Void, Never>)])>((nil, []))

    func record(_ symbols: Set<Symbol>) {
      let ready = state.withLock { state in
        state.latest = symbols
        let ready = state.waiters.filter { $0.0 == symbols }.map(\.1)
        state.waiters.removeAll { $0.0 == symbols }
        return ready
      }
      for waiter in ready { waiter.resume() }
    }

    func wait(for symbols: Set<Symbol>) async {
      await withCheckedContinuation { continuation in
        let ready = state.withLock { state in
          if state.latest == symbols { return true }
          state.waiters.append((symbols, continuation))
          return false
        }
        if ready { continuation.resume() }
      }
    }
  }

  @Test("service subscriptions become Alpaca subscriptions; Alpaca quotes fill the cache; other asset classes are refused")
  func endToEnd() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    let configuration = try AlpacaStreamConfiguration(url: standIn.url, keyID: "key", secret: "secret")
    let confirmations = Confirmations()
    let feed = AlpacaQuoteFeed(
      configuration: configuration, clock: { Timestamp(nanosecondsSinceEpoch: 42) },
      onApplied: { confirmations.record($0) })
    let service = PricingService(configuration: PricingConfiguration(capacity: 30), feed: feed, now: { Timestamp(nanosecondsSinceEpoch: 42) })
    let runner = Task { try await service.run() }

    let result = service.subscribe(
      client: "c", symbols: [try Symbol("AAPL"), try Symbol("MSFT"), try Symbol("BTC/USD")], priority: .normal, connection: nil)
    #expect(result.results.map(\.outcome) == [.accepted, .accepted, .refused(.unsupportedAssetClass(.crypto, feed: "alpaca"))])
    await confirmations.wait(for: [try Symbol("AAPL"), try Symbol("MSFT")])

    try await standIn.command("quotes AAPL:189.95:3:190.01:2:2024-03-05T15:04:05.25Z MSFT:410.10:1:410.12:1:2024-03-05T15:04:05Z")
    // The quote reaches the hub asynchronously; wait for it without sleeping.
    let published = service.hub
    let (aaplSymbol, msftSymbol) = (try Symbol("AAPL"), try Symbol("MSFT"))
    while published.latest(msftSymbol) == nil || published.latest(aaplSymbol) == nil { await Task.yield() }
    let aapl = try #require(published.latest(try Symbol("AAPL")))
    #expect(aapl.quote.bid == "189.95" && aapl.quote.ask == "190.01" && aapl.quote.bidSize == 3)
    #expect(aapl.quote.eventTime == Timestamp(nanosecondsSinceEpoch: 1_709_651_045_250_000_000))
    #expect(service.hub.source == "alpaca")

    _ = service.unsubscribe(client: "c", symbols: [try Symbol("MSFT")])
    await confirmations.wait(for: [try Symbol("AAPL")])
    #expect(feed.confirmedSymbols == [try Symbol("AAPL")])
    runner.cancel()
    _ = try? await runner.value
  }
}

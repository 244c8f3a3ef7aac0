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
  /// Collects Alpaca's confirmed subscription after each change, so a test can await one.
  final class Confirmations: Sendable {
    private let state = Mutex<(history: [Set<Symbol>], waiters: [(Int, CheckedContinuation<Set<Symbol>, Never>)])>(([], []))

    func record(_ symbols: Set<Symbol>) {
      let ready = state.withLock { state in
        state.history.append(symbols)
        let count = state.history.count
        let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
        state.waiters.removeAll { $0.0 <= count }
        return ready
      }
      for waiter in ready { waiter.resume(returning: symbols) }
    }

    /// The confirmed set after the `count`-th change.
    func after(_ count: Int) async -> Set<Symbol> {
      await withCheckedContinuation { continuation in
        let ready = state.withLock { state -> Set<Symbol>? in
          if state.history.count >= count { return state.history[count - 1] }
          state.waiters.append((count, continuation))
          return nil
        }
        if let ready { continuation.resume(returning: ready) }
      }
    }
  }

  /// A pricing service on an Alpaca feed pointed at `standIn`, and its confirmations.
  static func service(on standIn: StandIn) throws -> (PricingService, AlpacaQuoteFeed, Confirmations) {
    let configuration = try AlpacaStreamConfiguration(url: standIn.url, keyID: "key", secret: "secret")
    let confirmations = Confirmations()
    let feed = AlpacaQuoteFeed(
      configuration: configuration, clock: { Timestamp(nanosecondsSinceEpoch: 42) },
      onApplied: { confirmations.record($0) })
    let service = PricingService(configuration: PricingConfiguration(capacity: 30), feed: feed, now: { Timestamp(nanosecondsSinceEpoch: 42) })
    return (service, feed, confirmations)
  }

  @Test("service subscriptions become Alpaca subscriptions; Alpaca quotes fill the cache; other asset classes are refused")
  func endToEnd() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"])
    defer { standIn.stop() }
    let (service, feed, confirmations) = try Self.service(on: standIn)
    let runner = Task { try await service.run() }

    let result = service.subscribe(
      client: "c", symbols: [try Symbol("AAPL"), try Symbol("MSFT"), try Symbol("BTC/USD")], priority: .normal, connection: nil)
    #expect(result.results.map(\.outcome) == [.accepted, .accepted, .refused(.unsupportedAssetClass(.crypto, feed: "alpaca"))])
    #expect(await confirmations.after(1) == [try Symbol("AAPL"), try Symbol("MSFT")])

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
    #expect(await confirmations.after(2) == [try Symbol("AAPL")])
    #expect(feed.confirmedSymbols == [try Symbol("AAPL")])
    runner.cancel()
    _ = try? await runner.value
  }

  @Test("a subscription Alpaca refuses (405 symbol limit) leaves Alpaca's confirmed set unchanged and the feed running")
  func alpacaRefusal() async throws {
    let standIn = try await StandIn.start(keys: ["key": "secret"], symbolLimit: 2)
    defer { standIn.stop() }
    let (service, feed, confirmations) = try Self.service(on: standIn)
    let runner = Task { try await service.run() }
    let (aapl, msft, tsla) = (try Symbol("AAPL"), try Symbol("MSFT"), try Symbol("TSLA"))
    _ = service.subscribe(client: "c", symbols: [aapl, msft], priority: .normal, connection: nil)
    #expect(await confirmations.after(1) == [aapl, msft])
    // A third symbol is over Alpaca's limit of 2: Alpaca keeps the two it had.
    _ = service.subscribe(client: "c", symbols: [tsla], priority: .normal, connection: nil)
    #expect(await confirmations.after(2) == [aapl, msft])
    #expect(feed.confirmedSymbols == [aapl, msft])
    // The feed still runs: quotes of the confirmed symbols arrive.
    try await standIn.command("quotes AAPL:1:1:2:1:2024-03-05T15:04:05Z")
    while service.hub.latest(aapl) == nil { await Task.yield() }
    runner.cancel()
    _ = try? await runner.value
  }
}

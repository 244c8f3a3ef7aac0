public import SlipstreamDomain
import Synchronization

/// The embedded default feed: a ``SimulatedMarket`` ticking on a clock.
///
/// Every `1 / ticksPerSecond` each wanted symbol gets its next quote (ticks follow a fixed
/// schedule from the start, so a slow round does not drift the rate). It serves every asset
/// class and every symbol.
public final class SimulatedFeed: QuoteFeed {
  public let name = "simulated"
  /// Quotes per second per symbol.
  public let ticksPerSecond: Double
  private let market: Mutex<SimulatedMarket>
  private let now: @Sendable () -> Timestamp

  /// Creates a feed.
  /// - Parameters:
  ///   - seed: The market's seed; the same seed replays the same quotes.
  ///   - ticksPerSecond: Quotes per second per symbol, above 0 and at most 100,000.
  ///   - now: The wall clock stamped on quotes (injected for tests).
  public init(seed: UInt64, ticksPerSecond: Double, now: @escaping @Sendable () -> Timestamp) {
    precondition(ticksPerSecond > 0 && ticksPerSecond <= 100_000, "ticksPerSecond must be in (0, 100000]")
    self.ticksPerSecond = ticksPerSecond
    self.market = Mutex(SimulatedMarket(seed: seed))
    self.now = now
  }

  public func support(for symbol: Symbol) -> FeedSymbolSupport { .supported }

  /// The next quote of each of `symbols`, in order: one round of the feed, without a clock.
  public func step(_ symbols: [Symbol]) -> [Quote] {
    let time = now()
    return market.withLock { market in
      symbols.map { market.nextQuote(for: $0, eventTime: time, receiveTime: time) }
    }
  }

  public func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws {
    let wanted = WantedSymbols()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await set in symbols { wanted.set(set) }
      }
      group.addTask {
        let clock = ContinuousClock()
        let interval = Duration.nanoseconds(Int64(1e9 / self.ticksPerSecond))
        var deadline = clock.now
        while !Task.isCancelled {
          deadline = deadline.advanced(by: interval)
          try await clock.sleep(until: deadline, tolerance: nil)
          for quote in self.step(wanted.all.sorted { $0.value < $1.value }) { deliver(quote) }
        }
      }
      // The symbol stream ends when the service stops; so does the feed.
      try await group.next()
      group.cancelAll()
    }
  }
}

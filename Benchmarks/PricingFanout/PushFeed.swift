import SlipstreamDomain
import SlipstreamPricing
import Synchronization

/// A feed the benchmark pushes quotes into: every symbol is supported, and once the service
/// runs it, ``deliver`` hands quotes straight to the service's hub (`hub.publish`).
final class PushFeed: QuoteFeed {
  let name = "bench"
  private struct State {
    var deliver: (@Sendable (Quote) -> Void)?
    var waiters: [CheckedContinuation<Void, Never>] = []
  }
  private let state = Mutex(State())

  func support(for symbol: Symbol) -> FeedSymbolSupport { .supported }

  func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws {
    let waiters = state.withLock { state in
      state.deliver = deliver
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
    for await _ in symbols {}
  }

  /// Waits until the service runs the feed and returns its delivery function.
  func started() async -> @Sendable (Quote) -> Void {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state in
        if state.deliver != nil { return true }
        state.waiters.append(continuation)
        return false
      }
      if ready { continuation.resume() }
    }
    return state.withLock { $0.deliver! }
  }
}

/// Quotes stamped with the monotonic instant they are published at, so a subscriber in this
/// process can tell how long the tick took to reach it (`timestamp_ns` on the wire).
struct TickMaker: Sendable {
  private let bid: Price = "100.01"
  private let ask: Price = "100.03"

  /// A valid quote of `symbol` whose event and receive times are `instant` (monotonic ns).
  func quote(_ symbol: Symbol, at instant: Int64) -> Quote {
    let time = Timestamp(nanosecondsSinceEpoch: instant)
    return Quote(symbol: symbol, bid: bid, ask: ask, bidSize: 100, askSize: 200, eventTime: time, receiveTime: time)
  }
}

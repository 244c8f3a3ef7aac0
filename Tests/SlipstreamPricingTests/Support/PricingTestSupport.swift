import SlipstreamDomain
@testable import SlipstreamPricing
import Synchronization

/// Parses a symbol known to be valid.
func sym(_ text: String) -> Symbol { try! Symbol(text) }

/// A quote with the given prices (sizes 100/200), stamped `time` ns.
func quote(_ symbol: String, bid: String, ask: String, time: Int64 = 1_000) -> Quote {
  Quote(
    symbol: sym(symbol), bid: try! Price(bid), ask: try! Price(ask), bidSize: 100, askSize: 200,
    eventTime: Timestamp(nanosecondsSinceEpoch: time), receiveTime: Timestamp(nanosecondsSinceEpoch: time))
}

/// A settable wall clock.
final class TestClock: Sendable {
  private let nanos: Atomic<Int64>
  init(_ start: Int64 = 1_700_000_000_000_000_000) { nanos = Atomic(start) }
  var now: Timestamp { Timestamp(nanosecondsSinceEpoch: nanos.load(ordering: .relaxed)) }
  func advance(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    nanos.wrappingAdd(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, ordering: .relaxed)
  }
  var function: @Sendable () -> Timestamp { { self.now } }
}

/// A feed the test drives by hand: it records the wanted symbols and publishes what the test
/// pushes. It stands for an upstream source in service tests; the real feeds have their own
/// tests.
final class ManualFeed: QuoteFeed {
  let name = "manual"
  private struct State {
    var wanted: [Set<Symbol>] = []
    var deliver: (@Sendable (Quote) -> Void)?
    var waiters: [CheckedContinuation<Void, Never>] = []
    var wantedWaiters: [(Set<Symbol>, CheckedContinuation<Void, Never>)] = []
  }
  private let state = Mutex(State())
  private let supported: @Sendable (Symbol) -> FeedSymbolSupport

  init(support: @escaping @Sendable (Symbol) -> FeedSymbolSupport = { _ in .supported }) {
    self.supported = support
  }

  func support(for symbol: Symbol) -> FeedSymbolSupport { supported(symbol) }

  /// The latest wanted set the service sent.
  var wanted: Set<Symbol> { state.withLock { $0.wanted.last ?? [] } }

  func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws {
    let waiters = state.withLock { state in
      state.deliver = deliver
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
    for await set in symbols {
      let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
        state.wanted.append(set)
        let ready = state.wantedWaiters.filter { $0.0 == set }.map(\.1)
        state.wantedWaiters.removeAll { $0.0 == set }
        return ready
      }
      for waiter in ready { waiter.resume() }
    }
  }

  /// Waits until the service has told the feed to want exactly `expected`.
  func waitUntilWanted(_ expected: Set<Symbol>) async {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state in
        if state.wanted.last == expected { return true }
        state.wantedWaiters.append((expected, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Waits until the service runs the feed.
  func started() async {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state in
        if state.deliver != nil { return true }
        state.waiters.append(continuation)
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Pushes quotes as if they came from upstream.
  func push(_ quotes: Quote...) {
    let deliver = state.withLock { $0.deliver }
    for quote in quotes { deliver!(quote) }
  }
}

public import SlipstreamDomain
import Synchronization

/// One cached quote as the hub holds it: the quote, its per-symbol sequence number and its
/// wire encoding (made once, shared by every subscriber).
public struct CachedQuote: Sendable {
  public let quote: Quote
  public let sequence: UInt64
  /// The serialized `slipstream.types.v1.Quote`.
  public let encoded: [UInt8]
}

/// A subscriber's pending quotes, at most one per symbol: a newer quote replaces an unsent
/// one and counts it as skipped (conflation). Memory is bounded by the number of symbols,
/// however slowly the subscriber reads, and a slow subscriber never holds up the hub.
final class QuoteMailbox: Sendable {
  struct Delivery {
    let quote: CachedQuote
    /// Quotes of this symbol replaced since the last delivery of the symbol.
    let skipped: UInt64
  }

  private struct Pending {
    var quote: CachedQuote
    var skipped: UInt64
  }

  private struct State {
    var pending: [Symbol: Pending] = [:]
    /// Symbols with a pending quote, in the order their first unsent quote arrived.
    var order: [Symbol] = []
    var waiter: CheckedContinuation<Void, Never>?
    var closed = false
    var totalSkipped: UInt64 = 0
  }

  let client: String
  private let state = Mutex(State())

  init(client: String) {
    self.client = client
  }

  /// Quotes skipped on this mailbox in total.
  var totalSkipped: UInt64 { state.withLock { $0.totalSkipped } }

  /// Offers a quote; returns the waiter to resume (outside any lock), if the reader sleeps.
  func offer(_ quote: CachedQuote) -> CheckedContinuation<Void, Never>? {
    state.withLock { state in
      guard !state.closed else { return nil }
      let symbol = quote.quote.symbol
      if let existing = state.pending[symbol] {
        state.pending[symbol] = Pending(quote: quote, skipped: existing.skipped + 1)
        state.totalSkipped += 1
        return nil
      }
      state.pending[symbol] = Pending(quote: quote, skipped: 0)
      state.order.append(symbol)
      defer { state.waiter = nil }
      return state.waiter
    }
  }

  /// Waits for pending quotes and takes them all, oldest symbol first; nil once closed.
  func next() async -> (deliveries: [Delivery], totalSkipped: UInt64)? {
    while true {
      if let taken = takeAll() { return taken }
      if state.withLock({ $0.closed }) { return nil }
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state -> Bool in
          if state.closed || !state.order.isEmpty { return true }
          state.waiter = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    }
  }

  /// Stops the mailbox: the reader's `next()` returns nil.
  func close() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
      state.closed = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }

  private func takeAll() -> (deliveries: [Delivery], totalSkipped: UInt64)? {
    state.withLock { state in
      guard !state.order.isEmpty else { return nil }
      let deliveries = state.order.map { symbol in
        let pending = state.pending[symbol]!
        return Delivery(quote: pending.quote, skipped: pending.skipped)
      }
      state.order.removeAll(keepingCapacity: true)
      state.pending.removeAll(keepingCapacity: true)
      return (deliveries, state.totalSkipped)
    }
  }
}

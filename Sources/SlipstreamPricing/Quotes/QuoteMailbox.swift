public import SlipstreamDomain
import Synchronization

/// One cached quote as the hub holds it: the quote, its per-symbol sequence number and its
/// wire encoding (made once, shared by every subscriber).
///
/// The fields live in one shared immutable box, so the copy each subscriber's mailbox keeps
/// costs one reference count instead of one per string and array inside the quote.
public struct CachedQuote: Sendable {
  private final class Storage: Sendable {
    let quote: Quote
    let sequence: UInt64
    let encoded: [UInt8]

    init(quote: Quote, sequence: UInt64, encoded: [UInt8]) {
      self.quote = quote
      self.sequence = sequence
      self.encoded = encoded
    }
  }

  private let storage: Storage

  public var quote: Quote { storage.quote }
  public var sequence: UInt64 { storage.sequence }
  /// The serialized `slipstream.types.v1.Quote`.
  public var encoded: [UInt8] { storage.encoded }

  init(quote: Quote, sequence: UInt64, encoded: [UInt8]) {
    storage = Storage(quote: quote, sequence: sequence, encoded: encoded)
  }
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
    /// The reader's continuation while it sleeps. Unsafe (no per-wait check object): it is
    /// taken out under the lock by exactly one of `offer`, `close` or `next` itself, and only
    /// the one that took it resumes it.
    var waiter: UnsafeContinuation<Void, Never>?
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
  func offer(_ quote: CachedQuote) -> UnsafeContinuation<Void, Never>? {
    state.withLock { state in
      guard !state.closed else { return nil }
      let symbol = quote.quote.symbol
      if let index = state.pending.index(forKey: symbol) {
        // Conflate in place: one hash lookup on the path a slow subscriber takes every tick.
        state.pending.values[index].quote = quote
        state.pending.values[index].skipped += 1
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
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
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
    let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
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

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
///
/// Nobody waits on it: whoever reads it (the transport's event loop, through
/// ``QuoteStreamSource``) registers a wake-up with ``start(wake:)``, which the hub calls when
/// the mailbox goes from empty to holding a quote, and takes everything with ``takeAll()``.
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
    /// Tells the reader that quotes are pending again; nil before the reader starts and
    /// once the mailbox is closed (so nothing the reader owns is kept alive by the hub).
    var wake: (@Sendable () -> Void)?
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

  /// Offers a quote.
  /// - Returns: the reader's wake-up to call (outside any lock) when the mailbox was empty.
  func offer(_ quote: CachedQuote) -> (@Sendable () -> Void)? {
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
      return state.order.count == 1 ? state.wake : nil
    }
  }

  /// Registers the reader's wake-up (called whenever the mailbox stops being empty).
  func start(wake: @escaping @Sendable () -> Void) {
    state.withLock { state in
      if !state.closed { state.wake = wake }
    }
  }

  /// Stops the mailbox: later offers are dropped and the wake-up is released.
  func close() {
    state.withLock { state in
      state.closed = true
      state.wake = nil
    }
  }

  /// Takes every pending quote, oldest symbol first, with the running total of skipped
  /// quotes; nil when none is pending.
  func takeAll() -> (deliveries: [Delivery], totalSkipped: UInt64)? {
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

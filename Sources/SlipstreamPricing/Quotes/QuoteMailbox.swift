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

/// Why a stream stopped carrying a symbol.
enum SymbolStreamEnd: Sendable, Hashable {
  /// A higher-priority subscription of another client took its upstream slot.
  case evicted
  /// The client unsubscribed it.
  case unsubscribed
}

/// A subscriber's pending quotes, at most one per symbol: a newer quote replaces an unsent
/// one and counts it as skipped (conflation). Memory is bounded by the number of symbols,
/// however slowly the subscriber reads, and a slow subscriber never holds up the hub.
///
/// Each symbol the stream was opened with has a slot (``slot(of:)``); the hub offers a quote
/// with its slot, so neither an offer nor a take hashes a symbol.
///
/// It also knows which symbols its stream still carries: when the client's subscription to
/// one ends (evicted, unsubscribed) the mailbox drops the symbol and queues a notice, sent
/// after any quote of the symbol still pending; once none is left and every notice was
/// taken, the mailbox is finished (the stream then ends).
///
/// Nobody waits on it: whoever reads it (the transport's event loop, through
/// ``QuoteStreamSource``) registers a wake-up with ``start(wake:)``, which the hub calls when
/// the mailbox goes from empty to holding a quote or notice, and takes everything with
/// ``takeAll(into:)``.
final class QuoteMailbox: Sendable {
  struct Delivery {
    let quote: CachedQuote
    /// Quotes of this symbol replaced since the last delivery of the symbol.
    let skipped: UInt64
  }

  /// The stream no longer carries `symbol`.
  struct Ending: Sendable, Hashable {
    let symbol: Symbol
    let reason: SymbolStreamEnd
    /// For people: what happened and what to do.
    let detail: String
    /// Symbols the stream still carries after this one left.
    let symbolsLeft: Int
  }

  /// What a take found besides the quotes.
  struct Taken {
    /// Notices, oldest first (sent after the quotes).
    let endings: [Ending]
    /// Quotes skipped on this mailbox so far.
    let totalSkipped: UInt64
    /// No symbol is left on the stream: nothing comes after this take.
    let finished: Bool
  }

  private struct Pending {
    var quote: CachedQuote
    var skipped: UInt64
  }

  private struct State {
    /// By slot: the symbol's unsent quote, if any.
    var slots: [Pending?]
    /// Slots with a pending quote, in the order their first unsent quote arrived.
    var order: [Int] = []
    /// Notices not taken yet, oldest first.
    var endings: [Ending] = []
    /// The symbols the stream still carries.
    var symbols: Set<Symbol>
    /// Why the last symbol left, once none is left.
    var lastEnding: Ending?
    /// Tells the reader that quotes are pending again; nil before the reader starts and
    /// once the mailbox is closed (so nothing the reader owns is kept alive by the hub).
    var wake: (@Sendable () -> Void)?
    var closed = false
    var totalSkipped: UInt64 = 0

    var isEmpty: Bool { order.isEmpty && endings.isEmpty }
  }

  let client: String
  /// The slot of each symbol the stream was opened with (fixed for the mailbox's life).
  private let slots: [Symbol: Int]
  private let state: Mutex<State>

  init(client: String, symbols: some Sequence<Symbol>) {
    self.client = client
    var slots: [Symbol: Int] = [:]
    for symbol in symbols where slots[symbol] == nil { slots[symbol] = slots.count }
    self.slots = slots
    state = Mutex(State(slots: Array(repeating: nil, count: slots.count), symbols: Set(slots.keys)))
  }

  /// The slot to offer quotes of `symbol` with; nil when the stream was not opened with it.
  func slot(of symbol: Symbol) -> Int? { slots[symbol] }

  /// Quotes skipped on this mailbox in total.
  var totalSkipped: UInt64 { state.withLock { $0.totalSkipped } }

  /// Offers a quote of the symbol in `slot` (``slot(of:)``).
  /// - Returns: the reader's wake-up to call (outside any lock) when the mailbox was empty.
  func offer(_ quote: CachedQuote, slot: Int) -> (@Sendable () -> Void)? {
    state.withLock { state in
      guard !state.closed else { return nil }
      if state.slots[slot] != nil {
        // Conflate in place.
        state.slots[slot]!.quote = quote
        state.slots[slot]!.skipped += 1
        state.totalSkipped += 1
        return nil
      }
      // No check that the stream still carries the symbol: the hub stops offering it under
      // the same lock as it ends it here (``QuoteHub/end(client:symbol:reason:detail:)``).
      let wasEmpty = state.isEmpty
      state.slots[slot] = Pending(quote: quote, skipped: 0)
      state.order.append(slot)
      return wasEmpty ? state.wake : nil
    }
  }

  /// The stream stops carrying `symbol`: a notice is queued, sent after any pending quote of
  /// it (the hub offers no quote of it after this).
  /// - Returns: the reader's wake-up to call (outside any lock) when the mailbox was empty;
  ///   nil also when the stream did not carry the symbol.
  func end(_ symbol: Symbol, reason: SymbolStreamEnd, detail: String) -> (@Sendable () -> Void)? {
    state.withLock { state in
      guard !state.closed, state.symbols.remove(symbol) != nil else { return nil }
      let wasEmpty = state.isEmpty
      let ending = Ending(symbol: symbol, reason: reason, detail: detail, symbolsLeft: state.symbols.count)
      state.endings.append(ending)
      if state.symbols.isEmpty { state.lastEnding = ending }
      return wasEmpty ? state.wake : nil
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

  /// True when the stream carries no symbol any more and everything was taken.
  var isFinished: Bool { state.withLock { $0.symbols.isEmpty && $0.isEmpty } }

  /// Why the last symbol left the stream; nil while it still carries one.
  var lastEnding: Ending? { state.withLock { $0.lastEnding } }

  /// Takes every pending quote, oldest symbol first, appending them to `deliveries` (the
  /// reader's reused array: a take allocates nothing once it has grown), and every notice.
  /// - Returns: the notices, the running total of skipped quotes and whether the mailbox is
  ///   finished after this take (no symbol left); nil when nothing was pending.
  func takeAll(into deliveries: inout [Delivery]) -> Taken? {
    state.withLock { state in
      guard !state.isEmpty else { return nil }
      for slot in state.order {
        let pending = state.slots[slot].take()!
        deliveries.append(Delivery(quote: pending.quote, skipped: pending.skipped))
      }
      state.order.removeAll(keepingCapacity: true)
      let endings = state.endings
      state.endings.removeAll()
      return Taken(endings: endings, totalSkipped: state.totalSkipped, finished: state.symbols.isEmpty)
    }
  }
}

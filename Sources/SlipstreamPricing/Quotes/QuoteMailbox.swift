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

/// The latest quote of one symbol, shared by the hub (which sets it before offering the quote
/// to the symbol's listeners) and the mailboxes listening to the symbol (which read it when
/// their reader takes): an offer moves no quote, so the hub's thread and the reader's never
/// both count references to one quote object per subscriber.
final class LatestQuoteCell: Sendable {
  private let quote: Mutex<CachedQuote?>

  init(_ quote: CachedQuote?) {
    self.quote = Mutex(quote)
  }

  var current: CachedQuote? { quote.withLock { $0 } }

  func set(_ new: CachedQuote) {
    quote.withLock { $0 = new }
  }
}

/// A subscriber's pending quotes, at most one per symbol: the mailbox only notes that a
/// symbol has a newer quote, and a take reads the symbol's latest (conflation); the quotes
/// in between are counted as skipped, from the per-symbol sequence numbers. Memory is bounded
/// by the number of symbols, however slowly the subscriber reads, and a slow subscriber never
/// holds up the hub.
///
/// Each symbol the stream was opened with has a slot (``slot(of:)``); the hub attaches each
/// slot to its symbol's ``LatestQuoteCell`` and offers by slot, so neither an offer nor a take
/// hashes a symbol.
///
/// It also knows which symbols its stream still carries: when the client's subscription to
/// one ends (evicted, unsubscribed) the mailbox drops the symbol and queues a notice, sent
/// after the quote of the symbol still pending, if any; once none is left and every notice
/// was taken, the mailbox is finished (the stream then ends).
///
/// Nobody waits on it: whoever reads it (the transport's event loop, through
/// ``QuoteStreamSource``) registers a wake-up with ``start(wake:)``, which the hub calls when
/// the mailbox goes from empty to holding a quote or notice, and takes everything with
/// ``takeAll(into:)``.
final class QuoteMailbox: Sendable {
  struct Delivery {
    let quote: CachedQuote
    /// Quotes of this symbol the stream skipped since its previous delivery of the symbol.
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

  private struct Slot {
    /// Where the symbol's latest quote is; nil before the hub attaches the slot and after
    /// the symbol left the stream.
    var cell: LatestQuoteCell?
    /// Offered since the last take.
    var pending = false
    /// The quote to send when the symbol left the stream with one pending (the cell may
    /// hold later quotes, which the stream must not get).
    var last: CachedQuote?
    /// Sequence number of the symbol's last quote the stream got or was attached after.
    var seen: UInt64 = 0
  }

  private struct State {
    var slots: [Slot]
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

    /// Marks `slot` pending. - Returns: the wake-up to call when the mailbox was empty.
    mutating func markPending(_ slot: Int) -> (@Sendable () -> Void)? {
      guard !slots[slot].pending else { return nil }
      let wasEmpty = isEmpty
      slots[slot].pending = true
      order.append(slot)
      return wasEmpty ? wake : nil
    }
  }

  let client: String
  /// The slot of each symbol the stream was opened with (fixed for the mailbox's life).
  private let slotOf: [Symbol: Int]
  private let state: Mutex<State>

  init(client: String, symbols: some Sequence<Symbol>) {
    self.client = client
    var slots: [Symbol: Int] = [:]
    for symbol in symbols where slots[symbol] == nil { slots[symbol] = slots.count }
    slotOf = slots
    state = Mutex(State(slots: Array(repeating: Slot(), count: slots.count), symbols: Set(slots.keys)))
  }

  /// The slot of `symbol`; nil when the stream was not opened with it.
  func slot(of symbol: Symbol) -> Int? { slotOf[symbol] }

  /// Quotes skipped on this mailbox in total, as of the last take.
  var totalSkipped: UInt64 { state.withLock { $0.totalSkipped } }

  /// Connects `slot` to its symbol's latest quote (the hub, once per slot, under its lock).
  /// - Parameter snapshot: Also offer the cell's current quote; otherwise the stream starts
  ///   after it.
  func attach(slot: Int, to cell: LatestQuoteCell, snapshot: Bool) {
    let current = cell.current
    _ = state.withLock { state -> (@Sendable () -> Void)? in
      guard !state.closed else { return nil }
      state.slots[slot].cell = cell
      guard let current else { return nil }
      state.slots[slot].seen = snapshot ? current.sequence - 1 : current.sequence
      return snapshot ? state.markPending(slot) : nil
    }
  }

  /// Notes that the symbol in `slot` has a newer quote in its cell (set before this call).
  /// - Returns: the reader's wake-up to call (outside any lock) when the mailbox was empty.
  func offer(slot: Int) -> (@Sendable () -> Void)? {
    state.withLock { state in
      // No check that the stream still carries the symbol: the hub stops offering it under
      // the same lock as it ends it here (``QuoteHub/end(client:symbol:reason:detail:)``).
      state.closed ? nil : state.markPending(slot)
    }
  }

  /// The stream stops carrying `symbol`: a notice is queued, sent after the pending quote of
  /// it, if any (the hub offers no quote of it after this).
  /// - Returns: the reader's wake-up to call (outside any lock) when the mailbox was empty;
  ///   nil also when the stream did not carry the symbol.
  func end(_ symbol: Symbol, reason: SymbolStreamEnd, detail: String) -> (@Sendable () -> Void)? {
    state.withLock { state in
      guard !state.closed, state.symbols.remove(symbol) != nil else { return nil }
      if let slot = slotOf[symbol] {
        // Keep the quote pending now; later quotes in the shared cell are not this stream's.
        if state.slots[slot].pending { state.slots[slot].last = state.slots[slot].cell?.current }
        state.slots[slot].cell = nil
      }
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

  /// Takes the latest quote of every pending symbol, oldest pending first, appending them to
  /// `deliveries` (the reader's reused array: a take allocates nothing once it has grown), and
  /// every notice. A symbol whose latest quote the stream already got adds nothing.
  /// - Returns: the notices, the running total of skipped quotes and whether the mailbox is
  ///   finished after this take (no symbol left); nil when nothing was pending.
  func takeAll(into deliveries: inout [Delivery]) -> Taken? {
    state.withLock { state in
      guard !state.isEmpty else { return nil }
      for slot in state.order {
        state.slots[slot].pending = false
        guard let quote = state.slots[slot].last.take() ?? state.slots[slot].cell?.current else { continue }
        let seen = state.slots[slot].seen
        // An offer that raced a take finds the quote already sent.
        guard quote.sequence > seen else { continue }
        let skipped = quote.sequence - seen - 1
        state.slots[slot].seen = quote.sequence
        state.totalSkipped += skipped
        deliveries.append(Delivery(quote: quote, skipped: skipped))
      }
      state.order.removeAll(keepingCapacity: true)
      let endings = state.endings
      state.endings.removeAll()
      return Taken(endings: endings, totalSkipped: state.totalSkipped, finished: state.symbols.isEmpty)
    }
  }
}

internal import SlipstreamAPI
public import SlipstreamDomain
import SwiftProtobuf
import Synchronization

/// Why the hub dropped a quote from a feed.
public enum DroppedQuoteReason: String, Sendable, Hashable, CaseIterable {
  /// The bid is above the ask.
  case crossed
  /// The bid equals the ask.
  case locked
  /// A price is zero or negative.
  case nonPositivePrice = "non_positive_price"
  /// A size is negative.
  case negativeSize = "negative_size"
  /// Not representable (arithmetic overflow) or not encodable.
  case invalid
  /// The symbol is no longer subscribed upstream (a late quote after an unsubscribe).
  case notSubscribed = "not_subscribed"
}

/// Counters of what the hub did with incoming quotes.
public struct QuoteHubStatistics: Sendable, Hashable {
  /// Quotes accepted into the cache.
  public var accepted: UInt64 = 0
  /// Quotes dropped, by reason.
  public var dropped: [DroppedQuoteReason: UInt64] = [:]
  /// Deliveries offered to subscriber mailboxes (one per subscriber per quote).
  public var offered: UInt64 = 0
}

/// The latest quote per symbol and the subscribers listening to each symbol.
///
/// `publish` validates a quote with the domain rules, stores it with the next sequence number
/// of its symbol, encodes it once and offers it to every mailbox listening to the symbol.
/// Thread-safe; `publish` never waits on a subscriber.
public final class QuoteHub: Sendable {
  /// A mailbox listening to a symbol, with the symbol's slot in it.
  private struct Listener {
    let mailbox: QuoteMailbox
    let slot: Int
  }

  /// The mailboxes listening to one symbol and the cell they read its latest quote from.
  private struct Listeners {
    let cell: LatestQuoteCell
    var mailboxes: [ObjectIdentifier: Listener] = [:]
  }

  private struct State {
    var latest: [Symbol: CachedQuote] = [:]
    var listeners: [Symbol: Listeners] = [:]
    var statistics = QuoteHubStatistics()
    /// Symbols quotes are accepted for; nil accepts all (no subscription gate).
    var accepting: Set<Symbol>?
  }

  /// Names the feed in cached quotes (`source`).
  public let source: String
  private let state = Mutex(State())

  /// Creates an empty hub.
  /// - Parameter source: The feed's name, carried by every quote.
  public init(source: String) {
    self.source = source
  }

  /// Counters so far.
  public var statistics: QuoteHubStatistics { state.withLock { $0.statistics } }

  /// The latest quote of `symbol`.
  public func latest(_ symbol: Symbol) -> CachedQuote? { state.withLock { $0.latest[symbol] } }

  /// Restricts accepted quotes to `symbols` (the upstream subscriptions) and forgets the
  /// cached quotes of every other symbol.
  func setAccepting(_ symbols: Set<Symbol>) {
    state.withLock { state in
      state.accepting = symbols
      // A symbol still listened to keeps its quote, so its sequence numbers (which the
      // listeners count skipped quotes by) never restart.
      state.latest = state.latest.filter { symbols.contains($0.key) || state.listeners[$0.key] != nil }
    }
  }

  /// Validates, caches and fans out one quote.
  /// - Returns: nil when accepted, or why it was dropped (also counted).
  @discardableResult
  public func publish(_ quote: Quote) -> DroppedQuoteReason? {
    if let reason = Self.validate(quote) {
      state.withLock { $0.statistics.dropped[reason, default: 0] += 1 }
      return reason
    }
    let wakes = state.withLock { state -> [@Sendable () -> Void]? in
      if let accepting = state.accepting, !accepting.contains(quote.symbol) {
        state.statistics.dropped[.notSubscribed, default: 0] += 1
        return nil
      }
      let sequence = (state.latest[quote.symbol]?.sequence ?? 0) + 1
      let wire = Slipstream_Types_V1_Quote(quote, source: source, sequence: sequence)
      guard let encoded: [UInt8] = try? wire.serializedBytes() else {
        state.statistics.dropped[.invalid, default: 0] += 1
        return nil
      }
      let cached = CachedQuote(quote: quote, sequence: sequence, encoded: encoded)
      state.latest[quote.symbol] = cached
      state.statistics.accepted += 1
      guard let listeners = state.listeners[quote.symbol] else { return [] }
      listeners.cell.set(cached)
      state.statistics.offered += UInt64(listeners.mailboxes.count)
      var wakes: [@Sendable () -> Void] = []
      wakes.reserveCapacity(listeners.mailboxes.count)
      for listener in listeners.mailboxes.values {
        if let wake = listener.mailbox.offer(slot: listener.slot) { wakes.append(wake) }
      }
      return wakes
    }
    guard let wakes else { return .notSubscribed }
    // Readers are woken outside the lock; a network transport turns the wake-ups of one
    // connection's streams into one event-loop task.
    for wake in wakes { wake() }
    return nil
  }

  /// Starts offering quotes of `symbols` to `mailbox`, first the cached ones when
  /// `snapshot` is set (atomically, so no quote falls between the snapshot and the stream).
  /// Symbols the mailbox was not opened with are left out.
  func attach(_ mailbox: QuoteMailbox, to symbols: [Symbol], snapshot: Bool) {
    let key = ObjectIdentifier(mailbox)
    state.withLock { state in
      for symbol in symbols {
        guard let slot = mailbox.slot(of: symbol) else { continue }
        if state.listeners[symbol] == nil {
          state.listeners[symbol] = Listeners(cell: LatestQuoteCell(state.latest[symbol]))
        }
        state.listeners[symbol]!.mailboxes[key] = Listener(mailbox: mailbox, slot: slot)
        mailbox.attach(slot: slot, to: state.listeners[symbol]!.cell, snapshot: snapshot)
      }
    }
  }

  /// Stops offering anything to `mailbox`.
  func detach(_ mailbox: QuoteMailbox) {
    let key = ObjectIdentifier(mailbox)
    state.withLock { state in
      for symbol in Array(state.listeners.keys) {
        state.listeners[symbol]?.mailboxes[key] = nil
        if state.listeners[symbol]?.mailboxes.isEmpty == true { state.listeners[symbol] = nil }
      }
    }
  }

  /// Ends `symbol` on every stream of `client` (its subscription was evicted or released):
  /// detaches them from it and queues each a notice saying why.
  /// - Returns: the readers' wake-ups, to call outside any lock.
  func end(client: String, symbol: Symbol, reason: SymbolStreamEnd, detail: String) -> [@Sendable () -> Void] {
    state.withLock { state in
      guard let listeners = state.listeners[symbol] else { return [] }
      var wakes: [@Sendable () -> Void] = []
      var kept: [ObjectIdentifier: Listener] = [:]
      for (key, listener) in listeners.mailboxes {
        guard listener.mailbox.client == client else {
          kept[key] = listener
          continue
        }
        if let wake = listener.mailbox.end(symbol, reason: reason, detail: detail) { wakes.append(wake) }
      }
      state.listeners[symbol] = kept.isEmpty ? nil : Listeners(cell: listeners.cell, mailboxes: kept)
      return wakes
    }
  }

  /// Number of mailboxes listening to `symbol`.
  func listenerCount(_ symbol: Symbol) -> Int { state.withLock { $0.listeners[symbol]?.mailboxes.count ?? 0 } }

  private static func validate(_ quote: Quote) -> DroppedQuoteReason? {
    do {
      try QuoteValidation.validatePrices(quote)
      return nil
    } catch {
      switch error {
      case .crossed: return .crossed
      case .locked: return .locked
      case .nonPositivePrice: return .nonPositivePrice
      case .negativeSize: return .negativeSize
      case .stale, .arithmetic: return .invalid
      }
    }
  }
}

public import SlipstreamDomain

/// Who holds which upstream symbol at which priority, under a cap on upstream symbols.
///
/// Rules (the pricing service's contract):
/// - a symbol uses one upstream slot however many clients hold it; its priority is the
///   highest of its holders, and it stays upstream while any client holds it;
/// - when every slot is used, a new symbol evicts the lowest-priority symbol if the request's
///   priority is strictly higher (among equals, the one upstream longest goes first); all
///   holders of the evicted symbol lose it;
/// - otherwise the symbol is refused, with the reason;
/// - a client subscribing again to a symbol it holds sets its priority to the new one.
///
/// A plain value: the service keeps it behind a lock and applies the upstream changes.
public struct SubscriptionBook: Sendable {
  /// One client's hold on one symbol.
  public struct Holding: Sendable, Hashable {
    public var priority: SubscriptionPriority
    public var since: Timestamp
  }

  struct SymbolEntry: Sendable {
    var holders: [String: Holding]
    /// Order in which the symbol went upstream (eviction tie-break: oldest first).
    var upstreamOrder: UInt64
    var priority: SubscriptionPriority { holders.values.map(\.priority).max() ?? .low }
  }

  /// Upstream symbol cap.
  public let capacity: Int
  var entries: [Symbol: SymbolEntry] = [:]
  var byClient: [String: Set<Symbol>] = [:]
  private var upstreamCounter: UInt64 = 0

  /// Creates an empty book.
  /// - Parameter capacity: Upstream symbol cap, at least 1.
  public init(capacity: Int) {
    precondition(capacity >= 1, "capacity must be at least 1")
    self.capacity = capacity
  }

  /// Upstream slots in use.
  public var used: Int { entries.count }
  /// The symbols that must be subscribed upstream.
  public var upstreamSymbols: Set<Symbol> { Set(entries.keys) }

  /// The priority a symbol holds its slot at, or nil if it is not upstream.
  public func priority(of symbol: Symbol) -> SubscriptionPriority? { entries[symbol]?.priority }

  /// Whether `client` holds `symbol`.
  public func holds(_ client: String, _ symbol: Symbol) -> Bool { entries[symbol]?.holders[client] != nil }

  /// The symbols `client` holds.
  public func symbols(of client: String) -> Set<Symbol> { byClient[client] ?? [] }

  /// Subscribes `client` to `symbols` (duplicates ignored) at `priority`, one symbol at a
  /// time in request order.
  /// - Returns: One result per distinct symbol, and the upstream changes to apply.
  public mutating func subscribe(
    client: String,
    symbols: [Symbol],
    priority: SubscriptionPriority,
    now: Timestamp
  ) -> SubscriptionChange {
    let before = upstreamSymbols
    var seen = Set<Symbol>()
    var results: [SymbolSubscriptionResult] = []
    for symbol in symbols where seen.insert(symbol).inserted {
      results.append(subscribeOne(client: client, symbol: symbol, priority: priority, now: now))
    }
    return SubscriptionChange(results: results, before: before, after: upstreamSymbols)
  }

  /// Drops `client`'s holds on `symbols`, or on everything it holds when `symbols` is nil.
  public mutating func unsubscribe(client: String, symbols: [Symbol]?) -> UnsubscribeChange {
    let before = upstreamSymbols
    var removed: [Symbol] = []
    var notSubscribed: [Symbol] = []
    let targets = symbols ?? (byClient[client] ?? []).sorted { $0.value < $1.value }
    var seen = Set<Symbol>()
    for symbol in targets where seen.insert(symbol).inserted {
      if drop(client: client, symbol: symbol) { removed.append(symbol) } else { notSubscribed.append(symbol) }
    }
    let after = upstreamSymbols
    return UnsubscribeChange(
      removed: removed,
      notSubscribed: notSubscribed,
      upstreamRemoved: before.subtracting(after).sorted { $0.value < $1.value }
    )
  }

  // MARK: Internals

  private mutating func subscribeOne(
    client: String,
    symbol: Symbol,
    priority: SubscriptionPriority,
    now: Timestamp
  ) -> SymbolSubscriptionResult {
    if entries[symbol] != nil {
      let since = entries[symbol]?.holders[client]?.since ?? now
      entries[symbol]?.holders[client] = Holding(priority: priority, since: since)
      byClient[client, default: []].insert(symbol)
      return SymbolSubscriptionResult(symbol: symbol, outcome: .accepted)
    }
    var eviction: Eviction?
    if entries.count >= capacity {
      guard let victim = evictionCandidate(), victim.priority < priority else {
        let floor = entries.values.map(\.priority).min() ?? priority
        return SymbolSubscriptionResult(
          symbol: symbol,
          outcome: .refused(.capacityExhausted(capacity: capacity, lowestHeldPriority: floor, requested: priority))
        )
      }
      eviction = evict(victim.symbol)
    }
    upstreamCounter += 1
    entries[symbol] = SymbolEntry(holders: [client: Holding(priority: priority, since: now)], upstreamOrder: upstreamCounter)
    byClient[client, default: []].insert(symbol)
    return SymbolSubscriptionResult(symbol: symbol, outcome: eviction.map { .acceptedEvicting($0) } ?? .accepted)
  }

  /// The lowest-priority symbol, oldest upstream first among equals.
  private func evictionCandidate() -> (symbol: Symbol, priority: SubscriptionPriority)? {
    var best: (symbol: Symbol, priority: SubscriptionPriority, order: UInt64)?
    for (symbol, entry) in entries {
      let priority = entry.priority
      if let current = best, (current.priority, current.order) <= (priority, entry.upstreamOrder) { continue }
      best = (symbol, priority, entry.upstreamOrder)
    }
    return best.map { ($0.symbol, $0.priority) }
  }

  private mutating func evict(_ symbol: Symbol) -> Eviction {
    let entry = entries.removeValue(forKey: symbol)!
    for client in entry.holders.keys {
      byClient[client]?.remove(symbol)
      if byClient[client]?.isEmpty == true { byClient[client] = nil }
    }
    return Eviction(symbol: symbol, priority: entry.priority, clients: entry.holders.keys.sorted())
  }

  /// Removes one hold; the symbol leaves upstream with its last holder.
  private mutating func drop(client: String, symbol: Symbol) -> Bool {
    guard entries[symbol]?.holders.removeValue(forKey: client) != nil else { return false }
    if entries[symbol]?.holders.isEmpty == true { entries[symbol] = nil }
    byClient[client]?.remove(symbol)
    if byClient[client]?.isEmpty == true { byClient[client] = nil }
    return true
  }
}

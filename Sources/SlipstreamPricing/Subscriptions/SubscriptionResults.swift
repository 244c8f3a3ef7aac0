public import SlipstreamDomain

/// A symbol pushed out of its upstream slot to make room for a higher priority.
public struct Eviction: Sendable, Hashable {
  /// The evicted symbol.
  public let symbol: Symbol
  /// The priority it held its slot at.
  public let priority: SubscriptionPriority
  /// Every client that held it, sorted.
  public let clients: [String]
}

/// Why a symbol was not subscribed.
public enum SubscriptionRefusal: Sendable, Hashable, CustomStringConvertible {
  /// Every slot is held at the requested priority or above.
  case capacityExhausted(capacity: Int, lowestHeldPriority: SubscriptionPriority, requested: SubscriptionPriority)
  /// The upstream feed does not know the symbol.
  case unknownSymbol(feed: String)
  /// No feed of this replica serves the symbol's asset class.
  case unsupportedAssetClass(AssetClass, feed: String)
  /// Another replica owns the symbol.
  case notOwner(owner: ShardReplica)

  public var description: String {
    switch self {
    case .capacityExhausted(let capacity, let floor, let requested):
      "all \(capacity) of \(capacity) upstream slots are held at \(floor) or above; \(requested) cannot evict them"
    case .unknownSymbol(let feed): "the \(feed) feed does not know this symbol"
    case .unsupportedAssetClass(let assetClass, let feed): "the \(feed) feed does not serve \(assetClass)"
    case .notOwner(let owner): "owned by replica \(owner)"
    }
  }
}

/// The outcome of subscribing one symbol.
public enum SymbolSubscriptionOutcome: Sendable, Hashable {
  /// Subscribed (or already held) without evicting anything.
  case accepted
  /// Subscribed by evicting a lower-priority symbol.
  case acceptedEvicting(Eviction)
  /// Not subscribed.
  case refused(SubscriptionRefusal)
}

/// One symbol's result of a bulk subscription.
public struct SymbolSubscriptionResult: Sendable, Hashable {
  public let symbol: Symbol
  public let outcome: SymbolSubscriptionOutcome
}

/// What a bulk subscription did: per-symbol results and the upstream changes it implies.
public struct SubscriptionChange: Sendable, Hashable {
  /// One result per distinct requested symbol, in request order.
  public let results: [SymbolSubscriptionResult]
  /// Symbols that went upstream.
  public let upstreamAdded: [Symbol]
  /// Symbols that left upstream (evicted).
  public let upstreamRemoved: [Symbol]

  init(results: [SymbolSubscriptionResult], before: Set<Symbol>, after: Set<Symbol>) {
    self.results = results
    upstreamAdded = after.subtracting(before).sorted { $0.value < $1.value }
    upstreamRemoved = before.subtracting(after).sorted { $0.value < $1.value }
  }

  /// The evictions, in the order they happened.
  public var evictions: [Eviction] {
    results.compactMap { if case .acceptedEvicting(let eviction) = $0.outcome { eviction } else { nil } }
  }
}

/// What an unsubscribe did.
public struct UnsubscribeChange: Sendable, Hashable {
  /// Symbols the client held and no longer does.
  public let removed: [Symbol]
  /// Symbols the client did not hold.
  public let notSubscribed: [Symbol]
  /// Symbols that left upstream because their last holder let go.
  public let upstreamRemoved: [Symbol]
}

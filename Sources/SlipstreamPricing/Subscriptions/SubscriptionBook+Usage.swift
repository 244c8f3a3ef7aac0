public import SlipstreamDomain

/// One held subscription.
public struct HeldSubscription: Sendable, Hashable {
  public let symbol: Symbol
  public let client: String
  public let priority: SubscriptionPriority
  public let since: Timestamp
}

/// Capacity and who holds it.
public struct SubscriptionUsage: Sendable, Hashable {
  public let capacity: Int
  /// Upstream slots in use.
  public let used: Int
  /// Slots per priority (a slot counts at the highest priority holding it).
  public let byPriority: [SubscriptionPriority: Int]
  /// Subscriptions per client.
  public let byClient: [String: Int]
  /// Every subscription of the asked-for client (or of all), by symbol then client.
  public let subscriptions: [HeldSubscription]
}

extension SubscriptionBook {
  /// Usage of the whole book; subscriptions only of `client` when given.
  public func usage(client: String? = nil) -> SubscriptionUsage {
    var byPriority: [SubscriptionPriority: Int] = [:]
    for entry in entries.values { byPriority[entry.priority, default: 0] += 1 }
    var subscriptions: [HeldSubscription] = []
    for (symbol, entry) in entries {
      for (holder, holding) in entry.holders where client == nil || client == holder {
        subscriptions.append(HeldSubscription(symbol: symbol, client: holder, priority: holding.priority, since: holding.since))
      }
    }
    subscriptions.sort { ($0.symbol.value, $0.client) < ($1.symbol.value, $1.client) }
    return SubscriptionUsage(
      capacity: capacity,
      used: used,
      byPriority: byPriority,
      byClient: byClient.mapValues(\.count),
      subscriptions: subscriptions
    )
  }
}

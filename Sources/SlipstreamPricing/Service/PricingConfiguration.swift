/// How a pricing service behaves. Every field has a default.
public struct PricingConfiguration: Sendable, Hashable {
  /// Upstream symbol cap (Alpaca's free stream allows 30).
  public var capacity: Int
  /// Quotes older than this fail `GetQuote` (and are listed as stale by `GetQuotes`) unless
  /// the request sets its own limit.
  public var stalenessLimit: Duration
  /// Most symbols one request may name.
  public var maximumSymbolsPerRequest: Int
  /// Longest accepted client id, in bytes.
  public var maximumClientIDLength: Int
  /// The sharded deployment this replica is part of; nil for a single replica.
  public var shard: ShardAssignment?

  public init(
    capacity: Int = 30,
    stalenessLimit: Duration = .seconds(60),
    maximumSymbolsPerRequest: Int = 1_000,
    maximumClientIDLength: Int = 128,
    shard: ShardAssignment? = nil
  ) {
    self.capacity = capacity
    self.stalenessLimit = stalenessLimit
    self.maximumSymbolsPerRequest = maximumSymbolsPerRequest
    self.maximumClientIDLength = maximumClientIDLength
    self.shard = shard
  }
}

/// A replica's place in a sharded deployment.
public struct ShardAssignment: Sendable, Hashable {
  /// Every replica.
  public let map: ShardMap
  /// This replica.
  public let this: ShardReplica

  /// - Throws: ``ShardMapError/unknownSelf(_:)`` when `selfID` is not in the map.
  public init(map: ShardMap, selfID: String) throws(ShardMapError) {
    guard let this = map.replicas.first(where: { $0.id == selfID }) else { throw .unknownSelf(selfID) }
    self.map = map
    self.this = this
  }
}

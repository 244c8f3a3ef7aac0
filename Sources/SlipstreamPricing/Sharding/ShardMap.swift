public import SlipstreamDomain

/// One pricing replica of a sharded deployment.
public struct ShardReplica: Sendable, Hashable, CustomStringConvertible, Codable {
  /// A stable name (`pricing-0`); hashing uses it, so renaming a replica moves its symbols.
  public let id: String
  /// Where clients reach it, `host:port`.
  public let address: String

  public init(id: String, address: String) {
    self.id = id
    self.address = address
  }

  public var description: String { "\(id) at \(address)" }
}

/// Which replica owns which symbol, by rendezvous (highest-random-weight) hashing: every
/// replica scores every symbol with a hash of (replica id, symbol) and the highest score
/// owns it. Adding a replica moves exactly the symbols it now wins, and removing one moves
/// only its own symbols. The hash is the same in every process and on every machine.
public struct ShardMap: Sendable, Hashable {
  /// Every replica, in configuration order.
  public let replicas: [ShardReplica]

  /// Creates a map.
  /// - Throws: ``ShardMapError`` for no replicas or duplicate ids.
  public init(replicas: [ShardReplica]) throws(ShardMapError) {
    guard !replicas.isEmpty else { throw .noReplicas }
    var seen = Set<String>()
    for replica in replicas {
      guard !replica.id.isEmpty else { throw .emptyID(address: replica.address) }
      guard seen.insert(replica.id).inserted else { throw .duplicateID(replica.id) }
    }
    self.replicas = replicas
  }

  /// The replica that owns `symbol`.
  public func owner(of symbol: Symbol) -> ShardReplica {
    var best = replicas[0]
    var bestScore = Self.score(replica: best.id, symbol: symbol.value)
    for replica in replicas.dropFirst() {
      let score = Self.score(replica: replica.id, symbol: symbol.value)
      if score > bestScore || (score == bestScore && replica.id < best.id) {
        best = replica
        bestScore = score
      }
    }
    return best
  }

  /// Groups `symbols` by owner, keeping their order within each group.
  public func partition(_ symbols: [Symbol]) -> [(replica: ShardReplica, symbols: [Symbol])] {
    var groups: [String: [Symbol]] = [:]
    for symbol in symbols { groups[owner(of: symbol).id, default: []].append(symbol) }
    return replicas.compactMap { replica in groups[replica.id].map { (replica, $0) } }
  }

  static func score(replica: String, symbol: String) -> UInt64 {
    StableHash.mix(StableHash.fnv1a64(replica + "\u{0}" + symbol))
  }
}

/// Why a shard map cannot be built.
public enum ShardMapError: Error, Sendable, Hashable, CustomStringConvertible {
  case noReplicas
  case emptyID(address: String)
  case duplicateID(String)
  case unknownSelf(String)
  /// A sharded client was given no client for this replica of its map.
  case noClient(String)

  public var description: String {
    switch self {
    case .noReplicas: "the shard map needs at least one replica"
    case .emptyID(let address): "the replica at \(address) has an empty id"
    case .duplicateID(let id): "replica id \(id) appears more than once; ids must be unique"
    case .unknownSelf(let id): "this replica's id \(id) is not in the replica list"
    case .noClient(let id): "no client for replica \(id); a sharded client needs one for every replica of its map"
    }
  }
}

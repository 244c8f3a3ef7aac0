import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamRPC
import Testing

@Suite("Rendezvous-hash shard map")
struct ShardMapTests {
  static let three = try! ShardMap(replicas: [
    ShardReplica(id: "pricing-0", address: "127.0.0.1:7000"),
    ShardReplica(id: "pricing-1", address: "127.0.0.1:7001"),
    ShardReplica(id: "pricing-2", address: "127.0.0.1:7002"),
  ])
  static let universe: [Symbol] = (0..<3_000).map { index in
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    var text = ""
    var value = index
    for _ in 0..<4 {
      text.append(letters[value % 26])
      value /= 26
    }
    return sym(text)
  }

  @Test("owners are stable across map instances and spread evenly")
  func stableAndEven() throws {
    let again = try ShardMap(replicas: Self.three.replicas.reversed())
    var counts: [String: Int] = [:]
    for symbol in Self.universe {
      let owner = Self.three.owner(of: symbol)
      #expect(again.owner(of: symbol) == owner)
      counts[owner.id, default: 0] += 1
    }
    for (id, count) in counts { #expect((800...1_200).contains(count), "\(id) owns \(count) of 3000") }
    // A fixed point, so a change to the hash (which would move symbols in production) fails here.
    #expect(Self.three.owner(of: sym("AAPL")).id == Self.fixedOwnerOfAAPL)
  }

  static let fixedOwnerOfAAPL = "pricing-0"

  @Test("adding a replica moves only the symbols it now owns; removing one moves only its own")
  func minimalMovement() throws {
    let four = try ShardMap(replicas: Self.three.replicas + [ShardReplica(id: "pricing-3", address: "127.0.0.1:7003")])
    var moved = 0
    for symbol in Self.universe {
      let before = Self.three.owner(of: symbol)
      let after = four.owner(of: symbol)
      if before != after {
        #expect(after.id == "pricing-3")
        moved += 1
      }
    }
    #expect((600...900).contains(moved), "\(moved) of 3000 moved to the new replica")
    let two = try ShardMap(replicas: Array(Self.three.replicas.prefix(2)))
    for symbol in Self.universe where Self.three.owner(of: symbol).id != "pricing-2" {
      #expect(two.owner(of: symbol) == Self.three.owner(of: symbol))
    }
  }

  @Test("partition groups symbols by owner in replica order, keeping request order")
  func partition() {
    let symbols = Array(Self.universe.prefix(50))
    let groups = Self.three.partition(symbols)
    #expect(groups.flatMap(\.symbols).count == 50)
    for (replica, part) in groups {
      #expect(part.allSatisfy { Self.three.owner(of: $0) == replica })
      #expect(part == symbols.filter { Self.three.owner(of: $0) == replica })
    }
  }

  @Test("bad replica lists are refused")
  func invalid() {
    #expect(throws: ShardMapError.noReplicas) { try ShardMap(replicas: []) }
    #expect(throws: ShardMapError.duplicateID("a")) {
      try ShardMap(replicas: [ShardReplica(id: "a", address: "x:1"), ShardReplica(id: "a", address: "x:2")])
    }
    #expect(throws: ShardMapError.unknownSelf("z")) { try ShardAssignment(map: Self.three, selfID: "z") }
    #expect("\(ShardMapError.duplicateID("a"))" == "replica id a appears more than once; ids must be unique")
  }

  @Test("a sharded client without a client for every replica is refused, naming the replica")
  func shardedClientNeedsEveryReplica() {
    let client = ShardedPricingClient.Client(RPCClient(transport: InProcessTransport(server: RPCServer(services: []))))
    #expect(throws: ShardMapError.noClient("pricing-2")) {
      try ShardedPricingClient(map: Self.three, clients: ["pricing-0": client, "pricing-1": client])
    }
    #expect(
      "\(ShardMapError.noClient("pricing-2"))"
        == "no client for replica pricing-2; a sharded client needs one for every replica of its map")
  }
}

import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamTransport

/// Replicas of a sharded deployment, each a pricing service behind its own TLS server.
///
/// A replica's shard map is fixed when its service is made, and it must name every replica's
/// real address (owner errors tell clients where to go), but a `GRPCServer` takes its services
/// before it binds. So the ports are reserved first: throw-away servers bind port 0 together
/// (so the kernel hands out distinct ports), report them and close; then the map is built
/// with those `127.0.0.1:PORT`s and the real servers bind them. If another process takes one
/// of the ports in between, that bind fails and the whole set is started again on new ports.
struct ShardedReplicas {
  let replicas: [PricingServerFixture]

  /// Starts `count` replicas with ids `pricing-0`, `pricing-1`, ... on reserved ports.
  /// - Parameters:
  ///   - capacity: Every replica's upstream symbol cap.
  ///   - configureServer: Adjusts every replica's server configuration.
  ///   - maps: Given the replicas (with their real addresses), the shard map each one runs with.
  /// - Throws: The last error when three attempts fail (a bind error, or `ShardMapError`
  ///   from `maps`).
  static func start(
    count: Int,
    capacity: Int = 30,
    configureServer: (inout GRPCServerConfiguration) -> Void = { _ in },
    maps: ([ShardReplica]) throws -> [ShardMap]
  ) async throws -> ShardedReplicas {
    var lastError: (any Error)?
    for _ in 0..<3 {
      let ports = try await reservePorts(count)
      let replicas = ports.enumerated().map { ShardReplica(id: "pricing-\($0.offset)", address: "127.0.0.1:\($0.element)") }
      let perReplica = try maps(replicas)
      var started: [PricingServerFixture] = []
      do {
        for (index, map) in perReplica.enumerated() {
          let shard = try ShardAssignment(map: map, selfID: replicas[index].id)
          started.append(try await PricingServerFixture.start(
            PricingConfiguration(capacity: capacity, shard: shard), port: ports[index], configureServer: configureServer))
        }
        return ShardedReplicas(replicas: started)
      } catch {
        for fixture in started { await fixture.stop() }
        lastError = error
      }
    }
    throw lastError!
  }

  private static func reservePorts(_ count: Int) async throws -> [Int] {
    let probes = (0..<count).map { _ in GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: []) }
    var ports: [Int] = []
    for probe in probes { ports.append(try await probe.start()) }
    for probe in probes { await probe.shutdownGracefully() }
    return ports
  }

  /// Runs `body` and stops every replica afterwards, also when `body` throws.
  func run(_ body: (ShardedReplicas) async throws -> Void) async throws {
    do {
      try await body(self)
      await stop()
    } catch {
      await stop()
      throw error
    }
  }

  func stop() async {
    for replica in replicas { await replica.stop() }
  }

  /// A sharded client over one new channel per replica.
  /// - Parameter configure: Adjusts each channel's configuration.
  func shardedClient(
    configure: (inout GRPCChannelConfiguration) -> Void = { _ in }
  ) throws -> (client: ShardedPricingClient, replicas: [String: PricingClient]) {
    let map = replicas[0].service.configuration.shard!.map
    var clients: [String: PricingClient] = [:]
    for replica in replicas where map.replicas.contains(replica.service.configuration.shard!.this) {
      clients[replica.service.configuration.shard!.this.id] = try replica.connect(configure: configure).client
    }
    return (try ShardedPricingClient(map: map, clients: clients), clients)
  }

  /// Pushes a quote for each of `symbols` on the feed of the replica that owns it.
  func push(_ symbols: [Symbol], bid: (Int) -> String, ask: String) {
    let map = replicas[0].service.configuration.shard!.map
    for (index, symbol) in symbols.enumerated() {
      let owner = replicas.first { $0.service.configuration.shard!.this == map.owner(of: symbol) }!
      owner.feed.push(quote(symbol.value, bid: bid(index), ask: ask))
    }
  }
}

import Logging
import SlipstreamDomain
@testable import SlipstreamPricing
import Testing

@Suite("Pricing settings")
struct PricingSettingsTests {
  static let logger = Logger(label: "test")

  struct Row: Sendable, CustomTestStringConvertible {
    let settings: PricingSettings
    let message: String
    var testDescription: String { message }
  }

  static func settings(_ change: (inout PricingSettings) -> Void) -> PricingSettings {
    var settings = PricingSettings()
    change(&settings)
    return settings
  }

  static let replicas = [ShardReplica(id: "p0", address: "127.0.0.1:1"), ShardReplica(id: "p1", address: "127.0.0.1:2")]

  @Test("every bad setting is refused naming it", arguments: [
    Row(settings: settings { $0.capacity = 0 }, message: "pricing.capacity: must be 1…100000, found 0"),
    Row(settings: settings { $0.stalenessLimitMs = 0 }, message: "pricing.staleness_limit_ms: must be positive, found 0"),
    Row(settings: settings { $0.maxSymbolsPerRequest = 100_001 }, message: "pricing.max_symbols_per_request: must be 1…100000, found 100001"),
    Row(settings: settings { $0.shard = .init(selfId: "p0", replicas: []) }, message: "pricing.shard.replicas: list at least one replica"),
    Row(settings: settings { $0.shard = .init(selfId: nil, replicas: replicas) }, message: "pricing.shard.self_id: name this replica (one of the replica ids)"),
    Row(settings: settings { $0.shard = .init(selfId: "p9", replicas: replicas) }, message: "pricing.shard: this replica's id p9 is not in the replica list"),
    Row(settings: settings { $0.shard = .init(selfId: "p0", replicas: replicas + [replicas[0]]) }, message: "pricing.shard: replica id p0 appears more than once; ids must be unique"),
    Row(settings: settings { $0.simulated = .init(ticksPerSecond: 0) }, message: "pricing.simulated.ticks_per_second: must be above 0 and at most 100000, found 0.0"),
    Row(settings: settings { $0.feed = "csv" }, message: "pricing.csv.path: the csv feed needs a file (--csv FILE)"),
    Row(settings: settings { $0.csv = .init(path: "/x.csv", speed: -1) }, message: "pricing.csv.speed: must be 0 (as fast as possible) or positive, found -1.0"),
    Row(settings: settings { $0.feed = "alpaca"; $0.alpaca = .init(url: "ftp://x", keyId: "k", secret: "s") }, message: "pricing.alpaca.url: "),
  ])
  func refused(row: Row) {
    #expect {
      _ = try row.settings.resolve(now: { .epoch }, logger: Self.logger)
    } throws: { error in
      "\(error)".hasPrefix(row.message)
    }
  }

  @Test("defaults: the simulated feed, capacity 30, 60 s staleness, no shard")
  func defaults() throws {
    let (configuration, feed) = try PricingSettings().resolve(now: { .epoch }, logger: Self.logger)
    #expect(configuration == PricingConfiguration())
    #expect(feed.name == "simulated")
  }

  @Test("a valid shard makes this replica one of the map")
  func shard() throws {
    let settings = Self.settings { $0.shard = .init(selfId: "p1", replicas: Self.replicas) }
    let (configuration, _) = try settings.resolve(now: { .epoch }, logger: Self.logger)
    #expect(configuration.shard?.this == Self.replicas[1])
    #expect(configuration.shard?.map.replicas == Self.replicas)
  }
}

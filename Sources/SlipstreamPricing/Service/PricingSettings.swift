public import Logging
import SlipstreamAlpaca
public import SlipstreamDomain

/// The `pricing` section of the service's configuration (file, environment
/// `PRICING__…`, and the executable's flags), before validation. Every field is optional;
/// ``resolve(now:logger:)`` fills defaults and checks values.
///
/// ```json
/// "pricing": {
///   "feed": "simulated",                       // simulated | csv | alpaca
///   "capacity": 30,                            // upstream symbol cap
///   "staleness_limit_ms": 60000,
///   "max_symbols_per_request": 1000,
///   "simulated": { "seed": 42, "ticks_per_second": 10 },
///   "csv": { "path": "quotes.csv", "speed": 1 },          // speed 0: as fast as possible
///   "alpaca": { "url": "wss://stream.data.alpaca.markets/v2/iex", "key_id": "…", "secret": "…" },
///   "shard": { "self_id": "pricing-0", "replicas": [ { "id": "pricing-0", "address": "10.0.0.5:50061" } ] }
/// }
/// ```
public struct PricingSettings: Decodable, Sendable, Hashable {
  public struct Simulated: Decodable, Sendable, Hashable {
    public var seed: UInt64?
    public var ticksPerSecond: Double?
    public init(seed: UInt64? = nil, ticksPerSecond: Double? = nil) {
      self.seed = seed
      self.ticksPerSecond = ticksPerSecond
    }
  }

  public struct CSV: Decodable, Sendable, Hashable {
    public var path: String?
    public var speed: Double?
    public init(path: String? = nil, speed: Double? = nil) {
      self.path = path
      self.speed = speed
    }
  }

  public struct Alpaca: Decodable, Sendable, Hashable {
    public var url: String?
    public var keyId: String?
    public var secret: String?
    public init(url: String? = nil, keyId: String? = nil, secret: String? = nil) {
      self.url = url
      self.keyId = keyId
      self.secret = secret
    }
  }

  public struct Shard: Decodable, Sendable, Hashable {
    public var selfId: String?
    public var replicas: [ShardReplica]?
    public init(selfId: String? = nil, replicas: [ShardReplica]? = nil) {
      self.selfId = selfId
      self.replicas = replicas
    }
  }

  public var feed: String?
  public var capacity: Int?
  public var stalenessLimitMs: Int?
  public var maxSymbolsPerRequest: Int?
  public var simulated: Simulated?
  public var csv: CSV?
  public var alpaca: Alpaca?
  public var shard: Shard?

  public init() {}

  /// The feeds a service can run.
  public static let feeds = ["simulated", "csv", "alpaca"]

  /// Checks the settings and builds the service configuration and its feed.
  /// - Throws: ``PricingSettingsError`` naming the setting and what is wrong.
  public func resolve(
    now: @escaping @Sendable () -> Timestamp, logger: Logger
  ) throws(PricingSettingsError) -> (configuration: PricingConfiguration, feed: any QuoteFeed) {
    var configuration = PricingConfiguration()
    if let capacity {
      guard (1...100_000).contains(capacity) else { throw .invalid("pricing.capacity", "must be 1…100000, found \(capacity)") }
      configuration.capacity = capacity
    }
    if let stalenessLimitMs {
      guard stalenessLimitMs > 0 else { throw .invalid("pricing.staleness_limit_ms", "must be positive, found \(stalenessLimitMs)") }
      configuration.stalenessLimit = .milliseconds(stalenessLimitMs)
    }
    if let maxSymbolsPerRequest {
      guard (1...100_000).contains(maxSymbolsPerRequest) else {
        throw .invalid("pricing.max_symbols_per_request", "must be 1…100000, found \(maxSymbolsPerRequest)")
      }
      configuration.maximumSymbolsPerRequest = maxSymbolsPerRequest
    }
    if let shard {
      guard let replicas = shard.replicas, !replicas.isEmpty else { throw .invalid("pricing.shard.replicas", "list at least one replica") }
      guard let selfID = shard.selfId else { throw .invalid("pricing.shard.self_id", "name this replica (one of the replica ids)") }
      do {
        configuration.shard = try ShardAssignment(map: try ShardMap(replicas: replicas), selfID: selfID)
      } catch {
        throw .invalid("pricing.shard", "\(error)")
      }
    }
    return (configuration, try makeFeed(now: now, logger: logger))
  }

  private func makeFeed(now: @escaping @Sendable () -> Timestamp, logger: Logger) throws(PricingSettingsError) -> any QuoteFeed {
    switch feed ?? (csv?.path != nil ? "csv" : "simulated") {
    case "simulated":
      let rate = simulated?.ticksPerSecond ?? 10
      guard rate > 0, rate <= 100_000 else {
        throw .invalid("pricing.simulated.ticks_per_second", "must be above 0 and at most 100000, found \(rate)")
      }
      return SimulatedFeed(seed: simulated?.seed ?? 42, ticksPerSecond: rate, now: now)
    case "csv":
      guard let path = csv?.path else { throw .invalid("pricing.csv.path", "the csv feed needs a file (--csv FILE)") }
      let speed = csv?.speed ?? 1
      guard speed >= 0, speed.isFinite else { throw .invalid("pricing.csv.speed", "must be 0 (as fast as possible) or positive, found \(speed)") }
      do {
        return try CSVReplayFeed(path: path, speed: speed == 0 ? .asFastAsPossible : .multiplied(speed), now: now)
      } catch {
        throw .invalid("pricing.csv.path", "\(error)")
      }
    case "alpaca":
      guard let key = alpaca?.keyId, !key.isEmpty, let secret = alpaca?.secret, !secret.isEmpty else {
        throw .invalid(
          "pricing.alpaca", "the alpaca feed needs key_id and secret (PRICING__ALPACA__KEY_ID / PRICING__ALPACA__SECRET, or APCA_API_KEY_ID / APCA_API_SECRET_KEY)")
      }
      do {
        let configuration = try AlpacaStreamConfiguration(url: alpaca?.url ?? AlpacaStreamConfiguration.iexURL, keyID: key, secret: secret)
        return AlpacaQuoteFeed(configuration: configuration, clock: now, logger: logger)
      } catch {
        throw .invalid("pricing.alpaca.url", "\(error)")
      }
    case let other:
      throw .invalid("pricing.feed", "unknown feed \"\(other)\"; use \(Self.feeds.joined(separator: ", "))")
    }
  }
}

/// A pricing setting that cannot be used.
public struct PricingSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The setting's key path, e.g. `pricing.capacity`.
  public let key: String
  /// What is wrong.
  public let problem: String

  static func invalid(_ key: String, _ problem: String) -> Self { Self(key: key, problem: problem) }

  public var description: String { "\(key): \(problem)" }
}

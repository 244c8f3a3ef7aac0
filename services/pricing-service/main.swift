import ArgumentParser
import Foundation
import SlipstreamDomain
import SlipstreamPricing
import SlipstreamServiceRuntime

/// `pricing-service`: quote subscriptions with priorities under the upstream cap, the quote
/// cache and quote streams, on the simulated market (default), a CSV replay or Alpaca.
@main
struct PricingServiceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pricing-service",
    abstract: "Slipstream's pricing service: bulk quote subscriptions with priorities, quote cache, quote streams.",
    discussion: CoreFlags.discussion + "\n\n"
      + "Pricing settings live in the config file's \"pricing\" section and in PRICING__* variables "
      + "(e.g. PRICING__CAPACITY=50, PRICING__ALPACA__SECRET=...); the flags below win over both.\n\n"
      + "Feeds: \"simulated\" (default; seeded and reproducible), \"csv\" (replays a file with the columns "
      + "timestamp,symbol,bid,ask,bid_size,ask_size), \"alpaca\" (Alpaca's stock quote stream; keys from "
      + "PRICING__ALPACA__KEY_ID / PRICING__ALPACA__SECRET or APCA_API_KEY_ID / APCA_API_SECRET_KEY).\n"
  )

  @OptionGroup var core: CoreFlags

  @Option(help: ArgumentHelp("Quote feed: simulated, csv or alpaca (pricing.feed).", valueName: "feed"))
  var feed: String?

  @Option(help: ArgumentHelp("Replay quotes from this CSV file; implies --feed csv (pricing.csv.path).", valueName: "file"))
  var csv: String?

  @Option(help: ArgumentHelp("CSV replay speed: 1 real time, 10 ten times faster, 0 as fast as possible (pricing.csv.speed).", valueName: "factor"))
  var csvSpeed: Double?

  @Option(help: ArgumentHelp("Upstream symbol cap (pricing.capacity). Default: 30.", valueName: "symbols"))
  var capacity: Int?

  @Option(help: ArgumentHelp("Seed of the simulated market (pricing.simulated.seed). Default: 42.", valueName: "seed"))
  var seed: UInt64?

  @Option(help: ArgumentHelp("Simulated quotes per second per symbol (pricing.simulated.ticks_per_second). Default: 10.", valueName: "rate"))
  var ticksPerSecond: Double?

  func run() async throws {
    let configuration = try ServiceConfiguration.load(
      service: "pricing-service", flags: core, defaults: ServerDefaults(port: 50061, metricsPort: .port(9461)))
    var settings = try configuration.section("pricing", as: PricingSettings.self)
    apply(to: &settings)
    let runtime = try ServiceRuntime(configuration: configuration)
    let now: @Sendable () -> Timestamp = { Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e9)) }
    let resolved: (configuration: PricingConfiguration, feed: any QuoteFeed)
    do {
      resolved = try settings.resolve(now: now, logger: runtime.makeLogger(label: "slipstream.pricing.feed"))
    } catch {
      throw ValidationError("\(error)")
    }
    let service = PricingService(
      configuration: resolved.configuration, feed: resolved.feed, now: now, logger: runtime.makeLogger(label: "slipstream.pricing"))
    runtime.logger.info("pricing feed ready", metadata: [
      "feed": "\(resolved.feed.name)", "capacity": "\(resolved.configuration.capacity)",
      "shard": "\(resolved.configuration.shard.map { "\($0.this.id) of \($0.map.replicas.count)" } ?? "none")",
    ])
    try await runtime.run(services: [service], background: [BackgroundService("\(resolved.feed.name)-feed") { try await service.run() }])
  }

  /// Flags win over the file and the environment.
  private func apply(to settings: inout PricingSettings) {
    let environment = ProcessInfo.processInfo.environment
    if let feed { settings.feed = feed }
    if let csv {
      settings.csv = PricingSettings.CSV(path: csv, speed: settings.csv?.speed)
      if feed == nil { settings.feed = "csv" }
    }
    if let csvSpeed { settings.csv = PricingSettings.CSV(path: settings.csv?.path, speed: csvSpeed) }
    if let capacity { settings.capacity = capacity }
    if seed != nil || ticksPerSecond != nil {
      settings.simulated = PricingSettings.Simulated(
        seed: seed ?? settings.simulated?.seed, ticksPerSecond: ticksPerSecond ?? settings.simulated?.ticksPerSecond)
    }
    // Alpaca's own variable names, when the PRICING__ ones are not set.
    var alpaca = settings.alpaca ?? PricingSettings.Alpaca()
    if alpaca.keyId == nil { alpaca.keyId = environment["APCA_API_KEY_ID"] }
    if alpaca.secret == nil { alpaca.secret = environment["APCA_API_SECRET_KEY"] }
    settings.alpaca = alpaca
  }
}

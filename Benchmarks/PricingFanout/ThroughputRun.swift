import NIOCore
import SlipstreamDomain

/// One throughput row: a publisher pushes quotes into the hub as fast as `publish` returns,
/// round-robin over the symbols, for `duration`; the subscribers count what arrives.
struct ThroughputResult: Sendable {
  let subscribers: Int
  let symbols: Int
  let connections: Int
  let seconds: Double
  /// Quotes the hub accepted (each offered to every subscriber's mailbox).
  let published: Int
  /// Mailbox offers (published × subscribers).
  let offered: Int
  /// Messages the subscribers received.
  let delivered: Int
  /// Quotes conflated away (a newer quote replaced an unsent one), as the messages report.
  let skipped: Int
  let cpu: CPUShares
}

enum ThroughputRun {
  static func run(
    subscribers: Int, symbolCount: Int, options: FanoutOptions, groups: FanoutGroups, pki: FanoutPKI
  ) async throws -> ThroughputResult {
    let connections = options.connectionCount(for: subscribers)
    let rig = try await FanoutRig.start(
      subscribers: subscribers, symbols: FanoutSymbols.first(symbolCount), connections: connections,
      recordLatency: false, client: options.client, groups: groups, pki: pki)
    return try await rig.measure { try await measure($0, duration: options.duration, groups: groups) }
  }

  private static func measure(_ rig: FanoutRig, duration: Double, groups: FanoutGroups) async throws -> ThroughputResult {
    let hub = rig.service.hub
    let (symbols, deliver) = (rig.symbols, rig.deliver)
    let before = (hub.statistics, rig.received, rig.skipped, groups.roles.read(), Monotonic.now())
    let deadline = before.4 + Int64(duration * 1e9)
    // The publisher owns its event-loop thread for the whole run.
    _ = try await groups.publisher.next().submit {
      let maker = TickMaker()
      var index = 0
      while Monotonic.now() < deadline {
        for _ in 0..<64 {
          deliver(maker.quote(symbols[index % symbols.count], at: Monotonic.now()))
          index &+= 1
        }
      }
      return index
    }.get()
    let after = (hub.statistics, rig.received, rig.skipped, groups.roles.read(), Monotonic.now())
    if let failure = rig.streamFailures.first { throw FanoutRunError(description: "a stream failed: \(failure)") }
    return ThroughputResult(
      subscribers: rig.tallies.count, symbols: symbols.count, connections: rig.connections,
      seconds: Double(after.4 - before.4) / 1e9,
      published: Int(after.0.accepted - before.0.accepted), offered: Int(after.0.offered - before.0.offered),
      delivered: after.1 - before.1, skipped: after.2 - before.2,
      cpu: ThreadRoles.shares(from: before.3, to: after.3))
  }
}

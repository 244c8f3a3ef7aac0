import NIOCore
import SlipstreamDomain
import Synchronization

/// One latency row: one symbol ticks at `rate` per second; every subscriber records when each
/// tick arrives (monotonic clock, same process as the publisher).
struct LatencyResult: Sendable {
  let subscribers: Int
  let connections: Int
  let ticks: Int
  let rate: Double
  /// Receive − publish, every (subscriber, tick) pair that arrived.
  let perSubscriber: Percentiles
  /// Per tick: until the last subscriber has it (ticks every subscriber received).
  let lastSubscriber: Percentiles
  /// How long `hub.publish` took (validate, encode, offer to every mailbox).
  let publishCall: Percentiles
  /// Ticks some subscriber never received as such (conflated into a later one).
  let incompleteTicks: Int
  let cpu: CPUShares
}

/// p50 / p99 / max of a sample, in nanoseconds.
struct Percentiles: Sendable {
  let count: Int
  let p50: Int64
  let p99: Int64
  let max: Int64

  init(_ samples: [Int64]) {
    let sorted = samples.sorted()
    count = sorted.count
    func rank(_ percent: Int) -> Int64 {
      guard !sorted.isEmpty else { return 0 }
      // Nearest rank: the smallest value with at least `percent`% of the sample at or below it.
      let index = (sorted.count * percent + 99) / 100 - 1
      return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
    }
    p50 = rank(50)
    p99 = rank(99)
    max = sorted.last ?? 0
  }
}

enum LatencyRun {
  static func run(subscribers: Int, rate: Int, options: FanoutOptions, groups: FanoutGroups, pki: FanoutPKI) async throws -> LatencyResult {
    let connections = options.connectionCount(for: subscribers)
    let rig = try await FanoutRig.start(
      subscribers: subscribers, symbols: FanoutSymbols.first(1), connections: connections, recordLatency: true,
      client: options.client, groups: groups, pki: pki)
    return try await rig.measure { try await measure($0, rate: Double(rate), duration: options.duration, groups: groups) }
  }

  private static func measure(_ rig: FanoutRig, rate: Double, duration: Double, groups: FanoutGroups) async throws -> LatencyResult {
    let symbol = rig.symbols[0]
    let deliver = rig.deliver
    let ticks = max(1, Int(duration * rate))
    // Let the warm-up ticks drain, then start from the hub's current sequence.
    try await waitUntil(rig, hasSequence: rig.service.hub.latest(symbol)?.sequence ?? 0, timeout: .seconds(10))
    let base = rig.service.hub.latest(symbol)?.sequence ?? 0
    let cpuBefore = groups.roles.read()

    let published = Atomic<Int>(0)
    let publishCalls = Mutex<[Int64]>([])
    let loop = groups.publisher.next()
    let done = loop.makePromise(of: Void.self)
    let interval = TimeAmount.nanoseconds(Int64(1e9 / rate))
    loop.scheduleRepeatedTask(initialDelay: .zero, delay: interval, notifying: done) { task in
      guard published.wrappingAdd(1, ordering: .relaxed).newValue <= ticks else {
        task.cancel()
        return
      }
      let start = Monotonic.now()
      deliver(TickMaker().quote(symbol, at: start))
      let took = Monotonic.now() - start
      publishCalls.withLock { $0.append(took) }
    }
    try await done.futureResult.get()
    let last = base + UInt64(ticks)
    try await waitUntil(rig, hasSequence: last, timeout: .seconds(10))
    let cpu = ThreadRoles.shares(from: cpuBefore, to: groups.roles.read())

    var perSubscriber: [Int64] = []
    perSubscriber.reserveCapacity(ticks * rig.tallies.count)
    var slowest = [Int64](repeating: 0, count: ticks)
    var arrivals = [Int](repeating: 0, count: ticks)
    for tally in rig.tallies {
      for (sequence, latency) in tally.latencies(in: (base + 1)...last) {
        let tick = Int(sequence - base - 1)
        perSubscriber.append(latency)
        slowest[tick] = max(slowest[tick], latency)
        arrivals[tick] += 1
      }
    }
    let complete = (0..<ticks).filter { arrivals[$0] == rig.tallies.count }
    return LatencyResult(
      subscribers: rig.tallies.count, connections: rig.connections, ticks: ticks, rate: rate,
      perSubscriber: Percentiles(perSubscriber), lastSubscriber: Percentiles(complete.map { slowest[$0] }),
      publishCall: Percentiles(publishCalls.withLock { $0 }), incompleteTicks: ticks - complete.count, cpu: cpu)
  }

  /// Waits until every subscriber has received `sequence` (or a later quote).
  private static func waitUntil(_ rig: FanoutRig, hasSequence sequence: UInt64, timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    while rig.tallies.contains(where: { $0.lastSequence < sequence }) {
      if let failure = rig.streamFailures.first { throw FanoutRunError(description: "a stream failed: \(failure)") }
      guard ContinuousClock.now < deadline else {
        let behind = rig.tallies.filter { $0.lastSequence < sequence }.count
        throw FanoutRunError(description: "\(behind) subscribers did not receive quote \(sequence) within \(timeout)")
      }
      try await Task.sleep(for: .milliseconds(5))
    }
  }
}

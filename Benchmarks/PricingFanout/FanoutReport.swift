/// Prints the figures as Markdown tables (pasteable into BENCHMARKS.md).
enum FanoutReport {
  static func header(_ options: FanoutOptions, cores: Int, groups: FanoutGroups) {
    print("# Pricing fan-out over loopback TLS (127.0.0.1, TLS 1.3, HTTP/2)")
    print("")
    print("- One process: the pricing server, every subscriber and the publisher share this machine's \(cores) CPU core(s).")
    print(
      "- Server: GRPCServer on \(options.serverThreads) event-loop thread(s)\(options.pin ? " pinned to CPU 0" : "");"
        + " its StreamQuotes handlers run on the Swift concurrency pool (not pinned).")
    print(
      "- Subscribers: SubscribeBulk then StreamQuotes over the RPC client, "
        + (options.client == .decode
          ? "each decoding every message with the generated PricingService.Client;"
          : "reading each message as raw bytes and parsing only skipped, quote.sequence and quote.timestamp_ns (--client lean);")
        + " \(options.clientThreads) client event-loop thread(s)\(options.pin ? " pinned to CPU 1" : "")"
        + " run their connections and their tasks. Publisher: one thread\(options.pin ? " pinned to CPU 1" : "") calling hub.publish.")
    print("- Threads (kernel ids): server \(groups.roles.server), client \(groups.roles.client), publisher \(groups.roles.publisher).")
    print("")
  }

  static func throughput(_ results: [ThroughputResult], duration: Double) {
    print("## Throughput (\(format(duration)) s per row; the publisher publishes as fast as hub.publish returns)")
    print("")
    print("Conflation is expected: a subscriber slower than the feed gets the latest quote per symbol; the quotes it")
    print("never saw are counted as skipped, not delivered.")
    print("")
    print("| subscribers | symbols | TLS conns | published/s | offered/s | **delivered/s** | skipped (conflated)/s | delivered per server CPU-s | CPU s: server loop / pool / publisher / client loops / total |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in results {
      let server = row.cpu.serverLoops + row.cpu.pool
      print(
        "| \(group(row.subscribers)) | \(row.symbols) | \(row.connections) | \(rate(row.published, row.seconds))"
          + " | \(rate(row.offered, row.seconds)) | **\(rate(row.delivered, row.seconds))** | \(rate(row.skipped, row.seconds))"
          + " | \(server > 0 ? group(Int(Double(row.delivered) / server)) : "n/a")"
          + " | \(cpu(row.cpu)) |")
    }
    print("")
    print("delivered per server CPU-s = delivered ÷ (server event loop + Swift pool CPU seconds); the pool also holds")
    print("anything else not on a named thread. The publisher's CPU (hub.publish: validate, encode once, offer to every")
    print("mailbox) is shown apart because it spins.")
    print("")
  }

  static func latency(_ results: [LatencyResult]) {
    print("## Tick-to-subscriber latency (one symbol, ticks paced by the publisher)")
    print("")
    print("| subscribers | TLS conns | ticks @ rate | per subscriber p50 / p99 / max | **last of N subscribers** p50 / p99 / max | hub.publish p50 / p99 | ticks not seen by all | CPU s: server loop / pool / publisher / client loops / total |")
    print("|---:|---:|---:|---|---|---|---:|---|")
    for row in results {
      print(
        "| \(group(row.subscribers)) | \(row.connections) | \(group(row.ticks)) @ \(format(row.rate))/s"
          + " | \(micros(row.perSubscriber)) | **\(micros(row.lastSubscriber))**"
          + " | \(duration(row.publishCall.p50)) / \(duration(row.publishCall.p99)) | \(row.incompleteTicks) | \(cpu(row.cpu)) |")
    }
    print("")
    print("Latency = subscriber's receive instant (after reading the message) − the instant hub.publish was called,")
    print("both CLOCK_MONOTONIC in this process. \"Last of N\" is, per tick, the time until the slowest subscriber had it.")
    print("")
  }

  // MARK: Formatting

  static func group(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return value < 0 ? "-" + out : out
  }

  static func rate(_ count: Int, _ seconds: Double) -> String { group(Int((Double(count) / seconds).rounded())) }

  static func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
  }

  static func duration(_ nanoseconds: Int64) -> String {
    if nanoseconds >= 10_000_000 { return "\(nanoseconds / 1_000_000) ms" }
    if nanoseconds >= 1_000 { return "\(group(Int(nanoseconds / 1_000))) µs" }
    return "\(nanoseconds) ns"
  }

  static func micros(_ p: Percentiles) -> String {
    p.count == 0 ? "n/a" : "\(duration(p.p50)) / \(duration(p.p99)) / \(duration(p.max))"
  }

  static func cpu(_ shares: CPUShares) -> String {
    [shares.serverLoops, shares.pool, shares.publisher, shares.clientLoops, shares.total]
      .map { String(($0 * 100).rounded() / 100) }.joined(separator: " / ")
  }
}

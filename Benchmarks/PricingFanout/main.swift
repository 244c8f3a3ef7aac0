// pricing-fanout: quotes delivered per second through the pricing service's fan-out, and
// tick-to-subscriber latency, over loopback TLS. A program that prints figures, not a test.
//
//   swift run -c release pricing-fanout [--duration S] [--subscribers 1,1000] [--quick]

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

let options: FanoutOptions
do {
  options = try FanoutOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
  if let message = error.message { print("pricing-fanout: \(message)") }
  print(FanoutOptions.usage)
  exit(error.message == nil ? 0 : 2)
}

let groups = try await FanoutGroups.make(options)
let pki = try FanoutPKI.make()
FanoutReport.header(options, cores: System.coreCount, groups: groups)

do {
  if options.runThroughput {
    var rows: [ThroughputResult] = []
    for subscribers in options.subscribers {
      for symbols in options.symbolCounts {
        rows.append(try await ThroughputRun.run(
          subscribers: subscribers, symbolCount: symbols, options: options, groups: groups, pki: pki))
      }
    }
    FanoutReport.throughput(rows, duration: options.duration)
  }
  if options.runLatency {
    var rows: [LatencyResult] = []
    for subscribers in options.subscribers {
      for rate in options.tickRates {
        rows.append(try await LatencyRun.run(subscribers: subscribers, rate: rate, options: options, groups: groups, pki: pki))
      }
    }
    FanoutReport.latency(rows)
  }
} catch {
  print("pricing-fanout: \(error)")
  await groups.shutdown()
  exit(1)
}
await groups.shutdown()

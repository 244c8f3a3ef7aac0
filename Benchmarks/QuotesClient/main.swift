// slipstream-quotes-client: the client side of the benchmark. Drives /bench.Quotes/GetQuote
// (served by slipstream-quotes-server or a peer) through RPCClient over one GRPCChannel and
// prints calls per second and this process's CPU per call, so the client stack the SDK and
// the services use (RPCClient, GRPCChannel) is measured too, not only servers.
//
// Plaintext (h2c): TLS costs both sides the same whatever the RPC layer does. A program that
// prints figures, not a test.
import ArgumentParser
import NIOPosix
import SlipstreamRPC
import SlipstreamTransport

#if canImport(Glibc)
import Glibc
#endif

@main
struct QuotesClient: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slipstream-quotes-client",
    abstract: "Calls bench.Quotes/GetQuote through RPCClient and prints calls/s and client CPU per call.")

  @Option(help: "The server's host.") var host = "127.0.0.1"
  @Option(help: "The server's port (h2c).") var port: Int
  @Option(help: "Callers running at once, each making one call after another.") var concurrency = 16
  @Option(help: "Seconds to measure, after 1,000 warm-up calls.") var duration = 5.0
  @Option(name: .customLong("timeout-ms"), help: "A timeout on every call, in milliseconds (none when omitted).")
  var timeoutMilliseconds: Int?
  @Option(help: "Where the callers run: pool (Swift's global executor) or event-loop (the channel's own event loop, as a task executor).")
  var callers = "pool"

  func validate() throws {
    guard concurrency > 0, duration > 0, timeoutMilliseconds.map({ $0 > 0 }) ?? true else {
      throw ValidationError("--concurrency, --duration and --timeout-ms must be positive.")
    }
    guard ["pool", "event-loop"].contains(callers) else {
      throw ValidationError("--callers must be pool or event-loop, not \(callers).")
    }
  }

  func run() async throws {
    let getQuote = MethodDescriptor(service: "bench.Quotes", method: "GetQuote")
    let request = Array("EURUSD|0000000001".utf8)
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel = try GRPCChannel(configuration: GRPCChannelConfiguration(
      endpoints: [.init(host: host, port: port)], security: .plaintext), group: loops)
    let executor = callers == "event-loop" ? channel.executor : nil
    let client = RPCClient(transport: channel)
    let options = CallOptions(timeout: timeoutMilliseconds.map { .milliseconds($0) })
    @Sendable func call() async throws {
      _ = try await client.unary(getQuote, request: request, serializer: RawBytesCodec(), deserializer: RawBytesCodec(), options: options)
    }

    for _ in 0..<1_000 { try await call() }  // connect, and let both sides warm up

    let cpuBefore = Self.processCPUSeconds()
    let start = ContinuousClock.now
    let end = start.advanced(by: .milliseconds(Int64(duration * 1000)))
    let calls = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<concurrency {
        group.addTask(executorPreference: executor) {
          var count = 0
          while ContinuousClock.now < end {
            try await call()
            count += 1
          }
          return count
        }
      }
      var total = 0
      for try await count in group { total += count }
      return total
    }
    let elapsed = start.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let cpu = Self.processCPUSeconds() - cpuBefore
    let timeout = timeoutMilliseconds.map { "\($0) ms" } ?? "none"
    print("calls=\(calls) concurrency=\(concurrency) callers=\(callers) timeout=\(timeout) calls/s=\(Int(Double(calls) / seconds)) "
      + "client_cpu_us/call=\((cpu * 1e8 / Double(calls)).rounded() / 100)")
    await channel.close()
    try await loops.shutdownGracefully()
  }

  /// CPU seconds (user + system) this process has used so far.
  static func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }
}

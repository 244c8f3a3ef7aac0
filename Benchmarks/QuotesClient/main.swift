// slipstream-quotes-client: the client side of the benchmark. Drives /bench.Quotes/GetQuote
// (served by slipstream-quotes-server or a peer) through RPCClient over one GRPCChannel and
// prints calls per second and this process's CPU per call, so the client stack the SDK and
// the services use (RPCClient, GRPCChannel) is measured too, not only servers.
//
// Usage: slipstream-quotes-client --port P [--host H] [--concurrency N] [--duration S]
//          [--timeout-ms T]
//
// Plaintext (h2c): TLS costs both sides the same whatever the RPC layer does.
//
// A program that prints figures, not a test.
import Foundation
import NIOPosix
import SlipstreamRPC
import SlipstreamTransport

#if canImport(Glibc)
import Glibc
#endif

struct Options {
  var host = "127.0.0.1"
  var port = 50051
  var concurrency = 16
  var duration = 5.0
  var timeout: Duration?

  static let usage = "usage: slipstream-quotes-client --port P [--host H] [--concurrency N] [--duration S] [--timeout-ms T]"

  static func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var iterator = arguments.makeIterator()
    func value(_ flag: String) -> String {
      guard let value = iterator.next() else { fail("\(flag) needs a value") }
      return value
    }
    func number(_ flag: String) -> Double {
      let text = value(flag)
      guard let number = Double(text), number > 0 else { fail("\(flag) wants a positive number, got '\(text)'") }
      return number
    }
    while let argument = iterator.next() {
      switch argument {
      case "--host": options.host = value(argument)
      case "--port": options.port = Int(number(argument))
      case "--concurrency": options.concurrency = Int(number(argument))
      case "--duration": options.duration = number(argument)
      case "--timeout-ms": options.timeout = .milliseconds(Int64(number(argument)))
      case "-h", "--help":
        print(usage)
        exit(0)
      default: fail("unknown argument '\(argument)'")
      }
    }
    return options
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("slipstream-quotes-client: \(message)\n\(usage)\n".utf8))
    exit(2)
  }
}

/// CPU seconds (user + system) this process has used so far.
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let getQuote = MethodDescriptor(service: "bench.Quotes", method: "GetQuote")
let request = Array("EURUSD|0000000001".utf8)

let channel = try GRPCChannel(configuration: GRPCChannelConfiguration(
  endpoints: [.init(host: options.host, port: options.port)], security: .plaintext))
let client = RPCClient(transport: channel)
let callOptions = CallOptions(timeout: options.timeout)

// Warm up: connect, and let both sides reach a steady state.
for _ in 0..<1_000 {
  _ = try await client.unary(getQuote, request: request, serializer: RawBytesCodec(), deserializer: RawBytesCodec(), options: callOptions)
}

let cpuBefore = processCPUSeconds()
let start = ContinuousClock.now
let end = start.advanced(by: .milliseconds(Int64(options.duration * 1000)))
let calls = try await withThrowingTaskGroup(of: Int.self) { group in
  for _ in 0..<options.concurrency {
    group.addTask {
      var count = 0
      while ContinuousClock.now < end {
        _ = try await client.unary(getQuote, request: request, serializer: RawBytesCodec(), deserializer: RawBytesCodec(), options: callOptions)
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
let cpu = processCPUSeconds() - cpuBefore
print(String(
  format: "calls=%d concurrency=%d timeout=%@ calls/s=%.0f client_cpu_us/call=%.2f",
  calls, options.concurrency, options.timeout.map { "\($0)" } ?? "none", Double(calls) / seconds, cpu * 1e6 / Double(calls)))
await channel.close()

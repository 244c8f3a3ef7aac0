/// What `pricing-fanout` measures, from its command line.
struct FanoutOptions: Sendable {
  /// Seconds each throughput row publishes for, and each latency row ticks for.
  var duration: Double = 5
  /// Subscriber counts, one row each.
  var subscribers: [Int] = [1, 1_000]
  /// Symbol counts of the throughput rows (each subscriber streams every symbol).
  var symbolCounts: [Int] = [1, 30]
  /// Ticks per second of the latency rows, one row per rate and subscriber count (a rate the
  /// stack cannot keep up with for N subscribers measures queueing, so a low one is included).
  var tickRates: [Int] = [200, 20]
  /// TLS connections the subscribers share; nil = one per 100 subscribers.
  var connections: Int?
  /// Event-loop threads of the server (its own group).
  var serverThreads = 1
  /// Event-loop threads of the clients (their own group; subscriber tasks run there too).
  var clientThreads = 1
  /// Pins the server's event-loop threads to CPU 0 and the clients' and the publisher's to CPU 1.
  var pin = false
  /// How the subscribers read their streams.
  enum Client: String, Sendable {
    /// Raw message bytes; only `skipped`, the quote's `sequence` and `timestamp_ns` are read.
    case lean
    /// The generated client, decoding every message in full (Decimal strings included).
    case decode
  }

  var client = Client.lean
  /// Which parts to run.
  var runThroughput = true
  var runLatency = true

  static let usage = """
    usage: pricing-fanout [--duration S] [--subscribers 1,1000] [--symbols 1,30] [--rates 200,20]
                          [--connections N] [--server-threads N] [--client-threads N] [--pin]
                          [--only throughput|latency] [--client lean|decode] [--quick]
      --client  lean (default): subscribers read raw bytes and only the fields the figures need;
                decode: the generated client decodes every message in full
      --quick   1 s per row (a smoke run; figures are noisier)
    """

  /// Parses `arguments` (without the program name).
  /// - Throws: ``FanoutUsageError`` naming the flag or value that is wrong.
  init(arguments: [String]) throws(FanoutUsageError) {
    var rest = arguments[...]
    func value(of flag: String) throws(FanoutUsageError) -> String {
      guard let value = rest.popFirst() else { throw FanoutUsageError("\(flag) needs a value") }
      return value
    }
    func number<T: LosslessStringConvertible & Comparable & Numeric>(_ flag: String, minimum: T) throws(FanoutUsageError) -> T {
      let text = try value(of: flag)
      guard let parsed = T(text), parsed >= minimum else { throw FanoutUsageError("\(flag): '\(text)' is not a number ≥ \(minimum)") }
      return parsed
    }
    func list(_ flag: String) throws(FanoutUsageError) -> [Int] {
      let text = try value(of: flag)
      let parsed = text.split(separator: ",").compactMap { Int($0.filter { $0 != "_" }) }
      guard !parsed.isEmpty, parsed.count == text.split(separator: ",").count, parsed.allSatisfy({ $0 >= 1 }) else {
        throw FanoutUsageError("\(flag): '\(text)' is not a comma-separated list of positive integers")
      }
      return parsed
    }
    while let flag = rest.popFirst() {
      switch flag {
      case "--duration": duration = try number(flag, minimum: 0.1)
      case "--subscribers": subscribers = try list(flag)
      case "--symbols": symbolCounts = try list(flag)
      case "--rates": tickRates = try list(flag)
      case "--connections": connections = try number(flag, minimum: 1)
      case "--server-threads": serverThreads = try number(flag, minimum: 1)
      case "--client-threads": clientThreads = try number(flag, minimum: 1)
      case "--pin": pin = true
      case "--quick": duration = 1
      case "--client":
        let text = try value(of: flag)
        guard let parsed = Client(rawValue: text) else { throw FanoutUsageError("--client: '\(text)'; use lean or decode") }
        client = parsed
      case "--only":
        switch try value(of: flag) {
        case "throughput": runLatency = false
        case "latency": runThroughput = false
        case let other: throw FanoutUsageError("--only: '\(other)'; use throughput or latency")
        }
      case "-h", "--help": throw FanoutUsageError(nil)
      default: throw FanoutUsageError("unknown option \(flag)")
      }
    }
    if let bad = symbolCounts.first(where: { $0 > FanoutSymbols.all.count }) {
      throw FanoutUsageError("--symbols: \(bad) symbols; at most \(FanoutSymbols.all.count)")
    }
  }

  /// Connections for `subscribers` subscribers.
  func connectionCount(for subscribers: Int) -> Int {
    connections ?? max(1, (subscribers + 99) / 100)
  }
}

/// A command line `pricing-fanout` cannot run; `message` is nil for `--help`.
struct FanoutUsageError: Error {
  let message: String?
  init(_ message: String?) { self.message = message }
}

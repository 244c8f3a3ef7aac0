import Foundation
import SlipstreamAPI
import SlipstreamDomain
import SlipstreamHTTP2
import SlipstreamLedger
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import SlipstreamWire

/// `ledger-bench`: durable trades per second through the ledger store (group commit; SQLite
/// in WAL with synchronous=FULL, PostgreSQL committing each batch) at several concurrency
/// levels, and the p50/p99 time from `record` to its acknowledgement (the commit).
///
///   swift run -c release ledger-bench [--duration S] [--concurrency 1,16,256,2048]
///                                     [--batch N] [--postgres-url URL] [--no-sqlite] [--directory DIR]
///                                     [--grpc [--handlers pool|event-loop]]
///
/// With `--grpc` every trade goes through the service instead: `RecordTrade` calls over
/// loopback TLS to a `LedgerService` on a `GRPCServer` in the same process (bearer-token
/// tenant, one connection per 100 recorders), so the figure includes the RPC path.
///
/// Trade ids are `r<recorder>-<n>`, so each recorder appends to its own region of the id
/// indexes (random ids such as UUIDs touch more index pages per batch).
///
/// The recorder loop is a named function, not a task-group closure: written inline in the
/// closure (capturing the clock, deadline and trade fields), the program died with a call
/// through a null function pointer in `swift_job_run` under Swift 6.3.1 on Linux, before the
/// first record returned; the same code as a function runs cleanly (not reduced further).
struct BenchOptions {
  var duration = 5.0
  var concurrency = [1, 16, 256, 2048]
  var batch = LedgerStoreOptions.defaults.maximumBatchSize
  var postgresURL: String?
  var sqlite = true
  var directory = FileManager.default.temporaryDirectory.path
  var grpc = false
  var handlers = HandlerExecution.concurrentPool

  static let usage = """
    usage: ledger-bench [--duration S] [--concurrency 1,16,256,2048] [--batch N] [--postgres-url URL] [--no-sqlite] [--directory DIR]
      --duration      seconds per row (default 5)
      --concurrency   concurrent recorders, one row each
      --batch         the store's maximum group-commit batch (default 2048, the store's)
      --postgres-url  also measure PostgreSQL (a fresh tenant per row in that database)
      --no-sqlite     skip the SQLite rows
      --directory     where the SQLite files go (default: the temporary directory; use a real disk)
      --grpc          record through RecordTrade over loopback TLS to the service in this process
      --handlers      with --grpc: where the server runs handlers, pool (default) or event-loop
    """

  init(arguments: [String]) throws {
    var rest = arguments[...]
    func value(_ flag: String) throws -> String {
      guard let value = rest.popFirst() else { throw BenchUsageError("\(flag) needs a value") }
      return value
    }
    while let flag = rest.popFirst() {
      switch flag {
      case "--duration":
        let text = try value(flag)
        guard let seconds = Double(text), seconds > 0 else { throw BenchUsageError("--duration: '\(text)' is not a number > 0") }
        duration = seconds
      case "--concurrency":
        let text = try value(flag)
        let levels = text.split(separator: ",").compactMap { Int($0) }
        guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else { throw BenchUsageError("--concurrency: '\(text)' is not a list of numbers > 0") }
        concurrency = levels
      case "--batch":
        let text = try value(flag)
        guard let size = Int(text), size > 0 else { throw BenchUsageError("--batch: '\(text)' is not a number > 0") }
        batch = size
      case "--postgres-url": postgresURL = try value(flag)
      case "--directory": directory = try value(flag)
      case "--no-sqlite": sqlite = false
      case "--grpc": grpc = true
      case "--handlers":
        switch try value(flag) {
        case "pool": handlers = .concurrentPool
        case "event-loop": handlers = .eventLoop
        case let other: throw BenchUsageError("--handlers: '\(other)' is not pool or event-loop")
        }
      case "--help", "-h":
        print(Self.usage)
        exit(0)
      default: throw BenchUsageError("unknown flag \(flag)")
      }
    }
  }
}

struct BenchUsageError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// One measured row.
struct BenchRow {
  var backend: String
  var concurrency: Int
  var trades: Int
  var seconds: Double
  var p50: Duration
  var p99: Duration
  var max: Duration
}

/// Where the recorders send their trades: the store itself, or the service over gRPC.
enum RecordTarget: Sendable {
  case store(any LedgerStore)
  /// Clients on separate connections (recorder i uses client i mod count) and the bearer
  /// token's metadata.
  case service([Slipstream_Ledger_V1_LedgerService.Client], Metadata)
}

/// Records one trade (a plain async function: the typed-throws requirement is called here,
/// not from inside the task group's closure).
func record(_ trade: LedgerTrade, recorder: Int, in target: RecordTarget) async throws {
  switch target {
  case .store(let store):
    do {
      _ = try await store.record(trade)
    } catch {
      throw error
    }
  case .service(let clients, let metadata):
    var request = Slipstream_Ledger_V1_RecordTradeRequest()
    request.trade = Slipstream_Ledger_V1_Trade(trade)
    _ = try await clients[recorder % clients.count].recordTrade(request, metadata: metadata)
  }
}

/// One recorder: records trades one after another until `deadline` and returns each one's
/// time from `record` to its acknowledgement.
func recordUntil(
  _ deadline: ContinuousClock.Instant, target: RecordTarget, tenant: String, recorder: Int
) async throws -> [Duration] {
  let clock = ContinuousClock()
  let symbol = try Symbol("AAPL")
  var latencies: [Duration] = []
  latencies.reserveCapacity(100_000)
  var sequence = 0
  while clock.now < deadline {
    let trade = LedgerTrade(
      tradeID: "r\(recorder)-\(sequence)", tenantID: tenant, userID: "u-\(recorder % 50)", broker: "alpaca",
      brokerExecutionID: "x\(recorder)-\(sequence)", symbol: symbol, side: sequence.isMultiple(of: 2) ? .buy : .sell,
      quantity: "10", price: "187.25", fees: "0.35",
      executedAt: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + Int64(sequence)))
    sequence += 1
    let sent = clock.now
    try await record(trade, recorder: recorder, in: target)
    latencies.append(sent.duration(to: clock.now))
  }
  return latencies
}

/// Records trades from `concurrency` tasks for `duration` seconds into `store` for `tenant`.
func measure(target: RecordTarget, backend: String, tenant: String, concurrency: Int, duration: Double) async throws -> BenchRow {
  let clock = ContinuousClock()
  let start = clock.now
  let deadline = start + .milliseconds(Int64(duration * 1000))
  let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
    for recorder in 0..<concurrency {
      group.addTask { try await recordUntil(deadline, target: target, tenant: tenant, recorder: recorder) }
    }
    var all: [Duration] = []
    for try await part in group { all += part }
    return all
  }
  let elapsed = start.duration(to: clock.now)
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  let sorted = latencies.sorted()
  func percentile(_ p: Double) -> Duration {
    sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
  }
  return BenchRow(
    backend: backend, concurrency: concurrency, trades: sorted.count, seconds: seconds,
    p50: percentile(0.50), p99: percentile(0.99), max: sorted.last ?? .zero)
}

func milliseconds(_ duration: Duration) -> String {
  let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
  return String(format: "%.2f", ms)
}

func printRow(_ row: BenchRow) {
  let rate = Double(row.trades) / row.seconds
  print(
    row.backend.padding(toLength: 13, withPad: " ", startingAt: 0)
      + String(format: "%9d %10d %14.0f", row.concurrency, row.trades, rate)
      + milliseconds(row.p50).leftPadded(10) + milliseconds(row.p99).leftPadded(10) + milliseconds(row.max).leftPadded(10))
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? " " + self : String(repeating: " ", count: width - count) + self
  }
}

/// The program: parses the flags, measures each row, prints the table.
@main
enum LedgerBench {
  static func main() async {
    let options: BenchOptions
    do {
      options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    } catch {
      FileHandle.standardError.write(Data("ledger-bench: \(error)\n\(BenchOptions.usage)\n".utf8))
      exit(64)
    }

    let path = options.grpc
      ? "RecordTrade over loopback TLS (handlers: \(options.handlers == .eventLoop ? "event-loop" : "pool"))"
      : "the store directly"
    print("ledger-bench: \(options.duration) s per row, max batch \(options.batch), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, through \(path)")
    print("backend       recorders     trades  durable trades/s  p50 ms    p99 ms    max ms")
    do {
      let run = UUID().uuidString.prefix(8).lowercased()
      for concurrency in options.concurrency where options.sqlite {
        let path = options.directory + "/ledger-bench-\(run)-\(concurrency).sqlite"
        let store = try await SQLiteLedgerStore(path: path, options: LedgerStoreOptions(maximumBatchSize: options.batch))
        printRow(try await measure(
          store: store, backend: "sqlite", tenant: "bench", concurrency: concurrency, options: options))
        try await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
      }
      if let url = options.postgresURL {
        let store = try await PostgresLedgerStore(url: url, options: LedgerStoreOptions(maximumBatchSize: options.batch))
        for concurrency in options.concurrency {
          printRow(try await measure(
            store: store, backend: "postgres", tenant: "bench-\(run)-\(concurrency)", concurrency: concurrency, options: options))
        }
        try await store.close()
      }
    } catch {
      FileHandle.standardError.write(Data("ledger-bench: \(error)\n".utf8))
      exit(1)
    }
  }
}

/// Measures one row against `store`, directly or through the service over gRPC.
func measure(store: any LedgerStore, backend: String, tenant: String, concurrency: Int, options: BenchOptions) async throws -> BenchRow {
  guard options.grpc else {
    return try await measure(target: .store(store), backend: backend, tenant: tenant, concurrency: concurrency, duration: options.duration)
  }
  let ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "ledger-bench CA")
  let leaf = try ca.issue(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .server)
  let token = "ledger-bench-token"
  let service = LedgerService(
    store: store, authenticator: TenantAuthenticator(bearerTokens: [.init(token: token, tenantID: tenant)]))
  let server = GRPCServer(
    configuration: GRPCServerConfiguration(
      security: .tls(.server(certificateChain: leaf.certificate, privateKey: leaf.privateKey, clientCertificateTrustRoots: nil)),
      shutdownGracePeriod: .seconds(5), handlerExecution: options.handlers),
    services: [service])
  let port = try await server.start()
  // One connection per 100 recorders: HTTP/2's default limit of concurrent streams.
  let connections = (concurrency + 99) / 100
  let channels = try (0..<connections).map { _ in
    try GRPCChannel(
      configuration: GRPCChannelConfiguration(
        endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .tls(.client(trustRoots: ca.certificate))))
  }
  let clients = channels.map { Slipstream_Ledger_V1_LedgerService.Client(RPCClient(transport: $0)) }
  let row = try await measure(
    target: .service(clients, ["authorization": .string("Bearer \(token)")]), backend: "\(backend)+grpc", tenant: tenant,
    concurrency: concurrency, duration: options.duration)
  for channel in channels { await channel.close() }
  await server.shutdownGracefully()
  return row
}

// Memory bounds of the gRPC server, measured: RSS of this process (the server) while a child
// python3 process (Tests/SlipstreamTransportTests/python/) holds idle connections, opens
// concurrent streams or attacks it. Each scenario runs in a fresh process (this program runs
// itself), so memory freed by one scenario does not hide the cost of the next.
//
//   swift run -c release memory-bounds [SCENARIO] [IDLE_CONNECTIONS]
//   SCENARIO: all (default), idle-h2c, idle-tls, streams, attacks; IDLE_CONNECTIONS: 10000
import Foundation
import NIOCore
import NIOPosix
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport

let scenario = CommandLine.arguments.dropFirst().first ?? "all"
let idleConnections = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 10_000
let mib = 1024.0 * 1024.0

func raiseFileLimit() -> Int {
  var limit = rlimit()
  getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  limit.rlim_cur = limit.rlim_max
  setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  return Int(limit.rlim_cur)
}

func format(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / mib) }

func report(_ line: String) { print("  \(line)") }

/// Open file descriptors of this process.
func openFiles() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }

/// Waits (polling, at most 30 s) until the server has closed the connections a peer held.
func awaitConnectionsClosed(downTo files: Int) async throws {
  let deadline = ContinuousClock.now + .seconds(30)
  while openFiles() > files, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
}

if scenario == "all" {
  print("open files limit: \(raiseFileLimit()); each scenario in a fresh process")
  fflush(nil)
  for name in ["idle-h2c", "idle-tls", "streams", "attacks"] {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    child.arguments = [name, String(idleConnections)]
    try child.run()
    child.waitUntilExit()
    guard child.terminationStatus == 0 else { fatalError("scenario \(name) failed: \(child.terminationStatus)") }
  }
  exit(0)
}

_ = raiseFileLimit()
let pki = try BenchmarkPKI()
let h2c = ServerSecurity.plaintext
let tls = ServerSecurity.tls(pki.serverTLS)
print("\(scenario): baseline RSS (runtime, NIO, certificates) \(format(ProcessMemory.residentBytes()))")

switch scenario {
case "idle-h2c": try await idle("h2c", security: h2c)
case "idle-tls": try await idle("TLS", security: tls)
case "streams": try await streams()
case "attacks": try await attacks()
default: fatalError("unknown scenario \(scenario)")
}

/// (b) Idle connections: each sends the preface, SETTINGS and a SETTINGS ACK, then nothing.
func idle(_ name: String, security: ServerSecurity) async throws {
  let service = HangService()
  let server = try await startServer(security, service: service)
  // Warm up: the first connections allocate pools and caches that stay.
  try await MemoryPeer.hold("idle", port: server.port!, count: 100, tls: security != h2c) {}
  let before = ProcessMemory.residentBytes()
  let files = openFiles()
  try await MemoryPeer.hold("idle", port: server.port!, count: idleConnections, tls: security != h2c) {
    let after = ProcessMemory.residentBytes()
    let delta = after - before
    report("\(name): \(idleConnections) idle connections add \(format(delta)) RSS = \(delta / idleConnections) bytes per connection")
  }
  try await awaitConnectionsClosed(downTo: files)
  report("\(name): after they close (\(openFiles() - files) descriptors left), RSS is \(format(ProcessMemory.residentBytes() - before)) above the level before them")
  // Memory freed but kept by the allocator is reused by later connections, and malloc_trim
  // returns it to the system; a leak would grow by the same amount every round.
  ProcessMemory.trim()
  report("\(name): after malloc_trim, RSS is \(format(ProcessMemory.residentBytes() - before)) above the level before them")
  for round in 2...3 {
    try await MemoryPeer.hold("idle", port: server.port!, count: idleConnections, tls: security != h2c) {}
    try await awaitConnectionsClosed(downTo: files)
    ProcessMemory.trim()
    report("\(name): round \(round) of \(idleConnections) opened and closed; after malloc_trim RSS is \(format(ProcessMemory.residentBytes() - before)) above the start")
  }
  await server.shutdownGracefully()
}

/// (c) Concurrent streams, each blocked in a handler: one connection with 100, then 20 with 100.
func streams() async throws {
  for (connections, streams) in [(1, 100), (20, 100)] {
    let service = HangService()
    let server = try await startServer(h2c, service: service)
    try await MemoryPeer.hold("idle", port: server.port!, count: 10, tls: false) {}
    let before = ProcessMemory.residentBytes()
    let total = connections * streams
    try await MemoryPeer.hold("streams", port: server.port!, count: connections, streams: streams, tls: false) {
      await service.waitForHandlers(total)
      let delta = ProcessMemory.residentBytes() - before
      report("h2c: \(connections) connection(s) x \(streams) streams blocked in a handler add \(format(delta)) RSS = \(delta / total) bytes per stream (connection included)")
    }
    await server.shutdownGracefully()
  }
}

/// (d) Attacks: peak RSS (VmHWM, reset before each attack) above the level before.
func attacks() async throws {
  for (mode, count) in [("rapid-reset", 3_000), ("ping-flood", 200_000)] {
    let server = try await startServer(h2c, service: HangService())
    try await MemoryPeer.hold("idle", port: server.port!, count: 10, tls: false) {}
    let before = ProcessMemory.residentBytes()
    ProcessMemory.resetPeak()
    let summary = try await MemoryPeer.attack(mode, port: server.port!, count: count)
    let peak = ProcessMemory.peakResidentBytes() - before
    let after = ProcessMemory.residentBytes() - before
    report("h2c \(mode) x\(count) (default limits): peak RSS +\(format(peak)), after +\(format(after)); attacker saw \(summary)")
    await server.shutdownGracefully()
  }
  // Rapid reset with the reset limit lifted: every reset starts a handler that is cancelled.
  for resets in [3_000, 20_000] {
    let server = try await startServer(h2c, service: HangService()) {
      $0.http2.streamResetRateLimit = .init(burst: 1_000_000, ratePerSecond: 1_000_000)
    }
    try await MemoryPeer.hold("idle", port: server.port!, count: 10, tls: false) {}
    let before = ProcessMemory.residentBytes()
    ProcessMemory.resetPeak()
    try await MemoryPeer.hold("resets", port: server.port!, count: 1, streams: resets, tls: false) {
      let peak = ProcessMemory.peakResidentBytes() - before
      let now = ProcessMemory.residentBytes() - before
      report("h2c rapid reset x\(resets) (reset limit lifted, all processed): peak RSS +\(format(peak)), after +\(format(now))")
    }
    await server.shutdownGracefully()
  }
}

func startServer(
  _ security: ServerSecurity,
  service: HangService,
  configure: (inout GRPCServerConfiguration) -> Void = { _ in }
) async throws -> GRPCServer {
  var configuration = GRPCServerConfiguration(port: 0, security: security)
  // Idle connections must stay for the measurement.
  configuration.http2.idleTimeout = nil
  configuration.http2.keepalive = nil
  configuration.shutdownGracePeriod = .seconds(1)
  configure(&configuration)
  let server = GRPCServer(configuration: configuration, services: [service])
  try await server.start()
  return server
}

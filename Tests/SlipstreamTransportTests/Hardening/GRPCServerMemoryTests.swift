import Foundation
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import Synchronization
import Testing

/// Memory bounds of a real `GRPCServer` in this process, with the peers (python3) in a child
/// process: RSS (or its peak, VmHWM) before and after. Measured here (debug build, three runs,
/// see BENCHMARKS.md "Memory"): 1,000 idle connections 22.3-22.5 MiB (h2c) and 55.1-56.6 MiB
/// (TLS); 100 blocked streams 0.3-0.5 MiB; 3,000 rapid resets 0.2-0.3 MiB peak; a PING flood
/// 0.3-0.4 MiB peak. The bounds are about 2.5 times the idle figures and 16 MiB or more for
/// the rest, so allocations of other suites running in parallel in this process cannot break
/// them, while a few KiB kept per connection, stream or reset would.
@Suite("gRPC server memory bounds", .serialized, .timeLimit(.minutes(1)))
struct GRPCServerMemoryTests {
  init() { raiseOpenFileLimit() }

  @Test("1,000 idle connections add less than 64 MiB (h2c) / 128 MiB (TLS)", arguments: [(false, 64), (true, 128)])
  func idleConnections(tls: Bool, boundMiB: Int) async throws {
    let pki = try TestPKI()
    try await withMemoryServer(security: tls ? .tls(pki.serverTLS()) : .plaintext) { _, port in
      // Warm up: pools and caches the first connections allocate stay.
      try await MemoryPeer.holding(connections: 50, tls: tls, port: port) {}
      let before = ProcessMemory.resident()
      #expect(before > 0, "/proc/self/status is needed")
      let growth = try await MemoryPeer.holding(connections: 1000, tls: tls, port: port) {
        ProcessMemory.resident() - before
      }
      #expect(growth < boundMiB << 20, "1,000 idle connections grew RSS by \(growth >> 10) KiB")
    }
  }

  @Test("100 streams blocked in handlers on one connection add less than 16 MiB; closing it cancels all 100")
  func concurrentStreams() async throws {
    try await withMemoryServer { service, port in
      try await MemoryPeer.holding(connections: 10, port: port) {}
      let before = ProcessMemory.resident()
      let growth = try await MemoryPeer.holding(.streams, connections: 1, perConnection: 100, port: port) {
        await service.started.wait(for: 100)
        return ProcessMemory.resident() - before
      }
      #expect(growth < 16 << 20, "100 blocked streams grew RSS by \(growth >> 10) KiB")
      await service.cancelled.wait(for: 100)
    }
  }

  /// Every reset is served (the reset limit is lifted): each one starts a handler that is
  /// cancelled at once. The peer's PING is answered only after all of them were processed.
  /// The peak is VmHWM, reset before the attack.
  @Test("3,000 rapid resets with the reset limit lifted raise peak RSS by less than 32 MiB; every handler is cancelled")
  func rapidResetPeak() async throws {
    let lifted = { (configuration: inout GRPCServerConfiguration) in
      configuration.http2.streamResetRateLimit = .init(burst: 1_000_000, ratePerSecond: 1_000_000)
    }
    try await withMemoryServer(configure: lifted) { service, port in
      try await MemoryPeer.holding(connections: 10, port: port) {}
      let before = ProcessMemory.resident()
      ProcessMemory.resetPeak()
      let peak = try await MemoryPeer.holding(.resets, connections: 1, perConnection: 3000, port: port) {
        await service.cancelled.wait(for: service.started.count)
        return ProcessMemory.peak() - before
      }
      #expect(peak < 32 << 20, "3,000 rapid resets raised peak RSS by \(peak >> 10) KiB")
    }
  }

  /// The PING ACKs the server queues are capped (`maxOutboundAck`), so the flood costs the
  /// attacker its connection and the server little memory.
  @Test("a PING flood of 100,000 frames raises peak RSS by less than 32 MiB")
  func pingFloodPeak() async throws {
    try await withMemoryServer { _, port in
      try await MemoryPeer.holding(connections: 10, port: port) {}
      let before = ProcessMemory.resident()
      ProcessMemory.resetPeak()
      let report = try await AttackPeer.run("ping-flood", port: port, count: 100_000)
      let peak = ProcessMemory.peak() - before
      #expect(report.closed, "\(report)")
      #expect(peak < 32 << 20, "a PING flood raised peak RSS by \(peak >> 10) KiB")
    }
  }

  /// A server whose idle connections stay (no idle timeout, no keepalive) serving
  /// ``MemoryTestService`` and the transport test service (the attacks call its Echo).
  private func withMemoryServer(
    security: ServerSecurity = .plaintext,
    configure: (inout GRPCServerConfiguration) -> Void = { _ in },
    _ body: (MemoryTestService, Int) async throws -> Void
  ) async throws {
    var configuration = GRPCServerConfiguration(port: 0, security: security)
    configuration.http2.idleTimeout = nil
    configuration.http2.keepalive = nil
    configure(&configuration)
    let service = MemoryTestService()
    let server = GRPCServer(configuration: configuration, services: [service, TransportTestService()])
    let port = try await server.start()
    do {
      try await body(service, port)
    } catch {
      await server.shutdownGracefully()
      throw error
    }
    await server.shutdownGracefully()
  }

  /// 1,000 server connections need more than the 1,024 descriptors some systems default to.
  private func raiseOpenFileLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < min(limit.rlim_max, 4096) {
      limit.rlim_cur = min(limit.rlim_max, 4096)
      setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
  }
}

/// `bench.Memory/Hang`: a unary call whose handler waits until it is cancelled; counts the
/// handlers that started and those that were cancelled.
struct MemoryTestService: RPCService {
  static let hang = MethodDescriptor(service: "bench.Memory", method: "Hang")
  let started = Tally()
  let cancelled = Tally()

  func registerMethods(with router: inout RPCRouter) {
    let (started, cancelled) = (self.started, self.cancelled)
    router.registerUnary(Self.hang, deserializer: StringCodec(), serializer: StringCodec()) { _, _ -> String in
      started.increment()
      let never = Signal()
      await withTaskCancellationHandler { await never.wait() } onCancel: { never.fire() }
      cancelled.increment()
      throw CancellationError()
    }
  }
}

/// A count a test can await reaching a value.
final class Tally: Sendable {
  private struct State {
    var count = 0
    var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
  }
  private let state = Mutex(State())

  var count: Int { state.withLock { $0.count } }

  func increment() {
    let reached = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.count += 1
      let count = state.count
      defer { state.waiters.removeAll { $0.target <= count } }
      return state.waiters.filter { $0.target <= count }.map(\.continuation)
    }
    for continuation in reached { continuation.resume() }
  }

  /// Returns once the count is at least `target`.
  func wait(for target: Int) async {
    await withCheckedContinuation { continuation in
      let now = state.withLock { state -> Bool in
        if state.count >= target { return true }
        state.waiters.append((target, continuation))
        return false
      }
      if now { continuation.resume() }
    }
  }
}

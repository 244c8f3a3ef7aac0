import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamServiceRuntime
import SlipstreamTransport
import Synchronization
import Testing

/// A background service that records what it saw when graceful shutdown reached it.
final class RecordingService: Service, Sendable {
  let started = Signal()
  let sawServerStatus = Mutex<HealthStatusStore.Status?>(nil)
  let health = Mutex<HealthStatusStore?>(nil)

  func run() async throws {
    started.fire()
    try? await gracefulShutdown()
    let status = health.withLock { $0 }?.status(forService: "")
    sawServerStatus.withLock { $0 = status }
  }
}

@Suite("Lifecycle: running services and graceful shutdown")
struct ServiceLifecycleTests {
  let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

  func check(_ port: Int, security: ClientSecurity = .plaintext) async throws -> HealthStatusStore.Status {
    try await withClient(port: port, security: security) { rpc in
      try await Grpc_Health_V1_Health.Client(rpc).check(Grpc_Health_V1_HealthCheckRequest()).status
    }
  }

  @Test func grpcServerServiceServesUntilGracefulShutdown() async throws {
    let server = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [RuntimeTestService()])
    let port = try await server.start()
    let group = ServiceGroup(services: [GRPCServerService(server: server)], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await group.run() }
      #expect(try await check(port) == .serving)
      await group.triggerGracefulShutdown()
      try await tasks.waitForAll()
    }
    #expect(server.health.status(forService: "") == .notServing)
    await #expect(throws: (any Error).self) { _ = try await check(port) }
  }

  /// A plaintext runtime on free ports, its logs in `log`.
  func runtime(_ extra: [String] = [], log: LineBuffer = LineBuffer()) throws -> ServiceRuntime {
    let configuration = try ConfigurationFixture().load(["--plaintext", "--port", "0", "--metrics-port", "0"] + extra)
    return try ServiceRuntime(configuration: configuration, bootstrapProcess: false, logOutput: log.output)
  }

  @Test func startBindsBothListenersAndAnnouncesThem() async throws {
    let runtime = try runtime()
    let running = try await runtime.start(services: [RuntimeTestService()])
    let metricsPort = try #require(running.metricsPort)
    #expect(
      running.announcement
        == "test-service listening on 127.0.0.1:\(running.port) (plaintext h2c) metrics on http://127.0.0.1:\(metricsPort)/metrics"
    )
    #expect(try await check(running.port) == .serving)
    let codec = StringCodec()
    let echoed = try await withClient(port: running.port) { rpc in
      try await rpc.unary(RuntimeTestService.echo, request: "AAPL", serializer: codec, deserializer: codec).message
    }
    #expect(echoed == "AAPL")
    let scrape = try await rawExchange(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    #expect(scrape.contains("rpc_server_requests_total{method=\"test.Runtime/Echo\",code=\"OK\"} 1\n"))
    #expect(scrape.contains("rpc_server_requests_total{method=\"grpc.health.v1.Health/Check\",code=\"OK\"} 1\n"))

    try await running.shutdown()
    #expect(running.health.status(forService: "") == .notServing)
    await #expect(throws: (any Error).self) { _ = try await check(running.port) }
    await #expect(throws: (any Error).self) {
      _ = try await rawExchange(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    }
  }

  @Test func developmentTLSIsAnnouncedAndServesMutualTLS() async throws {
    let state = try TemporaryDirectory()
    let configuration = try ConfigurationFixture().load(["--port", "0", "--metrics-port", "off", "--state-dir", state.path])
    let runtime = try ServiceRuntime(configuration: configuration, bootstrapProcess: false, logOutput: LineBuffer().output)
    let running = try await runtime.start(services: [RuntimeTestService()])
    #expect(
      running.announcement
        == "test-service listening on 127.0.0.1:\(running.port) (TLS, mutual; dev certificates in \(state.path)/dev-pki) metrics off"
    )
    #expect(try await check(running.port, security: runtime.clientSecurity()) == .serving)
    try await running.shutdown()
  }

  /// `--handlers` reaches the server, which then serves with handlers in that place.
  @Test(arguments: [(["--handlers", "event-loop"], HandlerExecution.eventLoop), ([], .concurrentPool)])
  func handlerPlacementReachesTheServer(_ flags: [String], _ expected: HandlerExecution) async throws {
    let running = try await runtime(flags).start(services: [RuntimeTestService()])
    #expect(running.server.configuration.handlerExecution == expected)
    #expect(try await check(running.port) == .serving)
    try await running.shutdown()
  }

  @Test func metricsOffMeansNoEndpoint() async throws {
    let running = try await runtime(["--metrics-port", "off"]).start(services: [])
    #expect(running.metricsPort == nil)
    #expect(running.announcement == "test-service listening on 127.0.0.1:\(running.port) (plaintext h2c) metrics off")
    try await running.shutdown()
  }

  @Test func inFlightCallFinishesDuringGracefulShutdown() async throws {
    let service = RuntimeTestService()
    let running = try await runtime().start(services: [service])
    let codec = StringCodec()
    try await withClient(port: running.port) { rpc in
      try await withThrowingTaskGroup(of: String.self) { tasks in
        tasks.addTask {
          try await rpc.unary(RuntimeTestService.gate, request: "order-1", serializer: codec, deserializer: codec).message
        }
        await service.gateEntered.wait()
        // Watch health on the same connection, then begin the shutdown.
        let sawNotServing = try await Grpc_Health_V1_Health.Client(rpc).watch(Grpc_Health_V1_HealthCheckRequest()) { response in
          var statuses: [HealthStatusStore.Status] = []
          for try await update in response.messages {
            statuses.append(update.status)
            if update.status == .serving {
              Task { try await running.shutdown() }
            }
            if update.status == .notServing { break }
          }
          return statuses
        }
        #expect(sawNotServing == [.serving, .notServing])
        service.gateOpen.fire()
        #expect(try await tasks.next() == "passed:order-1")
      }
    }
    try await running.wait()
  }

  @Test func backgroundServicesStopAfterTheServerHasDrained() async throws {
    let background = RecordingService()
    let running = try await runtime().start(services: [], background: [background])
    background.health.withLock { $0 = running.health }
    await background.started.wait()
    try await running.shutdown()
    #expect(background.sawServerStatus.withLock { $0 } == .notServing)
  }

  @Test func backgroundJobIsCancelledAtShutdownWithoutFailing() async throws {
    let (started, cancelled) = (Signal(), Signal())
    let job = BackgroundService("feed") {
      started.fire()
      let never = Signal()
      await withTaskCancellationHandler { await never.wait() } onCancel: { never.fire() }
      cancelled.fire()
      throw CancellationError()
    }
    let running = try await runtime().start(services: [], background: [job])
    await started.wait()
    try await running.shutdown()
    await cancelled.wait()
  }

  @Test func backgroundJobThatEndsLeavesTheServiceUp() async throws {
    let ended = Signal()
    let running = try await runtime().start(services: [], background: [BackgroundService("once") { ended.fire() }])
    await ended.wait()
    #expect(try await check(running.port) == .serving)
    try await running.shutdown()
  }

  @Test func backgroundJobThatFailsShutsTheServiceDown() async throws {
    struct FeedLost: Error, Equatable {}
    let running = try await runtime().start(services: [], background: [BackgroundService("feed") { throw FeedLost() }])
    await #expect(throws: FeedLost()) { try await running.wait() }
    #expect(running.health.status(forService: "") == .notServing)
  }

  @Test func aPortInUseFailsTheStart() async throws {
    let blocker = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: .plaintext), services: [])
    let taken = try await blocker.start()
    let runtime = try runtime(["--port", String(taken)])
    await #expect(throws: ServiceStartError("cannot listen on 127.0.0.1:\(taken) for gRPC (--port, server.port): Address already in use")) {
      _ = try await runtime.start(services: [])
    }
    await blocker.shutdownGracefully()
  }

  @Test func aMetricsPortInUseFailsTheStart() async throws {
    let blocker = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry())
    let taken = try await blocker.start()
    let runtime = try runtime(["--metrics-port", String(taken)])
    await #expect(
      throws: ServiceStartError("cannot listen on 127.0.0.1:\(taken) for metrics (--metrics-port, server.metrics_port): Address already in use")
    ) {
      _ = try await runtime.start(services: [])
    }
    await blocker.shutdown()
  }

  @Test func unusableCertificateFilesFailTheStart() async throws {
    let fixture = try ConfigurationFixture()
    let configuration = try fixture.load(["--tls-cert", fixture.cert, "--tls-key", fixture.key, "--port", "0", "--metrics-port", "off"])
    let runtime = try ServiceRuntime(configuration: configuration, bootstrapProcess: false, logOutput: LineBuffer().output)
    do {
      _ = try await runtime.start(services: [])
      Issue.record("started with a certificate file that is not PEM")
    } catch let error as ServiceStartError {
      #expect(error.message.hasPrefix("TLS: "))
      #expect(error.message.contains(fixture.cert))
    }
  }

  @Test func cancellingTheWaiterStopsTheServices() async throws {
    let running = try await runtime().start(services: [])
    let waiter = Task { try await running.wait() }
    waiter.cancel()
    _ = await waiter.result
    #expect(running.health.status(forService: "") == .notServing)
  }
}

struct Finished: Error, Equatable {}

/// A background service that, once the announcement names the port, checks health over
/// the network and throws ``Finished``: that shuts the whole group down.
final class CheckThenFinish: Service, Sendable {
  let announced = Signal()
  let line = Mutex<String?>(nil)
  let status = Mutex<HealthStatusStore.Status?>(nil)

  func run() async throws {
    await announced.wait()
    let text = try #require(line.withLock { $0 })
    let port = try #require(text.split(separator: " ").dropFirst(3).first.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) })
    let checked = try await withClient(port: port) { rpc in
      try await Grpc_Health_V1_Health.Client(rpc).check(Grpc_Health_V1_HealthCheckRequest()).status
    }
    status.withLock { $0 = checked }
    throw Finished()
  }
}

@Suite("Lifecycle: run")
struct ServiceRunTests {
  @Test func runAnnouncesOneLineServesAndShutsDownWhenABackgroundJobFails() async throws {
    let configuration = try ConfigurationFixture().load(["--plaintext", "--port", "0", "--metrics-port", "off"])
    let log = LineBuffer()
    let runtime = try ServiceRuntime(configuration: configuration, bootstrapProcess: false, logOutput: log.output)
    let lines = Mutex<[String]>([])
    let finisher = CheckThenFinish()
    let output = LogOutput { line in
      lines.withLock { $0.append(line) }
      finisher.line.withLock { $0 = line }
      finisher.announced.fire()
    }
    await #expect(throws: Finished()) {
      try await withFailureGuard {
        try await runtime.run(services: [RuntimeTestService()], background: [finisher], shutdownSignals: [], announceTo: output)
      }
    }
    let announcement = try #require(lines.withLock { $0 }.first)
    #expect(lines.withLock { $0.count } == 1)
    #expect(announcement.hasPrefix("test-service listening on 127.0.0.1:"))
    #expect(announcement.hasSuffix(" (plaintext h2c) metrics off\n"))
    #expect(finisher.status.withLock { $0 } == .serving)
    #expect(log.lines.contains { $0.contains(" info test-service[test-service] started port=") })
    #expect(log.lines.last?.contains(" error test-service[test-service] stopped by a failure error=Finished()") == true)
  }
}

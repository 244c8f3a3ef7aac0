public import SlipstreamAPI
public import SlipstreamTransport
import ServiceLifecycle
import SlipstreamRPC

/// A service started by ``ServiceRuntime/start(services:interceptors:background:shutdownSignals:)``:
/// its listeners are bound; its services run in a `ServiceGroup` until shut down.
public final class RunningService: Sendable {
  /// The gRPC server.
  public let server: GRPCServer
  /// The bound gRPC port.
  public let port: Int
  /// The bound metrics port; nil when metrics are off.
  public let metricsPort: Int?
  /// The line announcing where the service listens, e.g.
  /// `pricing-service listening on 127.0.0.1:50051 (TLS, mutual) metrics on http://127.0.0.1:9464/metrics`.
  public let announcement: String
  private let group: ServiceGroup
  private let task: Task<Void, any Error>

  /// Starts running `group`; returns once it runs the server (so shutdown signals are
  /// trapped) or has already ended.
  init(server: GRPCServer, port: Int, metricsPort: Int?, announcement: String, group: ServiceGroup, running: OneShotSignal) async {
    self.server = server
    self.port = port
    self.metricsPort = metricsPort
    self.announcement = announcement
    self.group = group
    self.task = Task {
      defer { running.fire() }
      try await group.run()
    }
    await running.wait()
  }

  /// The server's health statuses.
  public var health: HealthStatusStore { server.health }

  /// Shuts down gracefully (as SIGTERM does) and waits until every service has stopped.
  /// - Throws: What a service threw, if one failed.
  public func shutdown() async throws {
    await group.triggerGracefulShutdown()
    try await task.value
  }

  /// Waits until the services stop (a signal, ``shutdown()``, or a failing service).
  /// Cancelling the waiting task cancels the services.
  /// - Throws: What a service threw, if one failed.
  public func wait() async throws {
    let task = self.task
    try await withTaskCancellationHandler {
      try await task.value
    } onCancel: {
      task.cancel()
    }
  }
}

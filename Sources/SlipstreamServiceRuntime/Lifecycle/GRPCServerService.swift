public import ServiceLifecycle
public import SlipstreamTransport
import SlipstreamRPC

/// A ``GRPCServer`` as a swift-service-lifecycle `Service`: starts it (unless already
/// started), serves until graceful shutdown (or cancellation), then shuts it down gracefully:
/// health NOT_SERVING, GOAWAY, in-flight calls finish within the grace period.
public struct GRPCServerService: Service, CustomStringConvertible {
  /// The server run.
  public let server: GRPCServer

  private let running: OneShotSignal?

  public init(server: GRPCServer) {
    self.server = server
    self.running = nil
  }

  /// An adaptor that fires `running` once its group runs it (the group's signal handlers
  /// are installed by then).
  init(server: GRPCServer, running: OneShotSignal) {
    self.server = server
    self.running = running
  }

  public func run() async throws {
    if server.port == nil { try await server.start() }
    running?.fire()
    // Cancellation ends the wait too; either way the server drains before returning.
    try? await gracefulShutdown()
    await server.shutdownGracefully()
  }

  public var description: String { "GRPCServer" }
}

/// The metrics endpoint as a `Service`: stops listening at graceful shutdown.
struct MetricsEndpointService: Service, CustomStringConvertible {
  let endpoint: MetricsEndpoint

  func run() async throws {
    if endpoint.port == nil { try await endpoint.start() }
    try? await gracefulShutdown()
    await endpoint.shutdown()
  }

  var description: String { "MetricsEndpoint" }
}

public import ServiceLifecycle

/// A job run beside the gRPC server (a market-data feed, a worker), without the caller
/// importing ServiceLifecycle. It is cancelled when graceful shutdown reaches it, which is
/// after the gRPC server has drained; a `CancellationError` it then throws is not a failure.
///
/// In ``ServiceRuntime/run(services:interceptors:background:shutdownSignals:announceTo:)``
/// a job that returns leaves the service running; one that throws shuts the service down
/// gracefully and the error comes out of `run`.
public struct BackgroundService: Service, CustomStringConvertible {
  /// The job's name, for logs.
  public let name: String
  private let body: @Sendable () async throws -> Void

  /// Creates a job.
  /// - Parameters:
  ///   - name: A name for logs, e.g. `alpaca-feed`.
  ///   - body: The job; it should end when its task is cancelled.
  public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
    self.name = name
    self.body = body
  }

  public func run() async throws {
    do {
      try await cancelWhenGracefulShutdown(body)
    } catch is CancellationError where Task.isShuttingDownGracefully || Task.isCancelled {
      return
    }
  }

  public var description: String { name }
}

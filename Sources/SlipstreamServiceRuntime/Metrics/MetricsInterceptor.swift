public import CoreMetrics
public import SlipstreamRPC

/// Records every server call: `rpc_server_requests_total{method,code}` counts calls by
/// final status, `rpc_server_handling_seconds{method}` times them (a histogram in Prometheus).
/// `method` is `package.Service/Method`; `code` the status name (`OK`, `NOT_FOUND`, ...).
public struct MetricsInterceptor: ServerInterceptor {
  /// The counter's name.
  public static let requestsTotal = "rpc_server_requests_total"
  /// The timer's name.
  public static let handlingSeconds = "rpc_server_handling_seconds"

  private let factory: any MetricsFactory

  /// Creates the interceptor.
  /// - Parameter factory: Where metrics go; the process-wide `MetricsSystem.factory` by default.
  public init(factory: any MetricsFactory = MetricsSystem.factory) {
    self.factory = factory
  }

  public func intercept(
    _ context: ServerContext,
    next: @Sendable (ServerContext) async throws -> Void
  ) async throws {
    let started = ContinuousClock.now
    let method = String(context.method.path.dropFirst())
    do {
      try await next(context)
      record(method: method, code: "OK", since: started)
    } catch {
      record(method: method, code: RPCError(mapping: error).code.name, since: started)
      throw error
    }
  }

  private func record(method: String, code: String, since started: ContinuousClock.Instant) {
    Counter(label: Self.requestsTotal, dimensions: [("method", method), ("code", code)], factory: factory).increment()
    Timer(label: Self.handlingSeconds, dimensions: [("method", method)], factory: factory)
      .recordInterval(since: started)
  }
}

extension Timer {
  fileprivate func recordInterval(since started: ContinuousClock.Instant) {
    let elapsed = ContinuousClock.now - started
    let (seconds, attoseconds) = elapsed.components
    recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }
}

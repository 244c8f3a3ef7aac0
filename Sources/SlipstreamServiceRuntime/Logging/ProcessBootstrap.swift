import Logging
import Metrics
import Prometheus
import Synchronization

/// The process-wide logging and metrics systems, bootstrapped at most once:
/// `LoggingSystem.bootstrap` and `MetricsSystem.bootstrap` stop the process when called twice.
enum ProcessBootstrap {
  private static let logging = Mutex(false)
  private static let metrics = Mutex<PrometheusCollectorRegistry?>(nil)

  /// Points swift-log at `makeHandler`, unless this process already did. Returns false if
  /// an earlier call won (its handler stays).
  @discardableResult
  static func bootstrapLogging(_ makeHandler: @escaping @Sendable (String) -> any LogHandler) -> Bool {
    logging.withLock { done in
      guard !done else { return false }
      LoggingSystem.bootstrap(makeHandler)
      done = true
      return true
    }
  }

  /// The registry swift-metrics reports to, made and bootstrapped on first use.
  static func metricsRegistry() -> PrometheusCollectorRegistry {
    metrics.withLock { registry in
      if let registry { return registry }
      let made = PrometheusCollectorRegistry()
      MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: made))
      registry = made
      return made
    }
  }
}

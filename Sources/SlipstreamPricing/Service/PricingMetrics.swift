import Metrics

/// The service's Prometheus metrics (no-ops until a metrics backend is bootstrapped).
struct PricingMetrics: Sendable {
  private let acceptedCounter = Counter(label: "pricing_quotes_accepted_total")
  private let droppedCounters: [DroppedQuoteReason: Counter] = Dictionary(
    uniqueKeysWithValues: DroppedQuoteReason.allCases.map {
      ($0, Counter(label: "pricing_quotes_dropped_total", dimensions: [("reason", $0.rawValue)]))
    })
  private let deliveredCounter = Counter(label: "pricing_stream_deliveries_total")
  private let skippedCounter = Counter(label: "pricing_stream_skipped_total")
  private let usedGauge = Gauge(label: "pricing_upstream_symbols")

  func accepted() { acceptedCounter.increment() }
  func dropped(_ reason: DroppedQuoteReason) { droppedCounters[reason]?.increment() }
  func delivered(_ count: Int) { deliveredCounter.increment(by: count) }
  func skipped(_ count: Int) { if count > 0 { skippedCounter.increment(by: count) } }
  func subscriptionsUsed(_ used: Int) { usedGauge.record(used) }
}

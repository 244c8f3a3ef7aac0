/// Observed order latency as an exponentially weighted moving average in integer microseconds.
///
/// `estimate += (sample − estimate) × smoothing / 1000`, rounded half away from zero; the first
/// sample sets the estimate. Integer arithmetic keeps it exact and platform-independent.
public struct LatencyEWMA: Hashable, Sendable {
  /// Weight of a new sample, in per mille (125 = 1/8, as TCP's smoothed RTT).
  public let smoothingPerMille: Int64
  /// The current estimate in microseconds; `nil` before the first sample.
  public private(set) var microseconds: Int64?
  /// How many samples were folded in.
  public private(set) var sampleCount: Int = 0

  /// Creates an empty average.
  /// - Throws: `RoutingError.smoothingOutOfRange` unless `1 ≤ smoothingPerMille ≤ 1000`.
  public init(smoothingPerMille: Int64 = 125) throws(RoutingError) {
    guard (1...1000).contains(smoothingPerMille) else { throw .smoothingOutOfRange(smoothingPerMille) }
    self.smoothingPerMille = smoothingPerMille
  }

  /// Creates an average already holding `microseconds` (e.g. restored from storage).
  /// - Throws: `RoutingError` for a bad smoothing factor or a negative value.
  public init(microseconds: Int64, smoothingPerMille: Int64 = 125) throws(RoutingError) {
    try self.init(smoothingPerMille: smoothingPerMille)
    try update(sampleMicroseconds: microseconds)
  }

  /// Folds in one latency sample.
  /// - Throws: `RoutingError.negativeLatency` for a negative sample.
  public mutating func update(sampleMicroseconds sample: Int64) throws(RoutingError) {
    guard sample >= 0 else { throw .negativeLatency(sample) }
    sampleCount += 1
    guard let current = microseconds else {
      microseconds = sample
      return
    }
    // |sample − current| < 2^63 because both are non-negative; × 1000 fits for samples < 9.2e15 µs.
    let delta = (sample - current) * smoothingPerMille
    let step = delta >= 0 ? (delta + 500) / 1000 : -((-delta + 500) / 1000)
    microseconds = current + step
  }
}

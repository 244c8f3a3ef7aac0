/// Why a routing decision or its configuration is invalid.
public enum RoutingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Scoring weights must add up to exactly 1.
  case weightsMustSumToOne(cost: FixedDecimal, speed: FixedDecimal, fill: FixedDecimal)
  /// A scoring weight is negative.
  case negativeWeight(FixedDecimal)
  /// A broker's fill-quality score is outside 0…1.
  case fillScoreOutOfRange(broker: BrokerID, score: FixedDecimal)
  /// The EWMA smoothing factor must be 1…1000 per mille.
  case smoothingOutOfRange(Int64)
  /// A latency sample is negative.
  case negativeLatency(Int64)
  /// Two candidate profiles share a broker id.
  case duplicateBroker(BrokerID)
  /// Every candidate was excluded; each exclusion says why.
  case noEligibleBroker(exclusions: [BrokerExclusion])
  /// Fees or notionals could not be computed.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .weightsMustSumToOne(let cost, let speed, let fill):
      return "Scoring weights must sum to 1 (cost \(cost) + speed \(speed) + fill \(fill) ≠ 1)."
    case .negativeWeight(let weight):
      return "Scoring weights must not be negative (got \(weight))."
    case .fillScoreOutOfRange(let broker, let score):
      return "Broker \(broker) has fill-quality score \(score); scores must be between 0 and 1."
    case .smoothingOutOfRange(let value):
      return "EWMA smoothing must be 1…1000 per mille (got \(value))."
    case .negativeLatency(let value):
      return "Latency samples must not be negative (got \(value) µs)."
    case .duplicateBroker(let broker):
      return "Broker \(broker) is listed twice among the candidates."
    case .noEligibleBroker(let exclusions):
      let reasons = exclusions.map { "\($0.broker): \($0.reasons.map(\.description).joined(separator: ", "))" }
      return "No broker can take this order (" + reasons.joined(separator: "; ") + ")."
    case .arithmetic(let error):
      return "Routing could not compute fees: \(error)."
    }
  }
}

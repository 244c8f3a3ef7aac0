/// Weights of the broker score: cost, speed and fill quality, summing to exactly 1.
public struct ScoringWeights: Hashable, Sendable {
  /// Weight of `1 − normalized fee`.
  public let cost: FixedDecimal
  /// Weight of `1 − normalized latency`.
  public let speed: FixedDecimal
  /// Weight of the fill-quality score.
  public let fill: FixedDecimal

  /// Creates weights.
  /// - Throws: `RoutingError.negativeWeight`, or `.weightsMustSumToOne` unless they add to 1 exactly.
  public init(cost: FixedDecimal, speed: FixedDecimal, fill: FixedDecimal) throws(RoutingError) {
    for weight in [cost, speed, fill] where weight.isNegative { throw .negativeWeight(weight) }
    let sum = try? cost.adding(speed).adding(fill)
    guard sum == .one else { throw .weightsMustSumToOne(cost: cost, speed: speed, fill: fill) }
    self.cost = cost
    self.speed = speed
    self.fill = fill
  }

  /// Cost 40 %, speed 30 %, fill quality 30 %.
  public static let defaults: ScoringWeights = {
    do { return try ScoringWeights(cost: "0.4", speed: "0.3", fill: "0.3") } catch {
      preconditionFailure("\(error)")
    }
  }()
}

/// Chooses a broker for an order: excludes brokers that cannot take it, applies user rules, scores
/// the rest (`w_cost·(1 − normalized fee) + w_speed·(1 − normalized latency) + w_fill·fill score`)
/// and falls back to smart defaults when top scores tie or data is missing.
///
/// Normalization divides by the highest fee (latency) among the eligible candidates, so the
/// cheapest (fastest) broker gets the most of that weight; unknown latency counts as the slowest and
/// unknown fill quality as 0. Fees are exact fixed-point; ratios, components and totals are integer
/// fixed-point at 10⁻⁹ resolution, rounded half-to-even (fast 64-bit arithmetic on the hot path).
public struct BrokerRouter: Hashable, Sendable {
  /// The score weights.
  public var weights: ScoringWeights
  /// User rules, applied in order before scoring.
  public var rules: [RoutingRule]
  /// The tie / missing-data defaults.
  public var defaults: SmartDefaults

  /// Creates a router.
  public init(
    weights: ScoringWeights = .defaults, rules: [RoutingRule] = [], defaults: SmartDefaults = .standard
  ) {
    self.weights = weights
    self.rules = rules
    self.defaults = defaults
  }

  /// Routes one order among `candidates`.
  /// - Throws: `RoutingError.noEligibleBroker` when every candidate is excluded,
  ///   `.duplicateBroker`, `.fillScoreOutOfRange`, `.arithmetic`.
  public func route(_ request: RoutingRequest, among candidates: [BrokerProfile]) throws(RoutingError) -> RoutingDecision {
    // Candidate lists are short (a handful of brokers): linear scans beat hashing here.
    var eligible: [Int] = []
    eligible.reserveCapacity(candidates.count)
    var exclusions: [BrokerExclusion] = []
    for index in candidates.indices {
      let id = candidates[index].id
      for earlier in 0..<index where candidates[earlier].id == id { throw .duplicateBroker(id) }
      if let fill = candidates[index].fillQuality, fill.isNegative || fill > .one {
        throw .fillScoreOutOfRange(broker: id, score: fill)
      }
      let reasons = Self.exclusionReasons(candidates[index], request)
      if reasons.isEmpty {
        eligible.append(index)
      } else {
        exclusions.append(BrokerExclusion(broker: id, reasons: reasons))
      }
    }
    guard !eligible.isEmpty else { throw .noEligibleBroker(exclusions: exclusions) }

    let scores: [BrokerScore]
    do {
      scores = try score(eligible, of: candidates, for: request)
    } catch {
      throw .arithmetic(error)
    }
    let (chosen, selection) = select(request, scores: scores, candidates: candidates, eligible: eligible)
    var chain: [BrokerID] = [chosen]
    chain.reserveCapacity(scores.count)
    for score in scores where score.broker != chosen { chain.append(score.broker) }
    return RoutingDecision(
      chosen: chosen, selection: selection, scores: scores, exclusions: exclusions, failoverChain: chain)
  }

  private func select(
    _ request: RoutingRequest, scores: [BrokerScore], candidates: [BrokerProfile], eligible: [Int]
  ) -> (BrokerID, RoutingSelection) {
    func isEligible(_ id: BrokerID) -> Bool { eligible.contains { candidates[$0].id == id } }
    for (index, rule) in rules.enumerated() where isEligible(rule.broker) && rule.matches(request) {
      return (rule.broker, .userRule(index: index, rule: rule))
    }
    let best = scores[0]
    let smartDefault = defaults.broker(for: request).flatMap { isEligible($0) ? $0 : nil }
    let tied = scores.prefix { $0.total == best.total }
    if tied.count > 1 {
      if let smartDefault, tied.contains(where: { $0.broker == smartDefault }) {
        return (smartDefault, .smartDefaultOnTie)
      }
      return (best.broker, .highestScore)
    }
    if let smartDefault, eligible.contains(where: { !candidates[$0].hasCompleteData }) {
      return (smartDefault, .smartDefaultOnMissingData)
    }
    return (best.broker, .highestScore)
  }

  static func exclusionReasons(_ profile: BrokerProfile, _ request: RoutingRequest) -> [ExclusionReason] {
    var reasons: [ExclusionReason] = []
    let assetClass = request.symbol.assetClass
    if !profile.isConnected { reasons.append(.disconnected) }
    if !profile.isHealthy { reasons.append(.unhealthy) }
    if profile.rateLimitHeadroom <= 0 { reasons.append(.rateLimited(headroom: profile.rateLimitHeadroom)) }
    // A linear scan of at most four cases avoids hashing the raw-value string.
    if !profile.supportedAssetClasses.contains(where: { $0 == assetClass }) {
      reasons.append(.assetClassNotSupported(assetClass))
    }
    if request.isFractional && !profile.supportsFractional { reasons.append(.fractionalNotSupported) }
    return reasons
  }

  /// Scores are computed at 10⁻⁹ resolution in 64-bit integers (one hardware division per ratio,
  /// products of two values ≤ 10⁹ fit in `UInt64`) and reported as `FixedDecimal`.
  private static let scoreUnit: UInt64 = 1_000_000_000
  private static let rawPerScoreUnit: Int128 = 1_000

  /// `numerator ÷ denominator` at 10⁻⁹, half-to-even, for `0 ≤ numerator ≤ denominator`, `denominator > 0`.
  private static func ratio(_ numerator: UInt64, _ denominator: UInt64) -> UInt64 {
    let (quotient, remainder) = denominator.dividingFullWidth(numerator.multipliedFullWidth(by: scoreUnit))
    return roundHalfEven(quotient, remainder, denominator)
  }

  /// A ratio of two non-negative raw 10⁻¹² values at 10⁻⁹; falls back to 128-bit arithmetic when
  /// they exceed 64 bits.
  private static func ratio(_ numerator: FixedDecimal, _ denominator: FixedDecimal) throws(AmountError) -> UInt64 {
    if let n = UInt64(exactly: numerator.rawValue), let d = UInt64(exactly: denominator.rawValue) {
      return ratio(n, d)
    }
    let exact = try numerator.divided(by: denominator, rounding: .toNearestOrEven)
    return UInt64(exact.rawValue / rawPerScoreUnit)
  }

  /// `a × b` for two values in 0…1 at 10⁻⁹, half-to-even.
  private static func product(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (quotient, remainder) = (a * b).quotientAndRemainder(dividingBy: scoreUnit)
    return roundHalfEven(quotient, remainder, scoreUnit)
  }

  private static func roundHalfEven(_ quotient: UInt64, _ remainder: UInt64, _ divisor: UInt64) -> UInt64 {
    let upper = divisor - remainder
    return remainder > upper || (remainder == upper && quotient & 1 == 1) ? quotient + 1 : quotient
  }

  /// A weight at 10⁻⁹ (weights are 0…1).
  private static func scoreUnits(_ value: FixedDecimal) -> UInt64 {
    UInt64(value.rawValue / rawPerScoreUnit)
  }

  private static func decimal(_ units: UInt64) -> FixedDecimal {
    FixedDecimal(rawValue: Int128(units) * rawPerScoreUnit)
  }

  private func score(
    _ eligible: [Int], of candidates: [BrokerProfile], for request: RoutingRequest
  ) throws(AmountError) -> [BrokerScore] {
    let notional = try request.notional()
    var fees: [Money] = []
    fees.reserveCapacity(eligible.count)
    var maxFee = FixedDecimal.zero
    var maxLatency: Int64 = 0
    for index in eligible {
      let fee = try candidates[index].fees.fee(quantity: request.quantity, notional: notional)
      fees.append(fee)
      maxFee = .maximum(maxFee, fee.amount)
      maxLatency = max(maxLatency, candidates[index].latency.microseconds ?? 0)
    }
    var scores: [BrokerScore] = []
    scores.reserveCapacity(eligible.count)
    let (costWeight, speedWeight, fillWeight) =
      (Self.scoreUnits(weights.cost), Self.scoreUnits(weights.speed), Self.scoreUnits(weights.fill))
    for (index, fee) in zip(eligible, fees) {
      // Read fields in place: copying a whole profile costs retains of its set and id.
      // Fees are non-negative, so fee ≤ maxFee and the ratio is in 0…1.
      let feeRatio = maxFee.isPositive ? try Self.ratio(fee.amount, maxFee) : 0
      let latencyRatio: UInt64
      if let latency = candidates[index].latency.microseconds {
        latencyRatio = maxLatency > 0 ? Self.ratio(UInt64(latency), UInt64(maxLatency)) : 0
      } else {
        latencyRatio = Self.scoreUnit
      }
      let fillScore = candidates[index].fillQuality ?? .zero
      let cost = Self.product(costWeight, Self.scoreUnit - feeRatio)
      let speed = Self.product(speedWeight, Self.scoreUnit - latencyRatio)
      let fill = Self.product(fillWeight, Self.scoreUnits(fillScore))
      scores.append(
        BrokerScore(
          broker: candidates[index].id, fee: fee, normalizedFee: Self.decimal(feeRatio),
          normalizedLatency: Self.decimal(latencyRatio), fillScore: fillScore, costComponent: Self.decimal(cost),
          speedComponent: Self.decimal(speed), fillComponent: Self.decimal(fill),
          total: Self.decimal(cost + speed + fill), hasCompleteData: candidates[index].hasCompleteData))
    }
    scores.sort { $0.total != $1.total ? $0.total > $1.total : $0.broker < $1.broker }
    return scores
  }
}

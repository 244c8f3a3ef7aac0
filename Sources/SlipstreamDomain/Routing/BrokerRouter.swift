/// Chooses a broker for an order: excludes brokers that cannot take it, applies user rules, scores
/// the rest (`w_cost·(1 − normalized fee) + w_speed·(1 − normalized latency) + w_fill·fill score`)
/// and falls back to smart defaults when top scores tie or data is missing.
///
/// Normalization divides by the highest fee (latency) among the eligible candidates, so the
/// cheapest (fastest) broker gets the most of that weight; unknown latency counts as the slowest and
/// unknown fill quality as 0. All arithmetic is fixed-point, rounded half-to-even at 12 places.
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
    var seen = Set<BrokerID>()
    var eligible: [BrokerProfile] = []
    var exclusions: [BrokerExclusion] = []
    for profile in candidates {
      guard seen.insert(profile.id).inserted else { throw .duplicateBroker(profile.id) }
      if let fill = profile.fillQuality, fill.isNegative || fill > .one {
        throw .fillScoreOutOfRange(broker: profile.id, score: fill)
      }
      let reasons = Self.exclusionReasons(profile, request)
      if reasons.isEmpty {
        eligible.append(profile)
      } else {
        exclusions.append(BrokerExclusion(broker: profile.id, reasons: reasons))
      }
    }
    guard !eligible.isEmpty else { throw .noEligibleBroker(exclusions: exclusions) }

    let scores: [BrokerScore]
    do {
      scores = try score(eligible, for: request)
    } catch {
      throw .arithmetic(error)
    }
    let eligibleIDs = Set(eligible.map(\.id))
    let (chosen, selection) = select(request, scores: scores, eligible: eligible, eligibleIDs: eligibleIDs)
    let chain = [chosen] + scores.map(\.broker).filter { $0 != chosen }
    return RoutingDecision(
      chosen: chosen, selection: selection, scores: scores, exclusions: exclusions, failoverChain: chain)
  }

  private func select(
    _ request: RoutingRequest, scores: [BrokerScore], eligible: [BrokerProfile], eligibleIDs: Set<BrokerID>
  ) -> (BrokerID, RoutingSelection) {
    for (index, rule) in rules.enumerated() where eligibleIDs.contains(rule.broker) && rule.matches(request) {
      return (rule.broker, .userRule(index: index, rule: rule))
    }
    let best = scores[0]
    let smartDefault = defaults.broker(for: request).flatMap { eligibleIDs.contains($0) ? $0 : nil }
    let tied = scores.filter { $0.total == best.total }
    if tied.count > 1 {
      if let smartDefault, tied.contains(where: { $0.broker == smartDefault }) {
        return (smartDefault, .smartDefaultOnTie)
      }
      return (best.broker, .highestScore)
    }
    if let smartDefault, eligible.contains(where: { !$0.hasCompleteData }) {
      return (smartDefault, .smartDefaultOnMissingData)
    }
    return (best.broker, .highestScore)
  }

  static func exclusionReasons(_ profile: BrokerProfile, _ request: RoutingRequest) -> [ExclusionReason] {
    var reasons: [ExclusionReason] = []
    if !profile.isConnected { reasons.append(.disconnected) }
    if !profile.isHealthy { reasons.append(.unhealthy) }
    if profile.rateLimitHeadroom <= 0 { reasons.append(.rateLimited(headroom: profile.rateLimitHeadroom)) }
    if !profile.supportedAssetClasses.contains(request.symbol.assetClass) {
      reasons.append(.assetClassNotSupported(request.symbol.assetClass))
    }
    if request.isFractional && !profile.supportsFractional { reasons.append(.fractionalNotSupported) }
    return reasons
  }

  private func score(_ eligible: [BrokerProfile], for request: RoutingRequest) throws(AmountError) -> [BrokerScore] {
    let notional = try request.notional()
    var fees: [Money] = []
    fees.reserveCapacity(eligible.count)
    var maxFee = FixedDecimal.zero
    var maxLatency: Int64 = 0
    for profile in eligible {
      let fee = try profile.fees.fee(quantity: request.quantity, notional: notional)
      fees.append(fee)
      maxFee = .maximum(maxFee, fee.amount)
      maxLatency = max(maxLatency, profile.latency.microseconds ?? 0)
    }
    var scores: [BrokerScore] = []
    scores.reserveCapacity(eligible.count)
    for (profile, fee) in zip(eligible, fees) {
      let normalizedFee = maxFee.isPositive ? try fee.amount.divided(by: maxFee, rounding: .toNearestOrEven) : .zero
      let normalizedLatency: FixedDecimal
      if let latency = profile.latency.microseconds {
        normalizedLatency =
          maxLatency > 0
          ? try FixedDecimal(integerLiteral: Int(latency)).divided(
            by: FixedDecimal(integerLiteral: Int(maxLatency)), rounding: .toNearestOrEven)
          : .zero
      } else {
        normalizedLatency = .one
      }
      let fillScore = profile.fillQuality ?? .zero
      let cost = try weights.cost.multiplied(by: try FixedDecimal.one.subtracting(normalizedFee), rounding: .toNearestOrEven)
      let speed = try weights.speed.multiplied(by: try FixedDecimal.one.subtracting(normalizedLatency), rounding: .toNearestOrEven)
      let fill = try weights.fill.multiplied(by: fillScore, rounding: .toNearestOrEven)
      scores.append(
        BrokerScore(
          broker: profile.id, fee: fee, normalizedFee: normalizedFee, normalizedLatency: normalizedLatency,
          fillScore: fillScore, costComponent: cost, speedComponent: speed, fillComponent: fill,
          total: try cost.adding(speed).adding(fill), hasCompleteData: profile.hasCompleteData))
    }
    scores.sort { $0.total != $1.total ? $0.total > $1.total : $0.broker < $1.broker }
    return scores
  }
}

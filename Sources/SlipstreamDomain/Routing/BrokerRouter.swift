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

  private static let unit = FixedDecimal.rawUnitsPerOne

  /// `numerator ÷ denominator` in units of 10⁻¹², rounded half-to-even, for a ratio known to lie in
  /// 0…1 (`0 ≤ numerator ≤ denominator`, both raw 10⁻¹² values); falls back to checked division if
  /// the scaled numerator would overflow.
  private static func unitRatio(_ numerator: Int128, _ denominator: Int128) throws(AmountError) -> FixedDecimal {
    let (scaled, overflow) = numerator.multipliedReportingOverflow(by: unit)
    guard !overflow else {
      return try FixedDecimal(rawValue: numerator).divided(by: FixedDecimal(rawValue: denominator), rounding: .toNearestOrEven)
    }
    return FixedDecimal(rawValue: roundHalfEven(scaled, denominator))
  }

  /// `a × b` for two values in 0…1 (raw ≤ 10¹², so the raw product fits easily), half-to-even.
  private static func unitProduct(_ a: FixedDecimal, _ b: FixedDecimal) -> FixedDecimal {
    FixedDecimal(rawValue: roundHalfEven(a.rawValue * b.rawValue, unit))
  }

  private static func roundHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
    let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
    let twice = remainder * 2
    if twice > denominator || (twice == denominator && quotient & 1 == 1) { return quotient + 1 }
    return quotient
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
    for (index, fee) in zip(eligible, fees) {
      let profile = candidates[index]
      // Fees are non-negative, so fee ≤ maxFee and the ratio is in 0…1.
      let normalizedFee = maxFee.isPositive ? try Self.unitRatio(fee.amount.rawValue, maxFee.rawValue) : .zero
      let normalizedLatency: FixedDecimal
      if let latency = profile.latency.microseconds {
        normalizedLatency = maxLatency > 0 ? try Self.unitRatio(Int128(latency), Int128(maxLatency)) : .zero
      } else {
        normalizedLatency = .one
      }
      let fillScore = profile.fillQuality ?? .zero
      let cost = Self.unitProduct(weights.cost, FixedDecimal(rawValue: Self.unit - normalizedFee.rawValue))
      let speed = Self.unitProduct(weights.speed, FixedDecimal(rawValue: Self.unit - normalizedLatency.rawValue))
      let fill = Self.unitProduct(weights.fill, fillScore)
      scores.append(
        BrokerScore(
          broker: profile.id, fee: fee, normalizedFee: normalizedFee, normalizedLatency: normalizedLatency,
          fillScore: fillScore, costComponent: cost, speedComponent: speed, fillComponent: fill,
          total: FixedDecimal(rawValue: cost.rawValue + speed.rawValue + fill.rawValue),
          hasCompleteData: profile.hasCompleteData))
    }
    scores.sort { $0.total != $1.total ? $0.total > $1.total : $0.broker < $1.broker }
    return scores
  }
}

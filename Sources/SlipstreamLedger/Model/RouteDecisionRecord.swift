public import SlipstreamDomain

/// One entry of the router's immutable decision log.
public struct RouteDecisionRecord: Sendable, Hashable {
  /// What the router decided.
  public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// Send the order to ``RouteDecisionRecord/broker``.
    case execute
    /// Do not execute now (for example the spread is too wide).
    case downgrade
  }

  /// One broker's scores.
  public struct Score: Sendable, Hashable {
    public var broker: String
    public var cost: FixedDecimal
    public var speed: FixedDecimal
    public var fill: FixedDecimal
    public var total: FixedDecimal

    public init(broker: String, cost: FixedDecimal, speed: FixedDecimal, fill: FixedDecimal, total: FixedDecimal) {
      self.broker = broker
      self.cost = cost
      self.speed = speed
      self.fill = fill
      self.total = total
    }
  }

  /// A broker left out of scoring, and why.
  public struct Exclusion: Sendable, Hashable {
    public var broker: String
    public var reason: String
    public var detail: String

    public init(broker: String, reason: String, detail: String) {
      self.broker = broker
      self.reason = reason
      self.detail = detail
    }
  }

  /// Unique id of the decision within the tenant.
  public var decisionID: String
  public var tenantID: String
  public var userID: String
  public var strategyID: String
  /// The order intent decided on.
  public var intentID: String
  /// The instrument's ticker.
  public var symbol: String
  public var outcome: Outcome
  /// The chosen broker (empty for a downgrade).
  public var broker: String
  /// Scores of every scored broker, best first.
  public var scores: [Score]
  /// Observed spread, percent of mid.
  public var spreadPercent: FixedDecimal
  /// The asset class's spread threshold, percent.
  public var thresholdPercent: FixedDecimal
  /// Why: the downgrade reason or the rule that decided.
  public var reason: String
  public var estimatedSlippage: FixedDecimal
  public var estimatedFees: FixedDecimal
  /// Brokers to fail over to, in order.
  public var failoverChain: [String]
  public var exclusions: [Exclusion]
  public var matchedRuleID: String
  public var correlationID: String
  public var decidedAt: Timestamp

  /// Creates a decision record.
  public init(
    decisionID: String,
    tenantID: String,
    userID: String = "",
    strategyID: String = "",
    intentID: String = "",
    symbol: String,
    outcome: Outcome,
    broker: String,
    scores: [Score] = [],
    spreadPercent: FixedDecimal = .zero,
    thresholdPercent: FixedDecimal = .zero,
    reason: String = "",
    estimatedSlippage: FixedDecimal = .zero,
    estimatedFees: FixedDecimal = .zero,
    failoverChain: [String] = [],
    exclusions: [Exclusion] = [],
    matchedRuleID: String = "",
    correlationID: String = "",
    decidedAt: Timestamp
  ) {
    self.decisionID = decisionID
    self.tenantID = tenantID
    self.userID = userID
    self.strategyID = strategyID
    self.intentID = intentID
    self.symbol = symbol
    self.outcome = outcome
    self.broker = broker
    self.scores = scores
    self.spreadPercent = spreadPercent
    self.thresholdPercent = thresholdPercent
    self.reason = reason
    self.estimatedSlippage = estimatedSlippage
    self.estimatedFees = estimatedFees
    self.failoverChain = failoverChain
    self.exclusions = exclusions
    self.matchedRuleID = matchedRuleID
    self.correlationID = correlationID
    self.decidedAt = decidedAt
  }
}

/// The outcome of the cost gate for one signal.
public enum CostDecision: Sendable, Hashable {
  /// What a downgraded signal becomes.
  public enum Signal: String, Sendable, Hashable { case wait }

  /// The spread is within the threshold: go ahead.
  case execute
  /// The spread is too wide: do not trade now, for the given human-readable reason.
  case downgrade(to: Signal, reason: String)
}

/// The numbers behind a ``CostDecision``.
public struct CostAnalysis: Sendable, Hashable {
  /// Relative spread as a fraction, rounded up (see ``Quote/spreadFraction()``).
  public let spread: FixedDecimal
  /// The threshold that applied, as a fraction.
  public let threshold: FixedDecimal
  /// Notional at the far touch: ask × quantity for a buy, bid × quantity for a sell, times the
  /// slippage model's contract multiplier (set it to 100 for US options).
  public let notional: Money
  /// Expected slippage against mid (see ``SlippageModel``).
  public let estimatedSlippage: Money
  public let decision: CostDecision
}

/// Gates trading signals on the cost of crossing the spread.
///
/// The threshold for a signal is, in order of precedence: the strategy's override
/// (`max_slippage_pct` semantics), the global override, the asset class's threshold. A spread
/// strictly above the threshold downgrades the signal to WAIT with a reason such as
/// `Spread 0.15% exceeds threshold 0.10%`; a spread equal to it executes.
public struct CostGate: Sendable, Hashable {
  public var thresholds: SpreadThresholds
  /// One threshold for every asset class, if set.
  public var globalOverride: FixedDecimal?
  /// Per-strategy thresholds.
  public var strategyOverrides: [StrategyID: FixedDecimal]
  /// How slippage is estimated for ``CostAnalysis/estimatedSlippage``.
  public var slippageModel: SlippageModel

  public init(
    thresholds: SpreadThresholds = .defaults, globalOverride: FixedDecimal? = nil,
    strategyOverrides: [StrategyID: FixedDecimal] = [:], slippageModel: SlippageModel = SlippageModel()
  ) {
    self.thresholds = thresholds
    self.globalOverride = globalOverride
    self.strategyOverrides = strategyOverrides
    self.slippageModel = slippageModel
  }

  /// The threshold that applies to `assetClass` for `strategy`.
  public func threshold(for assetClass: AssetClass, strategy: StrategyID? = nil) -> FixedDecimal {
    if let strategy, let override = strategyOverrides[strategy] { return override }
    return globalOverride ?? thresholds[assetClass]
  }

  /// Decides whether a signal may execute now.
  /// - Throws: ``QuoteRejection`` if the quote's prices are unusable (see
  ///   ``QuoteValidation/validatePrices(_:)``) or the arithmetic overflows.
  public func evaluate(
    _ quote: Quote, side: OrderSide, quantity: Quantity, strategy: StrategyID? = nil
  ) throws(QuoteRejection) -> CostDecision {
    try analyze(quote, side: side, quantity: quantity, strategy: strategy).decision
  }

  /// ``evaluate(_:side:quantity:strategy:)`` with the numbers behind the decision.
  /// - Throws: ``QuoteRejection``.
  public func analyze(
    _ quote: Quote, side: OrderSide, quantity: Quantity, strategy: StrategyID? = nil
  ) throws(QuoteRejection) -> CostAnalysis {
    try QuoteValidation.validatePrices(quote)
    let threshold = threshold(for: quote.symbol.assetClass, strategy: strategy)
    do {
      let spread = try quote.spreadFraction()
      let decision: CostDecision =
        spread > threshold ? .downgrade(to: .wait, reason: try Self.reason(spread: spread, threshold: threshold)) : .execute
      return CostAnalysis(
        spread: spread, threshold: threshold,
        notional: try quote.farTouch(for: side).price.notional(
          of: quantity.multiplied(by: slippageModel.contractMultiplier.value, rounding: .toNearestOrEven),
          in: quote.symbol.quoteCurrency),
        estimatedSlippage: try slippageModel.estimate(quote, side: side, quantity: quantity),
        decision: decision)
    } catch {
      throw .arithmetic(error)
    }
  }

  /// `Spread 0.15% exceeds threshold 0.10%`: the spread is shown rounded *up* to two decimals
  /// (so a spread above the threshold never reads as equal to it), the threshold rounded
  /// half-to-even.
  /// - Throws: ``AmountError/overflow``.
  public static func reason(spread: FixedDecimal, threshold: FixedDecimal) throws(AmountError) -> String {
    let spreadText = try spread.multiplied(by: 100).formatted(places: 2, .up)
    let thresholdText = try threshold.multiplied(by: 100).formatted(places: 2, .toNearestOrEven)
    return "Spread \(spreadText)% exceeds threshold \(thresholdText)%"
  }
}

extension Symbol {
  /// The currency prices of this symbol are quoted in: the quote leg of a pair, else USD.
  public var quoteCurrency: Currency {
    (quoteAsset.flatMap { try? Currency($0) }) ?? .usd
  }
}

/// What a rebalance should reach.
public enum RebalanceTarget: Hashable, Sendable {
  /// A fraction of equity (cash + positions) per symbol, each 0…1, summing to at most 1; symbols held
  /// but not listed are sold; what is not allocated stays in cash.
  case weights([Symbol: FixedDecimal])
  /// An explicit target quantity per symbol; symbols not listed are left alone.
  case quantities([Symbol: Quantity])
}

/// What to do when the buying power after sells does not cover every buy.
public enum ShortfallPolicy: Hashable, Sendable {
  /// Scale every buy by the same factor (buying power ÷ wanted cost), then round down to lots.
  case scaleProportionally
  /// Fill buys fully in this order (symbols not listed follow, by symbol); the first that does not
  /// fit gets what the remaining buying power covers, and later ones get whatever still fits.
  case priorityOrder([Symbol])
}

/// The planner's settings.
public struct RebalanceConstraints: Hashable, Sendable {
  /// Legs whose notional is below this are skipped.
  public var minimumTradeNotional: Money
  /// How to shrink buys when buying power is short.
  public var shortfall: ShortfallPolicy
  /// Lot sizes, minimum quantities, fractional shares and contract multipliers.
  public var instruments: InstrumentCatalog

  /// Creates constraints: $1 minimum trade, proportional scaling, default catalog (whole shares).
  public init(
    minimumTradeNotional: Money = Money(amount: 1), shortfall: ShortfallPolicy = .scaleProportionally,
    instruments: InstrumentCatalog = .defaults
  ) {
    self.minimumTradeNotional = minimumTradeNotional
    self.shortfall = shortfall
    self.instruments = instruments
  }
}

/// One order of a plan.
public struct RebalanceLeg: Hashable, Sendable {
  /// The instrument.
  public let symbol: Symbol
  /// Buy or sell.
  public let side: OrderSide
  /// Positive quantity, a multiple of the lot (a full liquidation may sell an odd remainder).
  public let quantity: Quantity
  /// The price the plan assumed.
  public let price: Price
  /// `quantity × price × multiplier`.
  public let notional: Money
}

/// Why a wanted trade is not in the plan.
public enum RebalanceSkipReason: Hashable, Sendable {
  /// The trade's notional is below the minimum trade size.
  case belowMinimumTradeNotional(Money)
  /// The quantity rounds to zero lots (or below the instrument's minimum quantity).
  case belowMinimumQuantity(Quantity)
  /// No buying power was left for it.
  case noBuyingPower
}

/// A trade the planner wanted but left out.
public struct SkippedTrade: Hashable, Sendable {
  /// The instrument.
  public let symbol: Symbol
  /// The side it would have had.
  public let side: OrderSide
  /// Why it was left out.
  public let reason: RebalanceSkipReason
}

/// A sell-first rebalance: sells, then buys sized to the buying power the sells release.
public struct RebalancePlan: Hashable, Sendable {
  /// Sells, by symbol; place and settle these first.
  public let sells: [RebalanceLeg]
  /// Buys, in placement order, covered by `buyingPower`.
  public let buys: [RebalanceLeg]
  /// Trades left out, with reasons.
  public let skipped: [SkippedTrade]
  /// Cash before trading.
  public let cashBefore: Money
  /// Expected proceeds of the sells.
  public let sellProceeds: Money
  /// `cashBefore + sellProceeds`.
  public let buyingPower: Money
  /// Cost of the buys (never above `buyingPower`).
  public let buyCost: Money
  /// `buyingPower − buyCost`.
  public let cashAfter: Money
  /// Whether buys were shrunk because buying power was short.
  public let buysReduced: Bool

  /// Sells then buys.
  public var legs: [RebalanceLeg] { sells + buys }
}

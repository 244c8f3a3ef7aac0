/// The minimum price increment of an instrument, possibly tiered by price level.
///
/// Tiers are ascending by ``Tier/minimumPrice``; the first starts at 0 and applies to negative
/// prices too. Every boundary is a multiple of the ticks on both of its sides, so rounding never
/// lands off the grid of the tier it lands in.
public struct TickSizeRule: Sendable, Hashable {
  /// The tick that applies from `minimumPrice` up to the next tier.
  public struct Tier: Sendable, Hashable {
    public let minimumPrice: Price
    public let tick: Price

    public init(minimumPrice: Price, tick: Price) {
      self.minimumPrice = minimumPrice
      self.tick = tick
    }
  }

  public let tiers: [Tier]

  /// Validates tiers.
  /// - Throws: ``InstrumentError/invalidTickSizeRule(_:)`` naming the problem.
  public init(tiers: [Tier]) throws(InstrumentError) {
    guard let first = tiers.first else { throw .invalidTickSizeRule(.noTiers) }
    guard first.minimumPrice.isZero else { throw .invalidTickSizeRule(.firstTierNotAtZero(first.minimumPrice)) }
    for tier in tiers where !tier.tick.isPositive {
      throw .invalidTickSizeRule(.nonPositiveTick(tier.tick))
    }
    for (lower, upper) in zip(tiers, tiers.dropFirst()) {
      guard lower.minimumPrice < upper.minimumPrice else { throw .invalidTickSizeRule(.tiersNotAscending) }
      guard upper.minimumPrice.isMultiple(of: lower.tick), upper.minimumPrice.isMultiple(of: upper.tick) else {
        throw .invalidTickSizeRule(.boundaryOffTick(upper.minimumPrice))
      }
    }
    self.tiers = tiers
  }

  /// One tick at every price level.
  /// - Throws: ``InstrumentError/invalidTickSizeRule(_:)`` if `tick <= 0`.
  public static func fixed(_ tick: Price) throws(InstrumentError) -> TickSizeRule {
    try TickSizeRule(tiers: [Tier(minimumPrice: 0, tick: tick)])
  }

  /// Below `threshold` the `belowTick`, at or above it the `aboveTick`.
  /// - Throws: ``InstrumentError/invalidTickSizeRule(_:)``.
  public static func twoTier(below belowTick: Price, threshold: Price, atOrAbove aboveTick: Price)
    throws(InstrumentError) -> TickSizeRule
  {
    try TickSizeRule(tiers: [Tier(minimumPrice: 0, tick: belowTick), Tier(minimumPrice: threshold, tick: aboveTick)])
  }

  private init(trusted tiers: [Tier]) { self.tiers = tiers }

  /// US equities (Reg NMS rule 612): $0.01 at or above $1.00, $0.0001 below.
  public static let usEquity = TickSizeRule(trusted: [
    Tier(minimumPrice: 0, tick: "0.0001"), Tier(minimumPrice: 1, tick: "0.01"),
  ])
  /// US listed options: $0.05 under $3.00, $0.10 at or above.
  public static let usOptions = TickSizeRule(trusted: [
    Tier(minimumPrice: 0, tick: "0.05"), Tier(minimumPrice: 3, tick: "0.10"),
  ])
  /// US options in the penny program: $0.01 under $3.00, $0.05 at or above.
  public static let usOptionsPennyPilot = TickSizeRule(trusted: [
    Tier(minimumPrice: 0, tick: "0.01"), Tier(minimumPrice: 3, tick: "0.05"),
  ])

  /// The tick that applies at `price`.
  public func tick(at price: Price) -> Price {
    tiers.last { $0.minimumPrice <= price }?.tick ?? tiers[0].tick
  }

  /// Rounds `price` to the grid of its tier.
  /// - Throws: ``AmountError/overflow``; ``AmountError/precisionLoss`` for `.exact` off the grid.
  public func round(_ price: Price, _ mode: RoundingMode) throws(AmountError) -> Price {
    try price.rounded(toMultipleOf: tick(at: price), mode)
  }

  /// Whether `price` is on the grid of its tier.
  public func isOnTick(_ price: Price) -> Bool {
    price.isMultiple(of: tick(at: price))
  }
}

/// Prices a smart-limit order one tick inside the spread.
///
/// A buy is anchored at best bid + one tick, a sell at best ask − one tick (the tick of the
/// price level just below the ask, so one tick under 1.00 is 0.9999), never crossing the
/// opposite side: when the spread is one tick or less the order joins the touch instead (buy at
/// the bid, sell at the ask). Prices are rounded to the instrument's tick grid (buys down,
/// sells up, so rounding never makes the order more aggressive).
///
/// It refuses when the relative spread is above the cap (``spreadCaps`` for the asset class,
/// by default the cost gate's thresholds) or when the size displayed at the touch the order
/// anchors to (the bid size for a buy, the ask size for a sell) is below the minimum for the
/// asset class (``minimumTouchSizes``; default 100 for equities, no minimum elsewhere).
public struct SmartLimitPricer: Sendable, Hashable {
  /// Widest relative spread (fraction) per asset class.
  public var spreadCaps: SpreadThresholds
  /// Smallest size at the anchoring touch, per asset class; absent classes have no minimum.
  public var minimumTouchSizes: [AssetClass: Quantity]

  public init(spreadCaps: SpreadThresholds = .defaults, minimumTouchSizes: [AssetClass: Quantity] = [.equity: 100]) {
    self.spreadCaps = spreadCaps
    self.minimumTouchSizes = minimumTouchSizes
  }

  public static let defaults = SmartLimitPricer()

  /// The limit price for `side` on `quote`.
  /// - Throws: ``SmartLimitRefusal/invalidQuote(_:)``, ``SmartLimitRefusal/spreadTooWide(spread:cap:)``,
  ///   ``SmartLimitRefusal/insufficientSizeAtTouch(available:minimum:)``,
  ///   ``SmartLimitRefusal/arithmetic(_:)``.
  public func price(side: OrderSide, quote: Quote, instrument: Instrument) throws(SmartLimitRefusal) -> Price {
    try SmartLimitRefusal.checkPrices(quote)
    let cap = spreadCaps[instrument.assetClass]
    let touch = quote.nearTouch(for: side)
    let spread: FixedDecimal
    do {
      spread = try quote.spreadFraction()
    } catch {
      throw .arithmetic(error)
    }
    guard spread <= cap else { throw .spreadTooWide(spread: spread, cap: cap) }
    if let minimum = minimumTouchSizes[instrument.assetClass], touch.size < minimum {
      throw .insufficientSizeAtTouch(available: touch.size, minimum: minimum)
    }
    do {
      return try Self.insidePrice(side: side, quote: quote, instrument: instrument)
    } catch {
      throw .arithmetic(error)
    }
  }

  /// One tick inside the touch, or the touch itself when that would reach the other side.
  static func insidePrice(side: OrderSide, quote: Quote, instrument: Instrument) throws(AmountError) -> Price {
    switch side {
    case .buy:
      let join = try instrument.round(price: quote.bid, .down)
      let improved = try instrument.round(price: quote.bid + instrument.tick(at: quote.bid), .down)
      return improved < quote.ask ? Swift.max(improved, join) : join
    case .sell:
      let join = try instrument.round(price: quote.ask, .up)
      // Below a tier boundary the tick is smaller: one tick under 1.00 is 0.9999, not 0.99.
      let coarse = instrument.tick(at: quote.ask)
      let tick = Swift.min(coarse, instrument.tick(at: try quote.ask - coarse))
      let improved = try instrument.round(price: quote.ask - tick, .up)
      return improved > quote.bid ? Swift.min(improved, join) : join
    }
  }
}

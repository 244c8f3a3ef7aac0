/// Plans a rebalance from targets, current holdings, prices and cash: sells first, then buys sized to
/// the buying power after sells, rounded to lots and filtered by a minimum trade size.
///
/// Sells round *down* to lots (never below the target, never more than held) except that a target of
/// zero sells the whole holding. Buys round down to lots. When buys cost more than the buying power,
/// `RebalanceConstraints.shortfall` decides: scale every buy proportionally, or fill them in priority
/// order. Only long positions are planned.
public struct RebalancePlanner: Hashable, Sendable {
  /// The settings.
  public var constraints: RebalanceConstraints

  /// Creates a planner.
  public init(constraints: RebalanceConstraints = RebalanceConstraints()) {
    self.constraints = constraints
  }

  private struct Wanted {
    var instrument: Instrument
    var price: Price
    var quantity: Quantity
  }

  /// Plans the trades.
  ///
  /// - Parameters:
  ///   - target: weights of equity, or explicit quantities.
  ///   - holdings: current quantity per symbol (e.g. from `UnifiedPortfolio`).
  ///   - prices: a positive price for every symbol held or targeted.
  ///   - cash: cash available now.
  /// - Throws: `PortfolioError` for missing or non-positive prices, bad weights, negative target
  ///   quantities, unknown instruments or arithmetic overflow.
  public func plan(
    target: RebalanceTarget, holdings: [Symbol: Quantity], prices: [Symbol: Price], cash: Money
  ) throws(PortfolioError) -> RebalancePlan {
    try PortfolioError.folding {
      try makePlan(target: target, holdings: holdings, prices: prices, cash: cash)
    }
  }

  private func makePlan(
    target: RebalanceTarget, holdings: [Symbol: Quantity], prices: [Symbol: Price], cash: Money
  ) throws -> RebalancePlan {
    let currency = cash.currency
    func price(_ symbol: Symbol) throws -> Price {
      guard let price = prices[symbol] else { throw PortfolioError.missingPrice(symbol) }
      guard price.isPositive else { throw PortfolioError.nonPositivePrice(symbol, price) }
      return price
    }
    // Target quantities (exact, before lot rounding).
    var targets: [Symbol: Quantity] = [:]
    switch target {
    case .quantities(let quantities):
      for (symbol, quantity) in quantities {
        guard !quantity.isNegative else { throw PortfolioError.negativeTargetQuantity(symbol, quantity) }
        targets[symbol] = quantity
      }
    case .weights(let weights):
      var sum = FixedDecimal.zero
      for (symbol, weight) in weights {
        guard !weight.isNegative, weight <= .one else { throw PortfolioError.weightOutOfRange(symbol, weight) }
        sum = try sum.adding(weight)
      }
      guard sum <= .one else { throw PortfolioError.weightsExceedOne(sum) }
      var equity = cash
      for (symbol, quantity) in holdings where !quantity.isZero {
        let instrument = try constraints.instruments.instrument(for: symbol)
        equity = try equity.adding(try instrument.notional(price: try price(symbol), quantity: quantity))
      }
      for symbol in Set(weights.keys).union(holdings.keys) {
        let weight = weights[symbol] ?? .zero
        guard !weight.isZero else {
          targets[symbol] = .zero
          continue
        }
        let instrument = try constraints.instruments.instrument(for: symbol)
        let unitValue = try instrument.notional(price: try price(symbol), quantity: 1)
        let value = try equity.amount.multiplied(by: weight, rounding: .toNearestOrEven)
        targets[symbol] = Quantity(value: try value.divided(by: unitValue.amount, rounding: .down))
      }
    }

    var sells: [RebalanceLeg] = []
    var wantedBuys: [Wanted] = []
    var skipped: [SkippedTrade] = []
    for symbol in targets.keys.sorted(by: { $0.value < $1.value }) {
      let goal = targets[symbol]!
      let held = holdings[symbol] ?? .zero
      guard goal != held else { continue }
      let instrument = try constraints.instruments.instrument(for: symbol)
      let unitPrice = try price(symbol)
      if goal < held {
        let excess = try held - goal
        let quantity = goal.isZero ? held : try instrument.round(quantity: excess, .down)
        if let leg = try leg(instrument, .sell, quantity, unitPrice, currency, &skipped) { sells.append(leg) }
      } else {
        let quantity = try instrument.round(quantity: try goal - held, .down)
        wantedBuys.append(Wanted(instrument: instrument, price: unitPrice, quantity: quantity))
      }
    }

    var proceeds = Money.zero(currency)
    for sell in sells { proceeds = try proceeds.adding(sell.notional) }
    let buyingPower = try cash.adding(proceeds)

    var buys: [RebalanceLeg] = []
    var wantedCost = Money.zero(currency)
    for wanted in wantedBuys {
      wantedCost = try wantedCost.adding(try wanted.instrument.notional(price: wanted.price, quantity: wanted.quantity))
    }
    let reduced = try buyingPower.isLess(than: wantedCost)
    var sized: [Wanted] = wantedBuys
    if reduced {
      sized = try shrink(wantedBuys, wantedCost: wantedCost, buyingPower: buyingPower, skipped: &skipped)
    }
    var buyCost = Money.zero(currency)
    for wanted in sized {
      if let leg = try leg(wanted.instrument, .buy, wanted.quantity, wanted.price, currency, &skipped) {
        buys.append(leg)
        buyCost = try buyCost.adding(leg.notional)
      }
    }
    return RebalancePlan(
      sells: sells, buys: buys, skipped: skipped, cashBefore: cash, sellProceeds: proceeds,
      buyingPower: buyingPower, buyCost: buyCost, cashAfter: try buyingPower.subtracting(buyCost),
      buysReduced: reduced)
  }

  /// Resizes buys to fit `buyingPower` under the shortfall policy.
  private func shrink(
    _ wanted: [Wanted], wantedCost: Money, buyingPower: Money, skipped: inout [SkippedTrade]
  ) throws -> [Wanted] {
    switch constraints.shortfall {
    case .scaleProportionally:
      guard buyingPower.amount.isPositive else {
        skipped += wanted.map { SkippedTrade(symbol: $0.instrument.symbol, side: .buy, reason: .noBuyingPower) }
        return []
      }
      let factor = try buyingPower.amount.divided(by: wantedCost.amount, rounding: .down)
      return try wanted.map { item throws in
        var scaled = item
        let exact = Quantity(value: try item.quantity.value.multiplied(by: factor, rounding: .down))
        scaled.quantity = try item.instrument.round(quantity: exact, .down)
        return scaled
      }
    case .priorityOrder(let priority):
      let rank = Dictionary(priority.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
      let ordered = wanted.sorted {
        let (a, b) = (rank[$0.instrument.symbol] ?? Int.max, rank[$1.instrument.symbol] ?? Int.max)
        return a != b ? a < b : $0.instrument.symbol.value < $1.instrument.symbol.value
      }
      var remaining = buyingPower
      var result: [Wanted] = []
      for item in ordered {
        var sized = item
        let cost = try item.instrument.notional(price: item.price, quantity: item.quantity)
        if try remaining.isLess(than: cost) {
          let unitValue = try item.instrument.notional(price: item.price, quantity: 1)
          let affordable = Quantity(value: try remaining.amount.divided(by: unitValue.amount, rounding: .down))
          sized.quantity = try item.instrument.round(quantity: affordable, .down)
        }
        if sized.quantity.isZero {
          skipped.append(SkippedTrade(symbol: item.instrument.symbol, side: .buy, reason: .noBuyingPower))
          continue
        }
        remaining = try remaining.subtracting(try item.instrument.notional(price: item.price, quantity: sized.quantity))
        result.append(sized)
      }
      return result
    }
  }

  /// A leg, or `nil` (recorded in `skipped`) when it is below the minimum quantity or trade size.
  private func leg(
    _ instrument: Instrument, _ side: OrderSide, _ quantity: Quantity, _ price: Price, _ currency: Currency,
    _ skipped: inout [SkippedTrade]
  ) throws -> RebalanceLeg? {
    guard quantity.isPositive, quantity >= instrument.minimumQuantity else {
      skipped.append(SkippedTrade(symbol: instrument.symbol, side: side, reason: .belowMinimumQuantity(quantity)))
      return nil
    }
    let notional = try instrument.notional(price: price, quantity: quantity)
    if try notional.isLess(than: constraints.minimumTradeNotional) {
      skipped.append(SkippedTrade(symbol: instrument.symbol, side: side, reason: .belowMinimumTradeNotional(notional)))
      return nil
    }
    return RebalanceLeg(symbol: instrument.symbol, side: side, quantity: quantity, price: price, notional: notional)
  }
}

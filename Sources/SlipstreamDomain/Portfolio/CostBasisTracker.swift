/// How the cost of a sale is matched against purchases.
public enum CostBasisMethod: Hashable, Sendable, CaseIterable {
  /// First in, first out: the oldest lots are sold first.
  case fifo
  /// Average cost: every unit carries the pooled average cost.
  case averageCost
}

/// Units still held from one purchase and what they cost.
public struct TaxLot: Hashable, Sendable {
  /// Units still held from this purchase.
  public var quantity: Quantity
  /// The cost of those units, fees included (the purchase's cost less what sales removed).
  public var cost: Money
  /// When it was bought.
  public var acquiredAt: Timestamp

  /// Creates a lot.
  public init(quantity: Quantity, cost: Money, acquiredAt: Timestamp) {
    self.quantity = quantity
    self.cost = cost
    self.acquiredAt = acquiredAt
  }

  /// Cost per unit, fees included: cost ÷ quantity, half-to-even at 12 places (zero when empty).
  public var unitCost: Price {
    guard quantity.isPositive else { return Price(value: .zero) }
    return Price(value: (try? cost.amount.divided(by: quantity.value, rounding: .toNearestOrEven)) ?? .zero)
  }
}

/// Cost basis and P&L of one long position in one symbol, by FIFO or average cost.
///
/// Fees are part of the basis: a purchase's fees add to its lot's cost, a sale's fees reduce
/// its proceeds (both default to zero). Amounts are exact fixed-point; lots keep their total
/// cost, so where a part of a lot (or of the pool, under average cost) is sold the removed
/// cost is divided half-to-even at 12 places, and selling a whole lot or the whole position
/// removes its whole remaining cost, so no residue remains. Short selling is not modelled: a
/// sale larger than the holding is an error.
public struct CostBasisTracker: Hashable, Sendable {
  /// The matching method.
  public let method: CostBasisMethod
  /// The currency of costs and P&L.
  public let currency: Currency
  /// Open lots, oldest first (one pooled lot under average cost).
  public private(set) var lots: [TaxLot] = []
  /// Total cost of the units held.
  public private(set) var costBasis: Money
  /// P&L realized by sales so far.
  public private(set) var realizedPnL: Money

  /// Creates an empty position.
  public init(method: CostBasisMethod, currency: Currency = .usd) {
    self.method = method
    self.currency = currency
    self.costBasis = .zero(currency)
    self.realizedPnL = .zero(currency)
  }

  /// Units held.
  public var quantity: Quantity {
    lots.reduce(into: Quantity.zero) { total, lot in total = (try? total + lot.quantity) ?? total }
  }

  /// Cost per unit held (cost basis ÷ quantity, half-to-even); `nil` when flat.
  public var averageCost: Price? {
    let held = quantity
    guard held.isPositive else { return nil }
    return (try? costBasis.amount.divided(by: held.value, rounding: .toNearestOrEven)).map(Price.init(value:))
  }

  /// Records a purchase.
  /// - Parameters:
  ///   - fees: Fees and commissions paid for it, in the tracker's currency; part of its cost.
  /// - Throws: `PortfolioError.nonPositiveQuantity`, `.arithmetic` (also for fees in another currency).
  public mutating func buy(_ quantity: Quantity, at price: Price, fees: Money? = nil, on date: Timestamp) throws(PortfolioError) {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    do {
      let cost = try price.notional(of: quantity, in: currency, rounding: .toNearestOrEven).adding(fees ?? .zero(currency))
      costBasis = try costBasis.adding(cost)
      switch method {
      case .fifo:
        lots.append(TaxLot(quantity: quantity, cost: cost, acquiredAt: date))
      case .averageCost:
        let held = try (lots.first?.quantity ?? .zero) + quantity
        lots = [TaxLot(quantity: held, cost: costBasis, acquiredAt: lots.first?.acquiredAt ?? date)]
      }
    } catch {
      throw .arithmetic(error)
    }
  }

  /// Records a sale and returns the P&L it realizes (proceeds less its fees, less the cost of
  /// the units sold).
  /// - Parameters:
  ///   - fees: Fees and commissions paid for it, in the tracker's currency.
  /// - Throws: `PortfolioError.nonPositiveQuantity`, `.insufficientQuantity`, `.arithmetic`.
  @discardableResult
  public mutating func sell(_ quantity: Quantity, at price: Price, fees: Money? = nil) throws(PortfolioError) -> Money {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    let held = self.quantity
    guard quantity <= held else { throw .insufficientQuantity(held: held, requested: quantity) }
    do {
      let proceeds = try price.notional(of: quantity, in: currency, rounding: .toNearestOrEven).subtracting(fees ?? .zero(currency))
      let removedCost: Money
      if quantity == held {
        removedCost = costBasis
        lots = []
      } else {
        switch method {
        case .fifo: removedCost = try consumeFIFO(quantity)
        case .averageCost:
          removedCost = try Self.share(of: costBasis, units: quantity, of: held)
          lots[0].quantity = try lots[0].quantity - quantity
          lots[0].cost = try lots[0].cost.subtracting(removedCost)
        }
      }
      costBasis = try costBasis.subtracting(removedCost)
      let realized = try proceeds.subtracting(removedCost)
      realizedPnL = try realizedPnL.adding(realized)
      return realized
    } catch {
      throw .arithmetic(error)
    }
  }

  /// `(mark × quantity) − cost basis`.
  /// - Throws: `PortfolioError.arithmetic`.
  public func unrealizedPnL(mark: Price) throws(PortfolioError) -> Money {
    do {
      return try mark.notional(of: quantity, in: currency, rounding: .toNearestOrEven).subtracting(costBasis)
    } catch {
      throw .arithmetic(error)
    }
  }

  private mutating func consumeFIFO(_ quantity: Quantity) throws(AmountError) -> Money {
    var remaining = quantity
    var cost = Money.zero(currency)
    while remaining.isPositive {
      let take = min(remaining, lots[0].quantity)
      if take == lots[0].quantity {
        cost = try cost.adding(lots[0].cost)
        lots.removeFirst()
      } else {
        let part = try Self.share(of: lots[0].cost, units: take, of: lots[0].quantity)
        cost = try cost.adding(part)
        lots[0].quantity = try lots[0].quantity - take
        lots[0].cost = try lots[0].cost.subtracting(part)
      }
      remaining = try remaining - take
    }
    return cost
  }

  /// `cost × units ÷ total`, half-to-even at 12 places.
  private static func share(of cost: Money, units: Quantity, of total: Quantity) throws(AmountError) -> Money {
    let scaled = try cost.amount.multiplied(by: units.value, rounding: .toNearestOrEven)
    return Money(amount: try scaled.divided(by: total.value, rounding: .toNearestOrEven), currency: cost.currency)
  }
}

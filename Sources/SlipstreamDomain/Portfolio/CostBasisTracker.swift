/// How the cost of a sale is matched against purchases.
public enum CostBasisMethod: Hashable, Sendable, CaseIterable {
  /// First in, first out: the oldest lots are sold first.
  case fifo
  /// Average cost: every unit carries the pooled average cost.
  case averageCost
}

/// A quantity bought at one unit cost.
public struct TaxLot: Hashable, Sendable {
  /// Units still held from this purchase.
  public var quantity: Quantity
  /// Cost per unit.
  public var unitCost: Price
  /// When it was bought.
  public var acquiredAt: Timestamp
}

/// Cost basis and P&L of one long position in one symbol, by FIFO or average cost.
///
/// Amounts are exact fixed-point; where a division is needed (average cost) it rounds half-to-even
/// at 12 places, and selling the whole position removes the whole remaining cost so no residue
/// remains. Short selling is not modelled: a sale larger than the holding is an error.
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
  /// - Throws: `PortfolioError.nonPositiveQuantity`, `.arithmetic`.
  public mutating func buy(_ quantity: Quantity, at price: Price, on date: Timestamp) throws(PortfolioError) {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    do {
      let cost = try price.notional(of: quantity, in: currency, rounding: .toNearestOrEven)
      costBasis = try costBasis.adding(cost)
      switch method {
      case .fifo:
        lots.append(TaxLot(quantity: quantity, unitCost: price, acquiredAt: date))
      case .averageCost:
        let held = try (lots.first?.quantity ?? .zero) + quantity
        let unit = Price(value: try costBasis.amount.divided(by: held.value, rounding: .toNearestOrEven))
        lots = [TaxLot(quantity: held, unitCost: unit, acquiredAt: lots.first?.acquiredAt ?? date)]
      }
    } catch {
      throw .arithmetic(error)
    }
  }

  /// Records a sale and returns the P&L it realizes.
  /// - Throws: `PortfolioError.nonPositiveQuantity`, `.insufficientQuantity`, `.arithmetic`.
  @discardableResult
  public mutating func sell(_ quantity: Quantity, at price: Price) throws(PortfolioError) -> Money {
    guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
    let held = self.quantity
    guard quantity <= held else { throw .insufficientQuantity(held: held, requested: quantity) }
    do {
      let proceeds = try price.notional(of: quantity, in: currency, rounding: .toNearestOrEven)
      let removedCost: Money
      if quantity == held {
        removedCost = costBasis
        lots = []
      } else {
        switch method {
        case .fifo: removedCost = try consumeFIFO(quantity)
        case .averageCost:
          let fraction = try costBasis.amount.multiplied(by: quantity.value, rounding: .toNearestOrEven)
          removedCost = Money(amount: try fraction.divided(by: held.value, rounding: .toNearestOrEven), currency: currency)
          lots[0].quantity = try lots[0].quantity - quantity
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
      cost = try cost.adding(try lots[0].unitCost.notional(of: take, in: currency, rounding: .toNearestOrEven))
      remaining = try remaining - take
      lots[0].quantity = try lots[0].quantity - take
      if lots[0].quantity.isZero { lots.removeFirst() }
    }
    return cost
  }
}

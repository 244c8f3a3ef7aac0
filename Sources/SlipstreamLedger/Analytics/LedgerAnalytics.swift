public import SlipstreamDomain

/// A lot still held under FIFO.
public struct OpenLot: Sendable, Hashable {
  /// The trade that bought it.
  public var tradeID: String
  /// Units still held.
  public var quantity: Quantity
  /// Cost per unit, fees included (the lot's remaining cost ÷ its quantity).
  public var unitCost: Price
  /// When it was bought.
  public var openedAt: Timestamp
}

/// The cost basis of one holding.
public struct CostBasisReport: Sendable, Hashable {
  public var method: CostBasisMethod
  /// Units held.
  public var quantity: Quantity
  /// Total cost of the units held.
  public var totalCost: Money
  /// Total cost ÷ quantity; nil when nothing is held.
  public var averageCost: Price?
  /// Open lots, oldest first (FIFO only; empty under average cost).
  public var lots: [OpenLot]
  /// P&L realized by the sales so far.
  public var realizedPnL: Money
}

/// How P&L lines are grouped (always also by symbol).
public enum PnLGrouping: Sendable, Hashable, CaseIterable {
  case tenant
  case user
  case strategy
}

/// P&L of one group and symbol.
public struct PnLLine: Sendable, Hashable {
  public var tenantID: String
  /// The user (``PnLGrouping/user`` only; empty otherwise).
  public var userID: String
  /// The strategy (``PnLGrouping/strategy`` only; empty otherwise).
  public var strategyID: String
  /// The canonical symbol.
  public var symbol: String
  /// Units held at the end of the period.
  public var quantity: Quantity
  /// P&L realized by sales in the period.
  public var realized: Money
  /// Unrealized P&L at the mark; zero when the holding has no mark (see ``PnLReport/unmarked``).
  public var unrealized: Money
  /// Fees of the trades in the period.
  public var fees: Money
}

/// Profit and loss over lines.
public struct PnLReport: Sendable, Hashable {
  public var lines: [PnLLine]
  public var realized: Money
  public var unrealized: Money
  public var fees: Money
  /// realized + unrealized − fees.
  public var total: Money
  /// Held symbols without a mark, whose unrealized P&L is not included.
  public var unmarked: [String]
}

/// Cost basis and P&L over recorded trades, with the domain's `CostBasisTracker`.
///
/// Trades are replayed in (execution time, trade id) order. Short positions are not
/// modelled by the domain: a sale larger than the holding is refused.
public enum LedgerAnalytics {
  /// The cost basis of one holding, fees included: a purchase's fees add to its lot's cost
  /// and a sale's fees reduce its proceeds (so `realizedPnL` is net of fees). ``pnl(of:marks:method:grouping:executedFrom:executedBefore:)``
  /// instead reports realized P&L gross and the fees apart.
  ///
  /// - Parameters:
  ///   - trades: The holding's trades (one symbol), in any order.
  ///   - method: FIFO or average cost.
  /// - Throws: `LedgerError.failedPrecondition` for mixed currencies or a sale larger than
  ///   the holding.
  public static func costBasis(of trades: [LedgerTrade], method: CostBasisMethod) throws(LedgerError) -> CostBasisReport {
    var position = Position(method: method, currency: try commonCurrency(trades))
    for trade in ordered(trades) {
      _ = try position.apply(trade, feesInBasis: true)
    }
    let tracker = position.tracker
    let lots = method == .fifo
      ? zip(position.lotTradeIDs, tracker.lots).map {
        OpenLot(tradeID: $0, quantity: $1.quantity, unitCost: $1.unitCost, openedAt: $1.acquiredAt)
      }
      : []
    return CostBasisReport(
      method: method, quantity: tracker.quantity, totalCost: tracker.costBasis, averageCost: tracker.averageCost,
      lots: lots, realizedPnL: tracker.realizedPnL
    )
  }

  /// Realized and unrealized P&L per group and symbol.
  ///
  /// - Parameters:
  ///   - trades: The trades in scope, in any order; trades executed at or after
  ///     `executedBefore` are ignored.
  ///   - marks: Mark prices by canonical symbol.
  ///   - method: The matching method for realized P&L.
  ///   - grouping: How lines are grouped.
  ///   - executedFrom: Only sales from this instant count as realized and only fees from it
  ///     are summed (earlier trades still build the lots).
  ///   - executedBefore: The end of the period.
  /// - Throws: `LedgerError.failedPrecondition` for mixed currencies or a sale larger than
  ///   the holding.
  public static func pnl(
    of trades: [LedgerTrade],
    marks: [String: Price],
    method: CostBasisMethod,
    grouping: PnLGrouping,
    executedFrom: Timestamp? = nil,
    executedBefore: Timestamp? = nil
  ) throws(LedgerError) -> PnLReport {
    struct Key: Hashable, Comparable {
      var tenantID: String
      var userID: String
      var strategyID: String
      var symbol: String
      static func < (lhs: Key, rhs: Key) -> Bool {
        (lhs.tenantID, lhs.userID, lhs.strategyID, lhs.symbol) < (rhs.tenantID, rhs.userID, rhs.strategyID, rhs.symbol)
      }
    }
    let currency = try commonCurrency(trades)
    var positions: [Key: (position: Position, realized: Money, fees: Money)] = [:]
    for trade in ordered(trades) {
      if let end = executedBefore, trade.executedAt >= end { continue }
      let key = Key(
        tenantID: trade.tenantID, userID: grouping == .user ? trade.userID : "",
        strategyID: grouping == .strategy ? trade.strategyID : "", symbol: trade.symbol.value
      )
      var entry = positions[key] ?? (Position(method: method, currency: currency), .zero(currency), .zero(currency))
      let realized = try entry.position.apply(trade)
      if executedFrom.map({ trade.executedAt >= $0 }) ?? true {
        entry.realized = try checked { () throws(AmountError) in try entry.realized + realized }
        entry.fees = try checked { () throws(AmountError) in try entry.fees + Money(amount: trade.fees, currency: currency) }
      }
      positions[key] = entry
    }
    var lines: [PnLLine] = []
    var unmarked: Set<String> = []
    var totals = (realized: Money.zero(currency), unrealized: Money.zero(currency), fees: Money.zero(currency))
    for (key, entry) in positions.sorted(by: { $0.key < $1.key }) {
      let tracker = entry.position.tracker
      var unrealized = Money.zero(currency)
      if tracker.quantity.isPositive {
        if let mark = marks[key.symbol] {
          do {
            unrealized = try tracker.unrealizedPnL(mark: mark)
          } catch {
            throw .failedPrecondition(reason: "unrealized P&L of \(key.symbol) does not compute: \(error)")
          }
        } else {
          unmarked.insert(key.symbol)
        }
      }
      lines.append(
        PnLLine(
          tenantID: key.tenantID, userID: key.userID, strategyID: key.strategyID, symbol: key.symbol,
          quantity: tracker.quantity, realized: entry.realized, unrealized: unrealized, fees: entry.fees
        )
      )
      totals.realized = try checked { () throws(AmountError) in try totals.realized + entry.realized }
      totals.unrealized = try checked { () throws(AmountError) in try totals.unrealized + unrealized }
      totals.fees = try checked { () throws(AmountError) in try totals.fees + entry.fees }
    }
    let total = try checked { () throws(AmountError) in try totals.realized + totals.unrealized - totals.fees }
    return PnLReport(
      lines: lines, realized: totals.realized, unrealized: totals.unrealized, fees: totals.fees, total: total,
      unmarked: unmarked.sorted()
    )
  }

  /// One position replayed through the domain tracker, remembering which trade opened each FIFO lot.
  private struct Position {
    var tracker: CostBasisTracker
    var lotTradeIDs: [String] = []

    init(method: CostBasisMethod, currency: Currency) {
      tracker = CostBasisTracker(method: method, currency: currency)
    }

    /// Applies a trade and returns the P&L it realizes.
    /// - Parameter feesInBasis: Whether the trade's fees enter the cost basis and proceeds.
    mutating func apply(_ trade: LedgerTrade, feesInBasis: Bool = false) throws(LedgerError) -> Money {
      let fees = feesInBasis ? Money(amount: trade.fees, currency: tracker.currency) : nil
      do {
        switch trade.side {
        case .buy:
          try tracker.buy(trade.quantity, at: trade.price, fees: fees, on: trade.executedAt)
          lotTradeIDs.append(trade.tradeID)
          return .zero(tracker.currency)
        case .sell:
          let realized = try tracker.sell(trade.quantity, at: trade.price, fees: fees)
          lotTradeIDs.removeFirst(max(0, lotTradeIDs.count - tracker.lots.count))
          return realized
        }
      } catch {
        if case .insufficientQuantity(let held, let requested) = error {
          throw .failedPrecondition(
            reason: "trade '\(trade.tradeID)' sells \(requested) \(trade.symbol) but only \(held) are held; "
              + "short positions are not modelled"
          )
        }
        throw .failedPrecondition(reason: "trade '\(trade.tradeID)' does not compute: \(error)")
      }
    }
  }

  private static func ordered(_ trades: [LedgerTrade]) -> [LedgerTrade] {
    trades.sorted { ($0.executedAt, $0.tradeID) < ($1.executedAt, $1.tradeID) }
  }

  private static func commonCurrency(_ trades: [LedgerTrade]) throws(LedgerError) -> Currency {
    let currencies = Set(trades.map(\.currency))
    guard currencies.count <= 1 else {
      throw .failedPrecondition(
        reason: "the trades are in \(currencies.map(\.code).sorted().joined(separator: " and ")); "
          + "narrow the request to one currency"
      )
    }
    return currencies.first ?? .usd
  }

  private static func checked<T>(_ body: () throws(AmountError) -> T) throws(LedgerError) -> T {
    do {
      return try body()
    } catch {
      throw .failedPrecondition(reason: "the amounts do not compute: \(error)")
    }
  }
}

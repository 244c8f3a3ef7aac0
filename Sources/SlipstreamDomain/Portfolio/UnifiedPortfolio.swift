/// A position held at one broker.
public struct BrokerPosition: Hashable, Sendable {
  /// Where it is held.
  public var broker: BrokerID
  /// The instrument.
  public var symbol: Symbol
  /// Signed quantity (negative = short).
  public var quantity: Quantity

  /// Creates a position.
  public init(broker: BrokerID, symbol: Symbol, quantity: Quantity) {
    self.broker = broker
    self.symbol = symbol
    self.quantity = quantity
  }
}

/// One symbol's exposure across every broker.
public struct SymbolExposure: Hashable, Sendable {
  /// The instrument.
  public let symbol: Symbol
  /// Net quantity over all brokers.
  public let quantity: Quantity
  /// Quantity per broker (brokers with a zero position are left out).
  public let byBroker: [BrokerID: Quantity]
  /// The mark used.
  public let mark: Price
  /// `quantity × mark × contract multiplier`.
  public let marketValue: Money
  /// `marketValue ÷ equity` (equity includes cash), rounded half-to-even at 12 places; 0 when
  /// equity is not positive.
  public let allocation: FixedDecimal
}

/// Positions from every broker merged into one view with per-symbol exposure and allocations.
public struct UnifiedPortfolio: Hashable, Sendable {
  /// Exposures sorted by symbol.
  public let exposures: [SymbolExposure]
  /// Cash over all brokers.
  public let cash: Money
  /// Sum of the exposures' market values.
  public let positionsValue: Money
  /// `cash + positionsValue`.
  public let equity: Money

  /// Merges positions and cash.
  ///
  /// - Parameters:
  ///   - positions: positions per broker (several rows for the same broker and symbol add up).
  ///   - cash: cash per broker, all in one currency.
  ///   - marks: a price for every symbol held.
  ///   - instruments: contract multipliers (options are 100 per contract by the catalog).
  /// - Throws: `PortfolioError.missingPrice`, `.nonPositivePrice`, `.instrument`, `.arithmetic`.
  public init(
    positions: [BrokerPosition], cash: [BrokerID: Money], marks: [Symbol: Price],
    currency: Currency = .usd, instruments: InstrumentCatalog = .defaults
  ) throws(PortfolioError) {
    (self.exposures, self.cash, self.positionsValue, self.equity) = try PortfolioError.folding {
      var bySymbol: [Symbol: [BrokerID: Quantity]] = [:]
      for position in positions {
        let current = bySymbol[position.symbol, default: [:]][position.broker, default: .zero]
        bySymbol[position.symbol, default: [:]][position.broker] = try current + position.quantity
      }
      var totalCash = Money.zero(currency)
      for (_, amount) in cash { totalCash = try totalCash.adding(amount) }
      var rows: [(Symbol, Quantity, [BrokerID: Quantity], Price, Money)] = []
      var positionsValue = Money.zero(currency)
      for (symbol, brokers) in bySymbol {
        var total = Quantity.zero
        for (_, quantity) in brokers { total = try total + quantity }
        guard let mark = marks[symbol] else { throw PortfolioError.missingPrice(symbol) }
        guard mark.isPositive else { throw PortfolioError.nonPositivePrice(symbol, mark) }
        let instrument = try instruments.instrument(for: symbol)
        let value = try instrument.notional(price: mark, quantity: total)
        positionsValue = try positionsValue.adding(value)
        rows.append((symbol, total, brokers.filter { !$0.value.isZero }, mark, value))
      }
      let equity = try totalCash.adding(positionsValue)
      let exposures = try rows.sorted { $0.0.value < $1.0.value }.map { row throws(AmountError) in
        let allocation =
          equity.amount.isPositive ? try row.4.amount.divided(by: equity.amount, rounding: .toNearestOrEven) : .zero
        return SymbolExposure(
          symbol: row.0, quantity: row.1, byBroker: row.2, mark: row.3, marketValue: row.4, allocation: allocation)
      }
      return (exposures, totalCash, positionsValue, equity)
    }
  }

  /// The exposure for `symbol`, if held.
  public func exposure(_ symbol: Symbol) -> SymbolExposure? {
    exposures.first { $0.symbol == symbol }
  }
}

/// Pre-trade limits for an account. A `nil` limit is not checked.
public struct RiskLimits: Hashable, Sendable {
  /// Largest quantity of one order.
  public var maxOrderQuantity: Quantity?
  /// Largest notional of one order.
  public var maxOrderNotional: Money?
  /// Largest absolute position per symbol after the order fills.
  public var maxPositionPerSymbol: Quantity?
  /// Largest loss in a day (a positive amount); at or beyond it, orders are refused.
  public var dailyLossLimit: Money?
  /// Largest distance of a limit price from the quote's mid, as a fraction (0.05 = 5 %).
  public var priceCollar: FixedDecimal?
  /// Asset classes the account may trade.
  public var allowedAssetClasses: Set<AssetClass>

  /// Creates limits; everything is unchecked and every asset class allowed by default.
  public init(
    maxOrderQuantity: Quantity? = nil,
    maxOrderNotional: Money? = nil,
    maxPositionPerSymbol: Quantity? = nil,
    dailyLossLimit: Money? = nil,
    priceCollar: FixedDecimal? = nil,
    allowedAssetClasses: Set<AssetClass> = Set(AssetClass.allCases)
  ) {
    self.maxOrderQuantity = maxOrderQuantity
    self.maxOrderNotional = maxOrderNotional
    self.maxPositionPerSymbol = maxPositionPerSymbol
    self.dailyLossLimit = dailyLossLimit
    self.priceCollar = priceCollar
    self.allowedAssetClasses = allowedAssetClasses
  }
}

/// The order as the risk checks see it.
public struct RiskOrder: Hashable, Sendable {
  /// The instrument (its asset class is checked).
  public var symbol: Symbol
  /// Buy or sell.
  public var side: OrderSide
  /// The quantity, positive.
  public var quantity: Quantity
  /// The limit price; `nil` for a market order (notional then uses the quote's mid).
  public var limitPrice: Price?
  /// Units per contract for notional (100 for options by default, else 1).
  public var contractMultiplier: Quantity

  /// Creates an order to check.
  public init(
    symbol: Symbol, side: OrderSide, quantity: Quantity, limitPrice: Price? = nil, contractMultiplier: Quantity? = nil
  ) {
    self.symbol = symbol
    self.side = side
    self.quantity = quantity
    self.limitPrice = limitPrice
    self.contractMultiplier = contractMultiplier ?? symbol.standardContractMultiplier
  }
}

/// The account state the checks need, passed in explicitly (nothing is read from a clock or store).
public struct RiskContext: Sendable {
  /// When the check runs.
  public var now: Timestamp
  /// The current signed position in the order's symbol.
  public var position: Quantity
  /// Today's profit and loss so far (negative is a loss).
  public var dailyPnL: Money
  /// The current quote for the symbol, if any.
  public var quote: Quote?
  /// The kill switch.
  public var killSwitch: KillSwitch
  /// The circuit breaker.
  public var circuitBreaker: CircuitBreaker?
  /// The drawdown control.
  public var drawdown: DrawdownControl?

  /// Creates a context; no position, no P&L, switches released.
  public init(
    now: Timestamp,
    position: Quantity = .zero,
    dailyPnL: Money = .zero(),
    quote: Quote? = nil,
    killSwitch: KillSwitch = KillSwitch(),
    circuitBreaker: CircuitBreaker? = nil,
    drawdown: DrawdownControl? = nil
  ) {
    self.now = now
    self.position = position
    self.dailyPnL = dailyPnL
    self.quote = quote
    self.killSwitch = killSwitch
    self.circuitBreaker = circuitBreaker
    self.drawdown = drawdown
  }
}

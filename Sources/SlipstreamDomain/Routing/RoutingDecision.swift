/// The order as the router sees it.
public struct RoutingRequest: Hashable, Sendable {
  /// The instrument (its asset class drives eligibility and defaults).
  public var symbol: Symbol
  /// Buy or sell.
  public var side: OrderSide
  /// The quantity, positive.
  public var quantity: Quantity
  /// The price used to estimate notional and fees (limit price, or the quote's mid).
  public var referencePrice: Price
  /// Units per contract for notional (100 for options by default, else 1).
  public var contractMultiplier: Quantity

  /// Creates a request.
  public init(
    symbol: Symbol, side: OrderSide, quantity: Quantity, referencePrice: Price, contractMultiplier: Quantity? = nil
  ) {
    self.symbol = symbol
    self.side = side
    self.quantity = quantity
    self.referencePrice = referencePrice
    self.contractMultiplier = contractMultiplier ?? symbol.standardContractMultiplier
  }

  /// Whether the quantity has a fractional part.
  public var isFractional: Bool { !quantity.value.isMultiple(of: .one) }

  /// `referencePrice × |quantity| × contractMultiplier` in the symbol's quote currency.
  /// - Throws: `AmountError.overflow`.
  public func notional() throws(AmountError) -> Money {
    let units = try quantity.value.magnitude().multiplied(by: contractMultiplier.value, rounding: .toNearestOrEven)
    return try referencePrice.notional(of: Quantity(value: units), in: symbol.quoteCurrency)
  }
}

/// One eligible broker's score and its parts.
public struct BrokerScore: Hashable, Sendable {
  /// The broker.
  public let broker: BrokerID
  /// The estimated fee for this order.
  public let fee: Money
  /// Fee ÷ highest fee among candidates (0 when every fee is 0).
  public let normalizedFee: FixedDecimal
  /// Latency ÷ highest latency among candidates; 1 when unknown.
  public let normalizedLatency: FixedDecimal
  /// Fill quality 0…1; 0 when unknown.
  public let fillScore: FixedDecimal
  /// `w_cost × (1 − normalizedFee)`.
  public let costComponent: FixedDecimal
  /// `w_speed × (1 − normalizedLatency)`.
  public let speedComponent: FixedDecimal
  /// `w_fill × fillScore`.
  public let fillComponent: FixedDecimal
  /// The sum of the three components, 0…1.
  public let total: FixedDecimal
  /// Whether latency and fill quality were both observed.
  public let hasCompleteData: Bool
}

/// How the broker was chosen.
public enum RoutingSelection: Hashable, Sendable {
  /// A user rule matched (its index in the rule list).
  case userRule(index: Int, rule: RoutingRule)
  /// The highest score won.
  case highestScore
  /// The top scores tied and the smart default was among them or eligible.
  case smartDefaultOnTie
  /// Some candidate lacked latency or fill data, so the smart default was used.
  case smartDefaultOnMissingData
}

/// The router's answer: the broker, why, every score, every exclusion and the failover order.
public struct RoutingDecision: Hashable, Sendable {
  /// The broker to send the order to.
  public let chosen: BrokerID
  /// Why it was chosen.
  public let selection: RoutingSelection
  /// Every eligible broker's score, best first (ties by broker id).
  public let scores: [BrokerScore]
  /// Brokers that cannot take the order, with the reasons.
  public let exclusions: [BrokerExclusion]
  /// The chosen broker, then the other eligible brokers best first: where to fail over.
  public let failoverChain: [BrokerID]
}

/// The pure state of one smart-limit order across quotes: initial pricing, re-pegs and the
/// final escalation. The caller owns the clock and the broker; this only says what to do.
public struct SmartLimitExecution: Sendable, Hashable {
  /// What the caller should do after a quote.
  public enum Action: Sendable, Hashable {
    /// Keep the working order.
    case hold
    /// Replace the working order's price.
    case reprice(Price)
    /// Replace the working order with this one (on the remaining quantity).
    case escalate(EscalatedOrder)
  }

  public let side: OrderSide
  public let instrument: Instrument
  public let pricer: SmartLimitPricer
  public let repegPolicy: RepegPolicy
  public let escalationPolicy: EscalationPolicy

  /// The current limit price; `nil` before ``start(quote:)``.
  public private(set) var workingPrice: Price?
  /// Mid at the last pricing.
  public private(set) var referenceMid: Price?
  public private(set) var repegCount = 0
  /// Set once escalated; later quotes hold.
  public private(set) var escalation: EscalatedOrder?

  public init(
    side: OrderSide, instrument: Instrument, pricer: SmartLimitPricer = .defaults,
    repegPolicy: RepegPolicy = .defaults, escalationPolicy: EscalationPolicy = .defaults
  ) {
    self.side = side
    self.instrument = instrument
    self.pricer = pricer
    self.repegPolicy = repegPolicy
    self.escalationPolicy = escalationPolicy
  }

  /// Prices the order for the first time.
  /// - Throws: ``SmartLimitRefusal`` (see ``SmartLimitPricer/price(side:quote:instrument:)``).
  public mutating func start(quote: Quote) throws(SmartLimitRefusal) -> Price {
    let price = try pricer.price(side: side, quote: quote, instrument: instrument)
    referenceMid = try Self.mid(quote)
    workingPrice = price
    return price
  }

  /// Reacts to a new quote while `remaining` is still working.
  ///
  /// Holds when the mid moved by at most the re-peg threshold, re-prices (through the pricer, so
  /// a now too-wide spread or thin touch throws) while re-pegs remain, and escalates after the
  /// last one. Before ``start(quote:)`` this starts; after escalation it holds.
  /// - Throws: ``SmartLimitRefusal``; on error the state is unchanged.
  public mutating func onQuote(_ quote: Quote, remaining: Quantity) throws(SmartLimitRefusal) -> Action {
    guard escalation == nil else { return .hold }
    guard let referenceMid else { return .reprice(try start(quote: quote)) }
    let current = try Self.mid(quote)
    let decision: RepegPolicy.Decision
    do {
      decision = try repegPolicy.decide(referenceMid: referenceMid, currentMid: current, repegsDone: repegCount)
    } catch {
      throw .arithmetic(error)
    }
    switch decision {
    case .hold:
      return .hold
    case .repeg:
      let price = try pricer.price(side: side, quote: quote, instrument: instrument)
      self.referenceMid = current
      workingPrice = price
      repegCount += 1
      return .reprice(price)
    case .escalate:
      return .escalate(try escalate(quote: quote, remaining: remaining))
    }
  }

  /// Escalates now (for example on a timeout), whatever the re-peg count.
  /// - Throws: ``SmartLimitRefusal`` (see ``EscalationPolicy/escalate(side:remaining:quote:instrument:)``).
  public mutating func escalate(quote: Quote, remaining: Quantity) throws(SmartLimitRefusal) -> EscalatedOrder {
    let order = try escalationPolicy.escalate(side: side, remaining: remaining, quote: quote, instrument: instrument)
    escalation = order
    workingPrice = order.limitPrice
    return order
  }

  private static func mid(_ quote: Quote) throws(SmartLimitRefusal) -> Price {
    try SmartLimitRefusal.checkPrices(quote)
    do {
      return try quote.mid()
    } catch {
      throw .arithmetic(error)
    }
  }
}

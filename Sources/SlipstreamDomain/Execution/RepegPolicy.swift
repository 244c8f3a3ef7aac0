/// When a working smart-limit order is re-priced.
///
/// The market has moved when the mid price differs from the mid at the last pricing by more
/// than ``threshold`` (a fraction of the reference mid; default 0.001 = 0.10 %). A move re-pegs
/// while fewer than ``maximumRepegs`` re-pegs were made (default 5); a move after the last
/// re-peg escalates (see ``EscalationPolicy``).
public struct RepegPolicy: Sendable, Hashable {
  public var threshold: FixedDecimal
  public var maximumRepegs: Int

  public init(threshold: FixedDecimal = "0.001", maximumRepegs: Int = 5) {
    self.threshold = threshold
    self.maximumRepegs = maximumRepegs
  }

  public static let defaults = RepegPolicy()

  /// What to do now.
  public enum Decision: Sendable, Hashable {
    /// The market has not moved enough: keep the order as it is.
    case hold
    /// Re-price at the current market.
    case repeg
    /// Re-pegs are used up: escalate the remaining quantity.
    case escalate
  }

  /// Decides from the reference mid (at the last pricing), the current mid and the re-pegs so far.
  /// - Throws: ``AmountError/divisionByZero`` for a zero reference, ``AmountError/overflow``.
  public func decide(referenceMid: Price, currentMid: Price, repegsDone: Int) throws(AmountError) -> Decision {
    let move = try (currentMid - referenceMid).value.magnitude()
    // move / reference > threshold  ⇔  move > threshold × reference (reference > 0), exact:
    let relative = try move.divided(by: referenceMid.value.magnitude(), rounding: .up)
    guard relative > threshold else { return .hold }
    return repegsDone < maximumRepegs ? .repeg : .escalate
  }
}

/// What a smart-limit order becomes after its last re-peg.
public enum EscalationPolicy: Sendable, Hashable {
  /// A limit order crossing the spread by this many ticks (buy at ask + n ticks, sell at
  /// bid − n ticks; 0 = at the far touch).
  case marketableLimit(ticksThrough: Int)
  /// A market order.
  case market

  /// The default: cross by one tick.
  public static let defaults = EscalationPolicy.marketableLimit(ticksThrough: 1)

  /// The replacement order for the remaining quantity.
  /// - Throws: ``SmartLimitRefusal/nothingRemaining``,
  ///   ``SmartLimitRefusal/nonPositiveEscalationPrice(_:)``, ``SmartLimitRefusal/invalidQuote(_:)``,
  ///   ``SmartLimitRefusal/arithmetic(_:)``.
  public func escalate(
    side: OrderSide, remaining: Quantity, quote: Quote, instrument: Instrument
  ) throws(SmartLimitRefusal) -> EscalatedOrder {
    guard remaining.isPositive else { throw .nothingRemaining }
    switch self {
    case .market:
      return EscalatedOrder(type: .market, limitPrice: nil, quantity: remaining)
    case .marketableLimit(let ticks):
      try SmartLimitRefusal.checkPrices(quote)
      let price: Price
      do {
        let far = quote.farTouch(for: side).price
        let offset = try instrument.tick(at: far).multiplied(by: FixedDecimal(integerLiteral: Swift.max(ticks, 0)))
        price =
          side == .buy
          ? try instrument.round(price: far + offset, .up)
          : try instrument.round(price: far - offset, .down)
      } catch {
        throw .arithmetic(error)
      }
      guard price.isPositive else { throw .nonPositiveEscalationPrice(price) }
      return EscalatedOrder(type: .limit, limitPrice: price, quantity: remaining)
    }
  }
}

/// The order that replaces an escalated smart-limit order.
public struct EscalatedOrder: Sendable, Hashable {
  /// ``OrderType/limit`` (marketable) or ``OrderType/market``.
  public let type: OrderType
  public let limitPrice: Price?
  /// Always the remaining quantity of the smart-limit order.
  public let quantity: Quantity
}

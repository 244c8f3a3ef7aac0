/// Why a smart-limit order cannot be priced (or escalated) now.
public enum SmartLimitRefusal: Error, Sendable, Hashable, CustomStringConvertible {
  /// The quote is unusable.
  case invalidQuote(QuoteRejection)
  /// The relative spread is above the cap (both fractions).
  case spreadTooWide(spread: FixedDecimal, cap: FixedDecimal)
  /// Too little size displayed at the touch the order would anchor to.
  case insufficientSizeAtTouch(available: Quantity, minimum: Quantity)
  /// Nothing is left to escalate.
  case nothingRemaining
  /// A marketable sell limit would be at or below zero.
  case nonPositiveEscalationPrice(Price)
  /// Price arithmetic overflowed.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .invalidQuote(let rejection):
      return "smart limit refused: \(rejection)"
    case .spreadTooWide(let spread, let cap):
      let reason = (try? CostGate.reason(spread: spread, threshold: cap)) ?? "spread \(spread) exceeds cap \(cap)"
      return "smart limit refused: \(reason)"
    case .insufficientSizeAtTouch(let available, let minimum):
      return "smart limit refused: only \(available) displayed at the touch, at least \(minimum) required"
    case .nothingRemaining:
      return "smart limit escalation refused: no quantity remains"
    case .nonPositiveEscalationPrice(let price):
      return "smart limit escalation refused: marketable price \(price) is not positive; use a market order"
    case .arithmetic(let error):
      return "smart limit refused: \(error)"
    }
  }
}

extension SmartLimitRefusal {
  /// ``QuoteValidation/validatePrices(_:)`` with the rejection wrapped.
  static func checkPrices(_ quote: Quote) throws(SmartLimitRefusal) {
    do {
      try QuoteValidation.validatePrices(quote)
    } catch {
      throw .invalidQuote(error)
    }
  }
}

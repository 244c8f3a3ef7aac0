/// One reason a pre-trade check refuses an order, with the numbers the user needs to fix it.
public enum RiskViolation: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kill switch is engaged: every order is refused.
  case killSwitchEngaged(reason: String)
  /// The circuit breaker tripped on realized losses and has not reset.
  case circuitBreakerTripped(loss: Money, threshold: Money, resetsAt: Timestamp?)
  /// Equity fell too far from its peak; new buys are blocked until it recovers or limits change.
  case drawdownBlocksBuys(drawdown: FixedDecimal, limit: FixedDecimal)
  /// The instrument's asset class is not enabled for this account.
  case assetClassNotAllowed(AssetClass, allowed: Set<AssetClass>)
  /// The order quantity is above the per-order maximum.
  case quantityAboveLimit(quantity: Quantity, limit: Quantity)
  /// The order notional (quantity × limit price, or × mid for market orders) is above the maximum.
  case notionalAboveLimit(notional: Money, limit: Money)
  /// The position after a full fill would exceed the per-symbol maximum (in absolute size).
  case positionAboveLimit(symbol: Symbol, resulting: Quantity, limit: Quantity)
  /// Today's loss already reached the daily limit.
  case dailyLossLimitReached(loss: Money, limit: Money)
  /// The limit price is further from the quote's mid than the collar allows.
  case priceOutsideCollar(limitPrice: Price, mid: Price, deviation: FixedDecimal, maximum: FixedDecimal)
  /// A check needs a price (collar, market-order notional) but no quote was given.
  case quoteRequired(symbol: Symbol, check: String)
  /// The amounts involved are out of the fixed-point range or in mixed currencies.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .killSwitchEngaged(let reason):
      return "Trading is halted by the kill switch (\(reason)); release it to place orders."
    case .circuitBreakerTripped(let loss, let threshold, let resetsAt):
      let reset = resetsAt.map { "it resets at \($0)" } ?? "it must be reset manually"
      return "Circuit breaker tripped: realized loss \(AmountDisplay.money(loss)) exceeds "
        + "\(AmountDisplay.money(threshold)) within the window; \(reset)."
    case .drawdownBlocksBuys(let drawdown, let limit):
      return "New buys are blocked: drawdown \(AmountDisplay.percent(drawdown)) from peak equity "
        + "exceeds the limit \(AmountDisplay.percent(limit)); sells are still allowed."
    case .assetClassNotAllowed(let assetClass, let allowed):
      let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
      return "Asset class \(assetClass) is not enabled for this account (enabled: \(list.isEmpty ? "none" : list))."
    case .quantityAboveLimit(let quantity, let limit):
      return "Order quantity \(AmountDisplay.decimal(quantity.value)) exceeds limit \(AmountDisplay.decimal(limit.value))."
    case .notionalAboveLimit(let notional, let limit):
      return "Order notional \(AmountDisplay.money(notional)) exceeds limit \(AmountDisplay.money(limit))."
    case .positionAboveLimit(let symbol, let resulting, let limit):
      return "Position in \(symbol) would be \(AmountDisplay.decimal(resulting.value)), above the limit "
        + "\(AmountDisplay.decimal(limit.value)); reduce the quantity."
    case .dailyLossLimitReached(let loss, let limit):
      return "Daily loss \(AmountDisplay.money(loss)) has reached the limit \(AmountDisplay.money(limit)); "
        + "new orders are refused until the next trading day."
    case .priceOutsideCollar(let limitPrice, let mid, let deviation, let maximum):
      return "Limit price \(limitPrice) is \(AmountDisplay.percent(deviation)) from the mid \(mid); "
        + "the collar allows \(AmountDisplay.percent(maximum))."
    case .quoteRequired(let symbol, let check):
      return "The \(check) check needs a current quote for \(symbol); subscribe to it or send a limit price."
    case .arithmetic(let error):
      return "Risk check could not compute amounts: \(error)."
    }
  }
}

/// A refused order: every violation found (or only the first, by request).
public struct RiskRejection: Error, Hashable, Sendable, CustomStringConvertible {
  /// The violations, in check order.
  public let violations: [RiskViolation]

  public var description: String { violations.map(\.description).joined(separator: " ") }
}

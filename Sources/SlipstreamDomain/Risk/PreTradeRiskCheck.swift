/// Whether a check reports every violation or stops at the first.
public enum RiskReportMode: Hashable, Sendable {
  /// Run every check and report all violations.
  case allFailures
  /// Stop at the first violation.
  case firstFailure
}

/// Pre-trade risk: kill switch, circuit breaker, drawdown, asset class, order size and notional,
/// position limit, daily loss and price collar, in that order.
///
/// An engaged kill switch refuses everything and is reported alone.
public struct PreTradeRiskCheck: Hashable, Sendable {
  /// The limits applied.
  public var limits: RiskLimits

  /// Creates a check over `limits`.
  public init(limits: RiskLimits) {
    self.limits = limits
  }

  /// The violations of `order` in `context` (empty when the order may go).
  public func evaluate(
    _ order: RiskOrder, in context: RiskContext, mode: RiskReportMode = .allFailures
  ) -> [RiskViolation] {
    if case .engaged(let reason, _) = context.killSwitch.state {
      return [.killSwitchEngaged(reason: reason)]
    }
    var violations: [RiskViolation] = []
    // Sequential (no array of closures) so a check allocates nothing unless it fails.
    for index in 0..<8 {
      let violation: RiskViolation?
      switch index {
      case 0: violation = circuitBreakerViolation(context)
      case 1: violation = drawdownViolation(order, context)
      case 2: violation = assetClassViolation(order)
      case 3: violation = quantityViolation(order)
      case 4: violation = notionalViolation(order, context)
      case 5: violation = positionViolation(order, context)
      case 6: violation = dailyLossViolation(context)
      default: violation = collarViolation(order, context)
      }
      guard let violation else { continue }
      violations.append(violation)
      if mode == .firstFailure { break }
    }
    return violations
  }

  /// Throws unless `order` passes every check.
  /// - Throws: `RiskRejection` with the violations (all, or the first with `.firstFailure`).
  public func check(
    _ order: RiskOrder, in context: RiskContext, mode: RiskReportMode = .allFailures
  ) throws(RiskRejection) {
    let violations = evaluate(order, in: context, mode: mode)
    guard violations.isEmpty else { throw RiskRejection(violations: violations) }
  }

  // MARK: - Individual checks

  private func circuitBreakerViolation(_ context: RiskContext) -> RiskViolation? {
    guard let breaker = context.circuitBreaker,
      case .tripped(_, let loss) = breaker.state(at: context.now)
    else { return nil }
    return .circuitBreakerTripped(
      loss: loss, threshold: breaker.configuration.lossThreshold,
      resetsAt: breaker.resetsAt(from: context.now))
  }

  private func drawdownViolation(_ order: RiskOrder, _ context: RiskContext) -> RiskViolation? {
    guard order.side == .buy, let control = context.drawdown, control.blocksBuys else { return nil }
    return .drawdownBlocksBuys(drawdown: control.drawdown, limit: control.maxDrawdown)
  }

  private func assetClassViolation(_ order: RiskOrder) -> RiskViolation? {
    let assetClass = order.symbol.assetClass
    guard !limits.allowedAssetClasses.contains(assetClass) else { return nil }
    return .assetClassNotAllowed(assetClass, allowed: limits.allowedAssetClasses)
  }

  private func quantityViolation(_ order: RiskOrder) -> RiskViolation? {
    guard let limit = limits.maxOrderQuantity, order.quantity > limit else { return nil }
    return .quantityAboveLimit(quantity: order.quantity, limit: limit)
  }

  private func notionalViolation(_ order: RiskOrder, _ context: RiskContext) -> RiskViolation? {
    guard let limit = limits.maxOrderNotional else { return nil }
    guard let price = order.limitPrice ?? context.quote.flatMap(Self.mid) else {
      return .quoteRequired(symbol: order.symbol, check: "notional")
    }
    do {
      let units = Quantity(value: try order.quantity.value.multiplied(by: order.contractMultiplier.value, rounding: .toNearestOrEven))
      let notional = try price.notional(of: units, in: order.symbol.quoteCurrency)
      return try limit.isLess(than: notional) ? .notionalAboveLimit(notional: notional, limit: limit) : nil
    } catch {
      return .arithmetic(error)
    }
  }

  private func positionViolation(_ order: RiskOrder, _ context: RiskContext) -> RiskViolation? {
    guard let limit = limits.maxPositionPerSymbol else { return nil }
    do {
      let resulting =
        order.side == .buy ? try context.position + order.quantity : try context.position - order.quantity
      let size = Quantity(value: try resulting.value.magnitude())
      return size > limit ? .positionAboveLimit(symbol: order.symbol, resulting: resulting, limit: limit) : nil
    } catch {
      return .arithmetic(error)
    }
  }

  private func dailyLossViolation(_ context: RiskContext) -> RiskViolation? {
    guard let limit = limits.dailyLossLimit, context.dailyPnL.isNegative else { return nil }
    do {
      let loss = Money(amount: try context.dailyPnL.amount.negated(), currency: context.dailyPnL.currency)
      return try loss.isLess(than: limit) ? nil : .dailyLossLimitReached(loss: loss, limit: limit)
    } catch {
      return .arithmetic(error)
    }
  }

  private func collarViolation(_ order: RiskOrder, _ context: RiskContext) -> RiskViolation? {
    guard let collar = limits.priceCollar, let limitPrice = order.limitPrice else { return nil }
    guard let mid = context.quote.flatMap(Self.mid), mid.isPositive else {
      return .quoteRequired(symbol: order.symbol, check: "price collar")
    }
    do {
      let distance = try (limitPrice - mid).value.magnitude()
      let deviation = try distance.divided(by: mid.value, rounding: .toNearestOrEven)
      guard deviation > collar else { return nil }
      return .priceOutsideCollar(limitPrice: limitPrice, mid: mid, deviation: deviation, maximum: collar)
    } catch {
      return .arithmetic(error)
    }
  }

  /// The quote's mid, rounded half-to-even; `nil` when it cannot be computed.
  static func mid(_ quote: Quote) -> Price? {
    try? quote.mid()
  }
}

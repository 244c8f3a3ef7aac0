extension RebalancePlanner {
  /// Plans a rebalance of a unified portfolio: its net quantities and cash, priced at its marks
  /// plus `additionalPrices` for symbols not yet held (those override the marks when both exist).
  /// - Throws: `PortfolioError` as `plan(target:holdings:prices:cash:)` does.
  public func plan(
    target: RebalanceTarget, portfolio: UnifiedPortfolio, additionalPrices: [Symbol: Price] = [:]
  ) throws(PortfolioError) -> RebalancePlan {
    var holdings: [Symbol: Quantity] = [:]
    var prices = additionalPrices
    for exposure in portfolio.exposures {
      holdings[exposure.symbol] = exposure.quantity
      if prices[exposure.symbol] == nil { prices[exposure.symbol] = exposure.mark }
    }
    return try plan(target: target, holdings: holdings, prices: prices, cash: portfolio.cash)
  }
}

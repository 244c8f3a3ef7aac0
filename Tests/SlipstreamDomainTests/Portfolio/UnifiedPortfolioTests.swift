import Testing

@testable import SlipstreamDomain

@Suite("UnifiedPortfolio")
struct UnifiedPortfolioTests {
  let msft = Fixture.symbol("MSFT")

  @Test("positions from several brokers merge per symbol with allocations of equity")
  func merge() throws {
    let positions = [
      BrokerPosition(broker: .alpaca, symbol: Fixture.aapl, quantity: 10),
      BrokerPosition(broker: .schwab, symbol: Fixture.aapl, quantity: 30),
      BrokerPosition(broker: .alpaca, symbol: msft, quantity: 5),
      BrokerPosition(broker: .alpaca, symbol: msft, quantity: -5),
      BrokerPosition(broker: .coinbase, symbol: Fixture.btc, quantity: "0.5"),
    ]
    let portfolio = try UnifiedPortfolio(
      positions: positions, cash: [.alpaca: Fixture.usd("1000"), .coinbase: Fixture.usd("1000")],
      marks: [Fixture.aapl: "200", msft: "400", Fixture.btc: "20000"])
    #expect(portfolio.cash == Fixture.usd("2000"))
    #expect(portfolio.positionsValue == Fixture.usd("18000"))
    #expect(portfolio.equity == Fixture.usd("20000"))
    let aapl = try #require(portfolio.exposure(Fixture.aapl))
    #expect(aapl.quantity == 40)
    #expect(aapl.byBroker == [.alpaca: 10, .schwab: 30])
    #expect(aapl.marketValue == Fixture.usd("8000"))
    #expect(aapl.allocation == "0.4")
    #expect(portfolio.exposure(Fixture.btc)?.allocation == "0.5")
    let flat = try #require(portfolio.exposure(msft))
    #expect(flat.quantity == 0)
    #expect(flat.byBroker.isEmpty)
    #expect(portfolio.exposures.map(\.symbol.value) == ["AAPL", "BTC/USD", "MSFT"])
  }

  @Test("options count with their contract multiplier")
  func options() throws {
    let option = Fixture.symbol("AAPL250117C00150000")
    let portfolio = try UnifiedPortfolio(
      positions: [BrokerPosition(broker: .schwab, symbol: option, quantity: 2)], cash: [:], marks: [option: "3.5"])
    #expect(portfolio.positionsValue == Fixture.usd("700"))
    #expect(portfolio.exposure(option)?.allocation == 1)
  }

  @Test("missing or non-positive marks are errors naming the symbol")
  func marks() {
    let positions = [BrokerPosition(broker: .alpaca, symbol: Fixture.aapl, quantity: 1)]
    #expect(throws: PortfolioError.missingPrice(Fixture.aapl)) {
      try UnifiedPortfolio(positions: positions, cash: [:], marks: [:])
    }
    #expect(throws: PortfolioError.nonPositivePrice(Fixture.aapl, 0)) {
      try UnifiedPortfolio(positions: positions, cash: [:], marks: [Fixture.aapl: 0])
    }
    #expect(throws: PortfolioError.arithmetic(.currencyMismatch(.usd, .eur))) {
      try UnifiedPortfolio(positions: [], cash: [.alpaca: Money(amount: 1, currency: .eur)], marks: [:])
    }
  }
}

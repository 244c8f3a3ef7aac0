import Testing

@testable import SlipstreamDomain

@Suite("Instrument and catalog")
struct InstrumentTests {
  func instrument(_ text: String, _ catalog: InstrumentCatalog = .defaults) throws -> Instrument {
    try catalog.instrument(for: Symbol(text))
  }

  /// A struct row, not a tuple (see `QuoteTests.RejectionRow`).
  struct DefaultsRow: Sendable, CustomTestStringConvertible {
    var symbol: String, price: Price, tick: Price, lot: Quantity, multiplier: Quantity = 1, currency: String = "USD"
    var testDescription: String { "\(symbol) at \(price)" }
  }

  @Test(
    "defaults per asset class",
    arguments: [
      DefaultsRow(symbol: "AAPL", price: 150, tick: "0.01", lot: 1),
      DefaultsRow(symbol: "AAPL", price: "0.5", tick: "0.0001", lot: 1),
      DefaultsRow(symbol: "EUR/USD", price: "1.0850", tick: "0.0001", lot: 1),
      DefaultsRow(symbol: "GBP/JPY", price: "190.5", tick: "0.01", lot: 1, currency: "JPY"),
      DefaultsRow(symbol: "BTC/USD", price: 65000, tick: "0.01", lot: "0.00000001"),
      DefaultsRow(symbol: "ETH/USDT", price: 3000, tick: "0.01", lot: "0.00000001", currency: "USDT"),
      DefaultsRow(symbol: "AAPL250117C00150000", price: "2.5", tick: "0.05", lot: 1, multiplier: 100),
      DefaultsRow(symbol: "AAPL250117C00150000", price: 3, tick: "0.1", lot: 1, multiplier: 100),
    ])
  func defaults(row: DefaultsRow) throws {
    let instrument = try instrument(row.symbol)
    #expect(instrument.tick(at: row.price) == row.tick)
    #expect(instrument.lotSize == row.lot)
    #expect(instrument.minimumQuantity == row.lot)
    #expect(instrument.contractMultiplier == row.multiplier)
    #expect(instrument.quoteCurrency.code == row.currency)
  }

  @Test("catalog options: fractional shares, sub-pips, crypto ticks, penny pilot, overrides")
  func catalogOptions() throws {
    var catalog = InstrumentCatalog()
    catalog.fractionalShares = true
    catalog.forexSubPipDivisor = 10
    catalog.cryptoTicks["DOGE/USD"] = "0.00001"
    catalog.cryptoLotSizes["DOGE/USD"] = 1
    catalog.pennyPilotRoots = ["SPY"]
    let custom = try Instrument(symbol: Symbol("MSFT"), tickSizeRule: .fixed("0.05"), lotSize: 10, minimumQuantity: 100)
    catalog.overrides[custom.symbol] = custom

    #expect(try instrument("AAPL", catalog).lotSize == "0.000000001")
    #expect(try instrument("EUR/USD", catalog).tick(at: 1) == "0.00001")
    #expect(try instrument("USD/JPY", catalog).tick(at: 150) == "0.001")
    #expect(try instrument("DOGE/USD", catalog).tick(at: "0.1") == "0.00001")
    #expect(try instrument("DOGE/USD", catalog).lotSize == 1)
    #expect(try instrument("SPY250321P00425500", catalog).tick(at: "2.5") == "0.01")
    #expect(try instrument("AAPL250117C00150000", catalog).tick(at: "2.5") == "0.05")
    #expect(try instrument("MSFT", catalog) == custom)
  }

  @Test("invalid catalog settings are typed errors", arguments: [0, -10, 3])
  func invalidSubPip(divisor: Int) throws {
    var catalog = InstrumentCatalog()
    catalog.forexSubPipDivisor = divisor
    #expect(throws: InstrumentError.invalidTickSizeRule(.invalidSubPipDivisor(divisor))) {
      try instrument("EUR/USD", catalog)
    }
  }

  @Test("non-positive lot settings are typed errors")
  func invalidLots() throws {
    var catalog = InstrumentCatalog()
    catalog.defaultCryptoLotSize = 0
    #expect(throws: InstrumentError.nonPositiveLotSize(0)) { try instrument("BTC/USD", catalog) }
    #expect(throws: InstrumentError.nonPositiveLotSize(-1)) {
      try Instrument(symbol: Symbol("AAPL"), tickSizeRule: .usEquity, lotSize: 1, minimumQuantity: 1, contractMultiplier: -1)
    }
  }

  @Test("quantity validation")
  func quantityValidation() throws {
    let aapl = try instrument("AAPL")
    try aapl.validate(quantity: 100)
    #expect(throws: InstrumentError.nonPositiveQuantity(0)) { try aapl.validate(quantity: 0) }
    #expect(throws: InstrumentError.nonPositiveQuantity(-5)) { try aapl.validate(quantity: -5) }
    #expect(throws: InstrumentError.belowMinimumQuantity(symbol: aapl.symbol, quantity: "0.5", minimum: 1)) {
      try aapl.validate(quantity: "0.5")
    }
    #expect(throws: InstrumentError.notMultipleOfLot(symbol: aapl.symbol, quantity: "1.5", lot: 1)) {
      try aapl.validate(quantity: "1.5")
    }
    #expect(
      InstrumentError.notMultipleOfLot(symbol: aapl.symbol, quantity: "1.5", lot: 1).description
        == "quantity 1.5 of AAPL is not a multiple of the lot size 1 (fractional quantities are not supported here)")
    let btc = try instrument("BTC/USD")
    try btc.validate(quantity: "0.00000001")
    #expect(throws: InstrumentError.belowMinimumQuantity(symbol: btc.symbol, quantity: "0.000000001", minimum: "0.00000001")) {
      try btc.validate(quantity: "0.000000001")
    }
    #expect(try btc.round(quantity: "0.123456789", .down) == "0.12345678")
  }

  @Test("price validation and rounding")
  func priceValidation() throws {
    let aapl = try instrument("AAPL")
    try aapl.validate(price: "150.25")
    #expect(throws: InstrumentError.priceOffTick(symbol: aapl.symbol, price: "150.255", tick: "0.01")) {
      try aapl.validate(price: "150.255")
    }
    #expect(try aapl.round(price: "150.255", .up) == "150.26")
  }

  @Test("notional includes the contract multiplier and the quote currency")
  func notional() throws {
    #expect(try instrument("AAPL250117C00150000").notional(price: "2.5", quantity: 3) == Money("750"))
    #expect(try instrument("ETH/USDT").notional(price: "3000", quantity: "0.5") == Money("1500", currency: .usdt))
  }
}

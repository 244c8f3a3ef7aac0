import Testing

@testable import SlipstreamDomain

@Suite("Symbol")
struct SymbolTests {
  @Test(
    "detects the asset class and normalizes",
    arguments: [
      ("AAPL", AssetClass.equity, "AAPL"), ("aapl", .equity, "AAPL"), ("BRK.B", .equity, "BRK.B"),
      ("F", .equity, "F"), ("BRK-B", .equity, "BRK.B"), ("brk/b", .equity, "BRK.B"), ("GOOGL", .equity, "GOOGL"), ("BF.BR", .equity, "BF.BR"),
      ("EUR/USD", .forex, "EUR/USD"), ("GBP/JPY", .forex, "GBP/JPY"), ("eur-usd", .forex, "EUR/USD"),
      ("EURUSD", .forex, "EUR/USD"), ("USD/CHF", .forex, "USD/CHF"),
      ("BTC/USD", .crypto, "BTC/USD"), ("ETH/USDT", .crypto, "ETH/USDT"), ("BTC-USD", .crypto, "BTC/USD"),
      ("btc-usd", .crypto, "BTC/USD"), ("BTCUSD", .crypto, "BTC/USD"), ("ETHBTC", .crypto, "ETH/BTC"),
      ("DOGE/EUR", .crypto, "DOGE/EUR"), ("USDT/USD", .crypto, "USDT/USD"),
      ("AAPL250117C00150000", .options, "AAPL250117C00150000"), ("AAPL250117C150", .options, "AAPL250117C00150000"),
      ("AAPL  250117C00150000", .options, "AAPL250117C00150000"), ("SPY250321P00425500", .options, "SPY250321P00425500"),
      ("spy250321p425.5", .options, "SPY250321P00425500"), ("X240229C00000500", .options, "X240229C00000500"),
    ])
  func detects(input: String, assetClass: AssetClass, canonical: String) throws {
    let symbol = try Symbol(input)
    #expect(symbol.assetClass == assetClass)
    #expect(symbol.value == canonical)
    #expect(symbol.description == canonical)
    #expect(try Symbol(canonical) == symbol)
  }

  @Test("pairs expose their legs")
  func pairLegs() throws {
    let symbol = try Symbol("ETH-USDT")
    #expect(symbol.baseAsset == "ETH")
    #expect(symbol.quoteAsset == "USDT")
    #expect(symbol.option == nil)
    #expect(try Symbol("AAPL").baseAsset == nil)
  }

  @Test("OCC symbols parse into contracts")
  func optionContract() throws {
    let contract = try #require(try Symbol("AAPL250117C00150000").option)
    #expect(contract.root == "AAPL")
    #expect(contract.expiry == OptionContract.Expiry(year: 2025, month: 1, day: 17))
    #expect(contract.right == .call)
    #expect(contract.strike == 150)
    let put = try #require(try Symbol("SPY250321P00425500").option)
    #expect(put.right == .put)
    #expect(put.strike == "425.5")
    #expect(put.expiry.description == "2025-03-21")
    #expect(try #require(try Symbol("X240229C00000500").option).strike == "0.5")
  }

  @Test(
    "rejects symbols with a typed reason",
    arguments: [
      ("", SymbolError.empty),
      ("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", .tooLong(symbol: "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", maximum: 32)),
      ("AA PL", .invalidCharacters(symbol: "AA PL")), ("AAPL$", .invalidCharacters(symbol: "AAPL$")),
      ("ÄPPL", .invalidCharacters(symbol: "ÄPPL")), ("AAPL\n", .invalidCharacters(symbol: "AAPL\n")),
      ("XYZ/USD", .unknownCurrencyPair(symbol: "XYZ/USD", base: "XYZ", quote: "USD")),
      ("USD/BTC", .unknownCurrencyPair(symbol: "USD/BTC", base: "USD", quote: "BTC")),
      ("USD/USD", .unknownCurrencyPair(symbol: "USD/USD", base: "USD", quote: "USD")),
      ("EUR/", .unknownCurrencyPair(symbol: "EUR/", base: "EUR", quote: "")),
      ("BTC/USD/EUR", .unknownCurrencyPair(symbol: "BTC/USD/EUR", base: "BTC", quote: "USD/EUR")),
      ("TOOLONG", .unrecognized(symbol: "TOOLONG")), ("BRK.BBB", .unrecognized(symbol: "BRK.BBB")),
      ("A.B.C", .unrecognized(symbol: "A.B.C")), (".", .unrecognized(symbol: ".")),
      ("AAPL250117", .invalidOptionSymbol(symbol: "AAPL250117", problem: .missingRight)),
      ("AAPL25", .invalidOptionSymbol(symbol: "AAPL25", problem: .missingExpiry)),
      ("250117C150", .invalidOptionSymbol(symbol: "250117C150", problem: .invalidRoot)),
      ("ABCDEFG250117C150", .invalidOptionSymbol(symbol: "ABCDEFG250117C150", problem: .invalidRoot)),
      ("AAPL251317C150", .invalidOptionSymbol(symbol: "AAPL251317C150", problem: .invalidExpiry(year: 2025, month: 13, day: 17))),
      ("AAPL250230C150", .invalidOptionSymbol(symbol: "AAPL250230C150", problem: .invalidExpiry(year: 2025, month: 2, day: 30))),
      ("AAPL250229C150", .invalidOptionSymbol(symbol: "AAPL250229C150", problem: .invalidExpiry(year: 2025, month: 2, day: 29))),
      ("AAPL250117X150", .invalidOptionSymbol(symbol: "AAPL250117X150", problem: .missingRight)),
      ("AAPL250117C", .invalidOptionSymbol(symbol: "AAPL250117C", problem: .invalidStrike)),
      ("AAPL250117C0", .invalidOptionSymbol(symbol: "AAPL250117C0", problem: .invalidStrike)),
      ("AAPL250117C1.2345", .invalidOptionSymbol(symbol: "AAPL250117C1.2345", problem: .invalidStrike)),
      ("AAPL250117C100000", .invalidOptionSymbol(symbol: "AAPL250117C100000", problem: .invalidStrike)),
      ("AAPL250117C15A", .invalidOptionSymbol(symbol: "AAPL250117C15A", problem: .invalidStrike)),
      ("AAPL 250117C00150000", .invalidCharacters(symbol: "AAPL 250117C00150000")),
    ])
  func rejects(input: String, error: SymbolError) {
    #expect(throws: error) { try Symbol(input) }
  }

  @Test("errors name the symbol and say why")
  func messages() {
    #expect(
      SymbolError.invalidOptionSymbol(symbol: "AAPL25", problem: .missingExpiry).description
        == "'AAPL25' is not a valid OCC option symbol: expected a yymmdd expiry after the root")
    #expect(SymbolError.unrecognized(symbol: "TOOLONG").description.hasPrefix("'TOOLONG' fits no known format"))
    #expect(SymbolError.unknownCurrencyPair(symbol: "XYZ/USD", base: "XYZ", quote: "USD").description.contains("XYZ/USD"))
  }

  @Test("contracts validate root, year and strike")
  func contractValidation() throws {
    let expiry = try #require(OptionContract.Expiry(year: 2025, month: 1, day: 17))
    #expect(throws: SymbolError.invalidOptionSymbol(symbol: "aapl 2025-01-17 C 150", problem: .invalidRoot)) {
      try OptionContract(root: "aapl", expiry: expiry, right: .call, strike: 150)
    }
    let old = try #require(OptionContract.Expiry(year: 1999, month: 1, day: 1))
    #expect(throws: SymbolError.invalidOptionSymbol(symbol: "AAPL 1999-01-01 P 1", problem: .invalidExpiry(year: 1999, month: 1, day: 1))) {
      try OptionContract(root: "AAPL", expiry: old, right: .put, strike: 1)
    }
    #expect(throws: SymbolError.invalidOptionSymbol(symbol: "AAPL 2025-01-17 C -1", problem: .invalidStrike)) {
      try OptionContract(root: "AAPL", expiry: expiry, right: .call, strike: -1)
    }
    let contract = try OptionContract(root: "AAPL", expiry: expiry, right: .put, strike: "99999.999")
    #expect(Symbol(option: contract).value == "AAPL250117P99999999")
    #expect(OptionContract.Expiry(year: 2024, month: 2, day: 29) != nil)
    #expect(OptionContract.Expiry(year: 2100, month: 2, day: 29) == nil)
    #expect(OptionContract.Expiry(year: 2000, month: 2, day: 29) != nil)
    #expect(OptionContract.Expiry(year: 2025, month: 4, day: 31) == nil)
    #expect(OptionContract.Expiry(year: 2025, month: 0, day: 1) == nil)
  }
}

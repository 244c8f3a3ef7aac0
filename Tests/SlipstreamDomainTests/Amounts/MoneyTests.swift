import Testing

@testable import SlipstreamDomain

@Suite("Price, Quantity, Money")
struct MoneyTests {
  @Test("price × quantity is the notional in dollars")
  func notional() throws {
    let price: Price = "150.25"
    let quantity: Quantity = 100
    #expect(try price * quantity == Money(amount: 15025))
    #expect(try Price("0.00001234").notional(of: "0.5", in: .usdt) == Money("0.00000617", currency: .usdt))
  }

  @Test("notional rounds past the twelfth decimal half-to-even unless asked otherwise")
  func notionalRounding() throws {
    let price: Price = "0.000001"
    let quantity: Quantity = "0.0000005"
    #expect(try price * quantity == Money.zero())
    #expect(throws: AmountError.precisionLoss) { try price.notional(of: quantity, rounding: .exact) }
    #expect(try price.notional(of: quantity, rounding: .up) == Money(amount: FixedDecimal(rawValue: 1)))
  }

  @Test("money only combines within one currency")
  func currencyMismatch() throws {
    let dollars = try Money("10.50")
    let euros = try Money("3", currency: .eur)
    #expect(throws: AmountError.currencyMismatch(.usd, .eur)) { try dollars + euros }
    #expect(throws: AmountError.currencyMismatch(.eur, .usd)) { try euros - dollars }
    #expect(throws: AmountError.currencyMismatch(.usd, .eur)) { try dollars.isLess(than: euros) }
    #expect(try dollars + Money("0.25") == Money("10.75"))
    #expect(try dollars - Money("11") == Money("-0.5"))
    #expect(try Money("2").isLess(than: dollars))
    #expect(dollars.description == "10.5 USD")
    #expect(try Money("1.005").rounded(toPlaces: 2, .toNearestOrEven) == Money("1"))
    #expect(try dollars.multiplied(by: "0.5") == Money("5.25"))
  }

  @Test("wrappers parse, compare and round like FixedDecimal")
  func wrappers() throws {
    #expect(try Price("1.234").rounded(toMultipleOf: "0.01", .down) == Price("1.23"))
    #expect(try Quantity(units: 5, scale: 1) == Quantity("0.5"))
    #expect(Price("0.5") < Price("0.51"))
    let text = "1e2"  // a variable: `Price("1e2")` with a literal is literal coercion and traps
    #expect(throws: AmountError.invalidSyntax(input: text)) { try Price(text) }
    #expect(throws: AmountError.overflow) { try Quantity(value: FixedDecimal(rawValue: .max)) + Quantity("0.000000000001") }
    #expect(try Quantity(3) - Quantity(5) == Quantity(-2))
    #expect(Quantity("0.3").isMultiple(of: "0.1"))
    #expect(try Price("2").multiplied(by: "1.5") == Price(3))
  }

  @Test("currency codes", arguments: ["usd", "USDT", "BTC", "EUR"])
  func currencyCodes(code: String) throws {
    #expect(try Currency(code).code == code.uppercased())
  }

  @Test("invalid currency codes", arguments: ["", "U", "US D", "DOLLARSDOLLARS", "US$", "€"])
  func invalidCurrencyCodes(code: String) {
    #expect(throws: AmountError.invalidCurrencyCode(code)) { try Currency(code) }
  }

  @Test("every error explains itself")
  func messages() {
    #expect(AmountError.currencyMismatch(.usd, .eur).description == "cannot combine USD with EUR: convert to one currency first")
    #expect(AmountError.invalidSyntax(input: "x").description.contains("'x' is not a decimal number"))
  }
}

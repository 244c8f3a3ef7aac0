import Testing

@testable import SlipstreamDomain

@Suite("AmountDisplay")
struct AmountDisplayTests {
  @Test(
    "money",
    arguments: [
      ("125000", "USD", "$125,000.00"), ("100000", "USD", "$100,000.00"), ("0.005", "USD", "$0.00"),
      ("0.015", "USD", "$0.02"), ("-1234.5", "USD", "-$1,234.50"), ("999", "USD", "$999.00"),
      ("1234567.891", "EUR", "1,234,567.89 EUR"),
    ])
  func money(amount: String, currency: String, expected: String) throws {
    #expect(AmountDisplay.money(Money(amount: FixedDecimal(stringLiteral: amount), currency: try Currency(currency))) == expected)
  }

  @Test("decimals and percents", arguments: [("1250.5", "1,250.5", "125,050.00 %"), ("0.052", "0.052", "5.20 %"), ("-0.1", "-0.1", "-10.00 %")])
  func decimalAndPercent(value: String, decimal: String, percent: String) {
    #expect(AmountDisplay.decimal(FixedDecimal(stringLiteral: value)) == decimal)
    #expect(AmountDisplay.percent(FixedDecimal(stringLiteral: value)) == percent)
  }
}

import SlipstreamDomain
import Testing

@testable import SlipstreamAlpaca

@Suite("JSON number literals read exactly into FixedDecimal")
struct FixedDecimalJSONNumberTests {
  @Test(
    "plain and exponent literals",
    arguments: [
      ("123.45", "123.45"),
      ("0.0001", "0.0001"),
      ("0", "0"),
      ("-0", "0"),
      ("2", "2"),
      ("1e-3", "0.001"),
      ("1E-3", "0.001"),
      ("5e-07", "0.0000005"),
      ("2.5e+2", "250"),
      ("2.5E2", "250"),
      ("1.25e1", "12.5"),
      ("12345e-2", "123.45"),
      ("1e-12", "0.000000000001"),
      ("0e-99", "0"),
      ("0.000e5", "0"),
      ("-1.5e-1", "-0.15"),
      ("1e21", "1000000000000000000000"),
      ("133.850000000000", "133.85"),
    ])
  func reads(literal: String, expected: String) throws {
    #expect(try FixedDecimal(jsonNumber: literal) == FixedDecimal(expected))
  }

  @Test(
    "more than twelve decimals are refused, not rounded",
    arguments: ["1e-13", "0.0000000000001", "1.5e-12", "1e-99"])
  func tooPrecise(literal: String) {
    #expect(throws: AmountError.tooManyFractionDigits(input: literal, maximum: 12)) {
      try FixedDecimal(jsonNumber: literal)
    }
  }

  @Test("values beyond the fixed-point range overflow", arguments: ["1e30", "1e99"])
  func overflow(literal: String) {
    #expect(throws: AmountError.overflow) { try FixedDecimal(jsonNumber: literal) }
  }

  @Test("text that is not a number is refused", arguments: ["1e", "1e+", "e5", "1.e3", ".5e1", "1e1000", "1x", "1e5.5"])
  func syntax(literal: String) {
    #expect(throws: AmountError.invalidSyntax(input: literal)) { try FixedDecimal(jsonNumber: literal) }
  }
}

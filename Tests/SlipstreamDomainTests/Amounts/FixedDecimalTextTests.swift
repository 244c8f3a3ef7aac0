import Testing

@testable import SlipstreamDomain

@Suite("FixedDecimal text")
struct FixedDecimalTextTests {
  @Test(
    "parses plain decimals to the canonical form",
    arguments: [
      ("0", "0"), ("-0", "0"), ("+7", "7"), ("123.45", "123.45"), ("123.450", "123.45"),
      ("-0.00000001", "-0.00000001"), ("100", "100"), ("100.000", "100"), ("007.50", "7.5"),
      ("0.000000000001", "0.000000000001"), ("-999999999999.999999999999", "-999999999999.999999999999"),
      ("170141183460469231731687303.715884105727", "170141183460469231731687303.715884105727"),
      ("-170141183460469231731687303.715884105728", "-170141183460469231731687303.715884105728"),
    ])
  func parsesCanonical(input: String, canonical: String) throws {
    let value = try FixedDecimal(input)
    #expect(value.description == canonical)
  }

  @Test(
    "rejects anything but a plain decimal",
    arguments: [
      "", " 1", "1 ", "1e5", "1E5", "NaN", "nan", "inf", "-inf", "1.2.3", "+-1", "--1", "-", "+", ".",
      ".5", "5.", "1,000", "1_000", "0x10", "١٢", "12a", "1 000", "\u{0}",
    ])
  func rejectsSyntax(input: String) {
    #expect(throws: AmountError.invalidSyntax(input: input)) { try FixedDecimal(input) }
  }

  @Test("rejects more than twelve fraction digits, even zeros")
  func rejectsTooManyFractionDigits() {
    for input in ["0.0000000000001", "1.0000000000000"] {
      #expect(throws: AmountError.tooManyFractionDigits(input: input, maximum: 12)) {
        try FixedDecimal(input)
      }
    }
  }

  @Test(
    "rejects values outside the range",
    arguments: [
      "170141183460469231731687303.715884105728", "-170141183460469231731687303.715884105729",
      "1000000000000000000000000000",
    ])
  func rejectsOverflow(input: String) {
    #expect(throws: AmountError.overflow) { try FixedDecimal(input) }
  }

  @Test("raw value is the amount times 10^12")
  func rawValue() throws {
    let (oneAndHalf, tiny) = ("1.5", "-0.000000000001")  // variables: parsed at run time, not literals
    #expect(try FixedDecimal(oneAndHalf).rawValue == 1_500_000_000_000)
    #expect(try FixedDecimal(tiny).rawValue == -1)
    #expect(FixedDecimal(integerLiteral: 3).rawValue == 3_000_000_000_000)
    #expect(FixedDecimal(stringLiteral: "0.25") == FixedDecimal(rawValue: 250_000_000_000))
  }

  @Test(
    "init(units:scale:)",
    arguments: [
      (Int64(12345), 2, "123.45"), (-1, 8, "-0.00000001"), (7, 0, "7"), (Int64.max, 12, "9223372.036854775807"),
      (Int64.min, 0, "-9223372036854775808"),
    ])
  func initUnits(units: Int64, scale: Int, expected: String) throws {
    #expect(try FixedDecimal(units: units, scale: scale).description == expected)
  }

  @Test("init(units:scale:) rejects scales outside 0...12", arguments: [-1, 13, 100])
  func initUnitsRejectsScale(scale: Int) {
    #expect(throws: AmountError.scaleOutOfRange(scale)) { try FixedDecimal(units: 1, scale: scale) }
  }

  @Test(
    "formatted(places:) pads and rounds",
    arguments: [
      ("0.125", 2, RoundingMode.toNearestOrEven, "0.12"), ("0.135", 2, .toNearestOrEven, "0.14"),
      ("0.125", 2, .toNearestOrAwayFromZero, "0.13"), ("7", 2, .exact, "7.00"), ("-1.5", 0, .towardZero, "-1"),
      ("0.1", 4, .exact, "0.1000"), ("0.0001", 2, .up, "0.01"), ("-0.004", 2, .toNearestOrEven, "0.00"),
    ])
  func formatted(input: String, places: Int, mode: RoundingMode, expected: String) throws {
    #expect(try FixedDecimal(input).formatted(places: places, mode) == expected)
  }

  @Test("units(scale:) converts to a wire integer exactly or throws")
  func units() throws {
    #expect(try FixedDecimal("123.45").units(scale: 2) == 12345)
    #expect(try FixedDecimal("-0.00000001").units(scale: 8) == -1)
    #expect(throws: AmountError.precisionLoss) { try FixedDecimal("1.005").units(scale: 2) }
    #expect(try FixedDecimal("1.005").units(scale: 2, .toNearestOrEven) == 100)
    #expect(throws: AmountError.scaleOutOfRange(13)) { try FixedDecimal(1).units(scale: 13) }
  }

  @Test("property: parsing the description gives back the same value")
  func roundTrip() throws {
    var rng = SeededGenerator(seed: 0x5EED_0001)
    for _ in 0..<2_000 {
      let value = FixedDecimal(rawValue: rng.rawValue(bound: .max))
      #expect(try FixedDecimal(value.description) == value)
    }
    #expect(try FixedDecimal(FixedDecimal(rawValue: .min).description) == FixedDecimal(rawValue: .min))
  }
}

import Testing

@testable import SlipstreamDomain

@Suite("FixedDecimal arithmetic")
struct FixedDecimalArithmeticTests {
  static let max = FixedDecimal(rawValue: .max)
  static let min = FixedDecimal(rawValue: .min)

  @Test("addition and subtraction are exact")
  func addSubtract() throws {
    #expect(try FixedDecimal("0.1") + FixedDecimal("0.2") == FixedDecimal("0.3"))
    #expect(try FixedDecimal("1") - FixedDecimal("1.000000000001") == FixedDecimal("-0.000000000001"))
  }

  @Test("overflow is a typed error, never a trap")
  func overflow() {
    #expect(throws: AmountError.overflow) { try Self.max + FixedDecimal(rawValue: 1) }
    #expect(throws: AmountError.overflow) { try Self.min - FixedDecimal(rawValue: 1) }
    #expect(throws: AmountError.overflow) { try Self.min.negated() }
    #expect(throws: AmountError.overflow) { try Self.min.magnitude() }
    #expect(throws: AmountError.overflow) { try Self.max.multiplied(by: 2) }
    #expect(throws: AmountError.overflow) { try Self.max.divided(by: FixedDecimal("0.5")) }
    #expect(throws: AmountError.overflow) {
      try FixedDecimal("100000000000000").multiplied(by: FixedDecimal("100000000000000"))
    }
    #expect(throws: AmountError.overflow) { try Self.max.rounded(toMultipleOf: 1, .up) }
  }

  @Test("division by zero is a typed error")
  func divisionByZero() {
    #expect(throws: AmountError.divisionByZero) { try FixedDecimal(1).divided(by: .zero) }
    #expect(throws: AmountError.divisionByZero) { try FixedDecimal.zero.divided(by: .zero, rounding: .down) }
  }

  @Test(
    "multiplication rounds past the twelfth decimal only when asked",
    arguments: [
      ("1.5", "2", RoundingMode.exact, "3"), ("-1.5", "2", .exact, "-3"), ("150.25", "100", .exact, "15025"),
      ("0.000001", "0.000001", .exact, "0.000000000001"),
      ("0.0000005", "0.000001", .toNearestOrEven, "0"), ("0.0000015", "0.000001", .toNearestOrEven, "0.000000000002"),
      ("0.0000005", "0.000001", .toNearestOrAwayFromZero, "0.000000000001"),
      ("-0.0000005", "0.000001", .toNearestOrAwayFromZero, "-0.000000000001"),
      ("-0.0000005", "0.000001", .down, "-0.000000000001"), ("-0.0000005", "0.000001", .up, "0"),
      ("0.0000005", "0.000001", .up, "0.000000000001"), ("0.0000005", "0.000001", .towardZero, "0"),
      ("-0.0000005", "0.000001", .awayFromZero, "-0.000000000001"),
    ])
  func multiply(lhs: String, rhs: String, mode: RoundingMode, expected: String) throws {
    #expect(try FixedDecimal(lhs).multiplied(by: FixedDecimal(rhs), rounding: mode) == FixedDecimal(expected))
  }

  @Test("exact multiplication refuses to drop digits")
  func multiplyPrecisionLoss() {
    #expect(throws: AmountError.precisionLoss) {
      try FixedDecimal("0.0000005").multiplied(by: FixedDecimal("0.000001"))
    }
  }

  @Test(
    "division with each rounding mode",
    arguments: [
      ("1", "4", RoundingMode.exact, "0.25"), ("10", "-4", .exact, "-2.5"),
      ("2", "3", .toNearestOrEven, "0.666666666667"), ("2", "3", .down, "0.666666666666"),
      ("-2", "3", .down, "-0.666666666667"), ("-2", "3", .up, "-0.666666666666"),
      ("-2", "3", .towardZero, "-0.666666666666"), ("2", "3", .awayFromZero, "0.666666666667"),
      ("1", "-3", .toNearestOrAwayFromZero, "-0.333333333333"),
    ])
  func divide(lhs: String, rhs: String, mode: RoundingMode, expected: String) throws {
    #expect(try FixedDecimal(lhs).divided(by: FixedDecimal(rhs), rounding: mode) == FixedDecimal(expected))
  }

  @Test("exact division refuses a repeating quotient")
  func dividePrecisionLoss() {
    #expect(throws: AmountError.precisionLoss) { try FixedDecimal(1).divided(by: 3) }
  }

  @Test(
    "rounding to an increment",
    arguments: [
      ("1.005", "0.01", RoundingMode.toNearestOrEven, "1"), ("1.015", "0.01", .toNearestOrEven, "1.02"),
      ("1.005", "0.01", .toNearestOrAwayFromZero, "1.01"), ("1.001", "0.01", .up, "1.01"),
      ("1.009", "0.01", .down, "1"), ("-1.001", "0.01", .down, "-1.01"), ("-1.009", "0.01", .up, "-1"),
      ("-1.009", "0.01", .towardZero, "-1"), ("-1.001", "0.01", .awayFromZero, "-1.01"),
      ("2.97", "0.05", .toNearestOrEven, "2.95"), ("2.975", "0.05", .toNearestOrEven, "3"),
      ("2.925", "0.05", .toNearestOrEven, "2.9"), ("150", "0.01", .exact, "150"),
      ("0.123456789", "0.00000001", .down, "0.12345678"), ("7", "3", .toNearestOrEven, "6"),
    ])
  func roundToIncrement(value: String, increment: String, mode: RoundingMode, expected: String) throws {
    let rounded = try FixedDecimal(value).rounded(toMultipleOf: FixedDecimal(increment), mode)
    #expect(rounded == (try FixedDecimal(expected)))
  }

  @Test("rounding errors: off-grid with .exact, non-positive increments")
  func roundingErrors() {
    #expect(throws: AmountError.precisionLoss) { try FixedDecimal("1.005").rounded(toMultipleOf: "0.01", .exact) }
    #expect(throws: AmountError.nonPositiveIncrement) { try FixedDecimal(1).rounded(toMultipleOf: 0, .down) }
    #expect(throws: AmountError.nonPositiveIncrement) { try FixedDecimal(1).rounded(toMultipleOf: -1, .down) }
    #expect(throws: AmountError.scaleOutOfRange(-1)) { try FixedDecimal(1).rounded(toPlaces: -1, .down) }
    #expect(FixedDecimal(1).isMultiple(of: 0) == false)
  }

  @Test("property: addition commutes and subtraction undoes it")
  func additionLaws() throws {
    var rng = SeededGenerator(seed: 0x5EED_0002)
    let bound = Int128.max / 2
    for _ in 0..<2_000 {
      let a = FixedDecimal(rawValue: rng.rawValue(bound: bound))
      let b = FixedDecimal(rawValue: rng.rawValue(bound: bound))
      #expect(try a + b == b + a)
      #expect(try (a + b) - b == a)
    }
  }

  @Test("property: multiplication matches the 128-bit reference where it fits, and commutes")
  func multiplicationMatchesReference() throws {
    var rng = SeededGenerator(seed: 0x5EED_0003)
    let bound: Int128 = 1 << 62
    for _ in 0..<2_000 {
      let a = rng.rawValue(bound: bound)
      let b = rng.rawValue(bound: bound)
      let product = try FixedDecimal(rawValue: a).multiplied(by: FixedDecimal(rawValue: b), rounding: .towardZero)
      #expect(product.rawValue == a * b / FixedDecimal.rawUnitsPerOne)
      let floor = try FixedDecimal(rawValue: a).multiplied(by: FixedDecimal(rawValue: b), rounding: .down)
      let ceiling = try FixedDecimal(rawValue: a).multiplied(by: FixedDecimal(rawValue: b), rounding: .up)
      #expect(floor <= ceiling && ceiling.rawValue - floor.rawValue <= 1)
      #expect(try FixedDecimal(rawValue: b).multiplied(by: FixedDecimal(rawValue: a), rounding: .towardZero) == product)
    }
  }

  @Test("property: rounding lands on the grid, within one increment, in the requested direction")
  func roundingLaws() throws {
    var rng = SeededGenerator(seed: 0x5EED_0004)
    for _ in 0..<2_000 {
      let value = FixedDecimal(rawValue: rng.rawValue(bound: 1 << 80))
      let increment = FixedDecimal(rawValue: rng.rawValue(bound: 1 << 50).magnitude == 0 ? 1 : Int128(rng.rawValue(bound: 1 << 50).magnitude) + 1)
      for mode in RoundingMode.allCases where mode != .exact {
        let rounded = try value.rounded(toMultipleOf: increment, mode)
        #expect(rounded.isMultiple(of: increment))
        #expect((rounded.rawValue - value.rawValue).magnitude < increment.rawValue.magnitude)
        if mode == .down { #expect(rounded <= value) }
        if mode == .up { #expect(rounded >= value) }
        if mode == .towardZero { #expect(rounded.rawValue.magnitude <= value.rawValue.magnitude) }
        if mode == .awayFromZero { #expect(rounded.rawValue.magnitude >= value.rawValue.magnitude) }
      }
    }
  }

  @Test("property: (a ÷ b rounded down) × b never exceeds a for positive a, b")
  func divisionLaw() throws {
    var rng = SeededGenerator(seed: 0x5EED_0005)
    for _ in 0..<2_000 {
      let a = FixedDecimal(rawValue: rng.rawValue(bound: 1 << 70).magnitude == 0 ? 1 : Int128(rng.rawValue(bound: 1 << 70).magnitude))
      let b = FixedDecimal(rawValue: Int128(rng.rawValue(bound: 1 << 60).magnitude) + 1)
      let q = try a.divided(by: b, rounding: .down)
      #expect(try q.multiplied(by: b, rounding: .down) <= a)
    }
  }
}

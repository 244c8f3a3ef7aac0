import Testing

@testable import SlipstreamWire

@Suite struct GRPCTimeoutTests {
  @Test(arguments: [
    ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("30S", .seconds(30)),
    ("250m", .milliseconds(250)), ("7u", .microseconds(7)), ("9n", .nanoseconds(9)),
    ("0S", .zero), ("00000001S", .seconds(1)), ("99999999H", .seconds(99_999_999 * 3600)),
    ("99999999n", .nanoseconds(99_999_999)),
  ])
  func parsesEveryUnit(header: String, duration: Duration) throws {
    let timeout = try GRPCTimeout(parsing: header)
    #expect(timeout.duration == duration)
  }

  @Test(arguments: GRPCTimeout.Unit.allCases, [0, 1, 42, 99_999_999])
  func headerValueRoundTrips(unit: GRPCTimeout.Unit, amount: Int) throws {
    let timeout = try GRPCTimeout(amount: amount, unit: unit)
    let parsed = try GRPCTimeout(parsing: timeout.headerValue)
    #expect(parsed == timeout)
    // Converting the duration back loses nothing (the finest unit that fits is exact).
    #expect(GRPCTimeout(timeout.duration).duration == timeout.duration)
  }

  @Test(arguments: [
    (Duration.nanoseconds(1), "1n"), (.nanoseconds(99_999_999), "99999999n"),
    (.nanoseconds(100_000_000), "100000u"), (.milliseconds(1500), "1500000u"),
    (.seconds(100), "100000m"), (.seconds(100_000), "100000S"),
    (.seconds(100_000_000), "1666667M"), (.seconds(6_000_000_000), "1666667H"),
    (.zero, "0n"), (.seconds(-5), "0n"), (.nanoseconds(-1), "0n"),
  ])
  func convertsDurationsToTheFinestUnitThatFits(duration: Duration, header: String) {
    #expect(GRPCTimeout(duration).headerValue == header)
  }

  @Test func roundsUpNeverDown() {
    // 100,000,001 ns does not fit in 8 digits of n; in u it is 100,000.001 -> rounded up.
    let timeout = GRPCTimeout(.nanoseconds(100_000_001))
    #expect(timeout.headerValue == "100001u")
    #expect(timeout.duration >= .nanoseconds(100_000_001))
    // Sub-nanosecond remainders round up too.
    #expect(GRPCTimeout(.nanoseconds(1) / 4).headerValue == "1n")
  }

  @Test func hugeDurationsAreClamped() {
    #expect(GRPCTimeout(.seconds(Int64.max)).headerValue == "99999999H")
  }

  @Test(arguments: [
    "", "S", "1", "123456789S", "1X", "1h", "-1S", "+1S", " 1S", "1S ", "1 S", "1.5S",
    "１S", "1SS", "0x1S",
  ])
  func malformedHeadersAreRefused(header: String) {
    #expect(throws: WireError(.invalidTimeout(header))) {
      try GRPCTimeout(parsing: header)
    }
  }

  @Test(arguments: [-1, 100_000_000])
  func outOfRangeAmountsAreRefused(amount: Int) {
    #expect(throws: WireError(.invalidTimeout("\(amount)S"))) {
      try GRPCTimeout(amount: amount, unit: .seconds)
    }
  }
}

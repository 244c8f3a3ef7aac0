import Testing

@testable import SlipstreamDomain

@Suite("CircuitBreaker, DrawdownControl, KillSwitch")
struct CircuitBreakerTests {
  func breaker(_ reset: CircuitBreaker.ResetRule = .manual) throws -> CircuitBreaker {
    try CircuitBreaker(configuration: .init(window: .seconds(600), lossThreshold: Fixture.usd("1000"), reset: reset))
  }

  @Test("trips only when the net loss in the window exceeds the threshold")
  func trips() throws {
    var b = try breaker()
    #expect(try b.record(realizedPnL: Fixture.usd("-600"), at: Fixture.t(0)) == .armed)
    #expect(try b.record(realizedPnL: Fixture.usd("200"), at: Fixture.t(100)) == .armed)
    #expect(try b.record(realizedPnL: Fixture.usd("-600"), at: Fixture.t(200)) == .armed)  // net −1000: not above
    #expect(try b.windowLoss(at: Fixture.t(200)) == Fixture.usd("1000"))
    let state = try b.record(realizedPnL: Fixture.usd("-0.01"), at: Fixture.t(300))
    #expect(state == .tripped(at: Fixture.t(300), loss: Fixture.usd("1000.01")))
    #expect(b.isTripped(at: Fixture.t(10_000)))  // manual: stays tripped
    #expect(b.resetsAt(from: Fixture.t(400)) == nil)
  }

  @Test("losses older than the window no longer count")
  func rollingWindow() throws {
    var b = try breaker()
    try b.record(realizedPnL: Fixture.usd("-900"), at: Fixture.t(0))
    #expect(try b.windowLoss(at: Fixture.t(599)) == Fixture.usd("900"))
    #expect(try b.windowLoss(at: Fixture.t(600)) == Fixture.usd("0"))
    #expect(try b.record(realizedPnL: Fixture.usd("-900"), at: Fixture.t(600)) == .armed)
    #expect(try b.record(realizedPnL: Fixture.usd("-101"), at: Fixture.t(601)) == .tripped(at: Fixture.t(601), loss: Fixture.usd("1001")))
  }

  @Test("cool-down reset re-arms and forgets the losses that tripped it")
  func coolDown() throws {
    var b = try breaker(.afterCoolDown(.seconds(300)))
    try b.record(realizedPnL: Fixture.usd("-1500"), at: Fixture.t(0))
    #expect(b.isTripped(at: Fixture.t(299)))
    #expect(b.resetsAt(from: Fixture.t(10)) == Fixture.t(300))
    #expect(!b.isTripped(at: Fixture.t(300)))
    #expect(try b.record(realizedPnL: Fixture.usd("-10"), at: Fixture.t(301)) == .armed)
    #expect(try b.windowLoss(at: Fixture.t(301)) == Fixture.usd("10"))
  }

  @Test("manual reset re-arms")
  func manualReset() throws {
    var b = try breaker()
    try b.record(realizedPnL: Fixture.usd("-2000"), at: Fixture.t(0))
    b.reset(at: Fixture.t(5))
    #expect(b.state(at: Fixture.t(5)) == .armed)
    #expect(try b.record(realizedPnL: Fixture.usd("-1"), at: Fixture.t(6)) == .armed)
  }

  @Test("a P&L in another currency is refused")
  func currency() throws {
    var b = try breaker()
    #expect(throws: AmountError.currencyMismatch(.eur, .usd)) {
      try b.record(realizedPnL: Money(amount: -1, currency: .eur), at: Fixture.t(0))
    }
  }

  @Test("bad configurations are rejected with the value")
  func badConfigurations() {
    #expect(throws: RiskConfigurationError.nonPositiveWindow(.zero)) {
      try CircuitBreaker(configuration: .init(window: .zero, lossThreshold: Fixture.usd("1"), reset: .manual))
    }
    #expect(throws: RiskConfigurationError.nonPositiveLossThreshold(Fixture.usd("-5"))) {
      try CircuitBreaker(configuration: .init(window: .seconds(1), lossThreshold: Fixture.usd("-5"), reset: .manual))
    }
    #expect(throws: RiskConfigurationError.nonPositiveCoolDown(.zero)) {
      try CircuitBreaker(configuration: .init(window: .seconds(1), lossThreshold: Fixture.usd("5"), reset: .afterCoolDown(.zero)))
    }
    for bad: FixedDecimal in [0, 1, "-0.1", "1.5"] {
      #expect(throws: RiskConfigurationError.drawdownLimitOutOfRange(bad)) { try DrawdownControl(maxDrawdown: bad) }
    }
  }

  @Test("drawdown tracks the peak and recovers")
  func drawdown() throws {
    var d = try DrawdownControl(maxDrawdown: "0.2")
    #expect(d.drawdown == 0)
    for (equity, expected, blocks) in [("100", "0", false), ("120", "0", false), ("96", "0.2", false), ("95", "0.208333333333", true), ("130", "0", false)] {
      try d.record(equity: Fixture.usd(equity))
      #expect(d.drawdown == FixedDecimal(stringLiteral: expected), "\(equity)")
      #expect(d.blocksBuys == blocks, "\(equity)")
    }
    #expect(d.peakEquity == Fixture.usd("130"))
    try d.record(equity: Fixture.usd("50"))
    d.resetPeak()
    #expect(d.drawdown == 0)
  }

  @Test("kill switch state")
  func killSwitch() {
    var k = KillSwitch()
    #expect(k.state == .released)
    k.engage(reason: "manual", at: Fixture.t(1))
    #expect(k.state == .engaged(reason: "manual", at: Fixture.t(1)))
    k.release()
    #expect(!k.isEngaged)
  }
}

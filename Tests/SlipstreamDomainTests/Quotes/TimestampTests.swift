import Testing

@testable import SlipstreamDomain

@Suite("Timestamp")
struct TimestampTests {
  @Test("durations between timestamps, both directions, without overflow")
  func durations() {
    let a = Timestamp(nanosecondsSinceEpoch: 1_500_000_000)
    let b = Timestamp(nanosecondsSinceEpoch: 4_000_000_001)
    #expect(b.duration(since: a) == .nanoseconds(2_500_000_001))
    #expect(a.duration(since: b) == .nanoseconds(-2_500_000_001))
    let extremes = Timestamp(nanosecondsSinceEpoch: .max).duration(since: Timestamp(nanosecondsSinceEpoch: .min))
    #expect(extremes > .seconds(18_000_000_000))
  }

  @Test("advancing and seconds construction report overflow as nil")
  func advancing() {
    #expect(Timestamp.epoch.advanced(by: .milliseconds(1500)) == Timestamp(nanosecondsSinceEpoch: 1_500_000_000))
    #expect(Timestamp(nanosecondsSinceEpoch: .max).advanced(by: .nanoseconds(1)) == nil)
    #expect(Timestamp(secondsSinceEpoch: 2) == Timestamp(nanosecondsSinceEpoch: 2_000_000_000))
    #expect(Timestamp(secondsSinceEpoch: .max) == nil)
    #expect(Timestamp.epoch < Timestamp(nanosecondsSinceEpoch: 1))
  }
}

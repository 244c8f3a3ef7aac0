import SlipstreamTestSupport
@testable import SlipstreamTransport
import Testing

@Suite("Connection backoff")
struct ConnectionBackoffTests {
  let backoff = ConnectionBackoff(initial: .seconds(1), multiplier: 1.6, jitter: 0.2, maximum: .seconds(120))

  @Test func noFailuresMeansNoWait() {
    var generator = SystemRandomNumberGenerator()
    #expect(backoff.delay(afterFailures: 0, using: &generator) == .zero)
  }

  @Test(arguments: [
    (1, 1.0), (2, 1.6), (3, 2.56), (4, 4.096), (10, 68.719476736), (11, 109.9511627776), (12, 120.0), (40, 120.0),
  ])
  func delaysGrowByTheMultiplierUpToTheCap(failures: Int, expectedSeconds: Double) {
    let noJitter = ConnectionBackoff(initial: .seconds(1), multiplier: 1.6, jitter: 0, maximum: .seconds(120))
    var generator = SystemRandomNumberGenerator()
    let seconds = noJitter.delay(afterFailures: failures, using: &generator).seconds
    #expect(abs(seconds - expectedSeconds) < 1e-6, "\(seconds)")
  }

  @Test(arguments: [UInt64(1), 42, 0xDEAD_BEEF])
  func jitterStaysWithinTwentyPercentAndVaries(seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    var seen: Set<Int64> = []
    for failures in 1...15 {
      var noJitterGenerator = SystemRandomNumberGenerator()
      let base = ConnectionBackoff(initial: .seconds(1), multiplier: 1.6, jitter: 0, maximum: .seconds(120))
        .delay(afterFailures: failures, using: &noJitterGenerator).seconds
      let jittered = backoff.delay(afterFailures: failures, using: &generator).seconds
      #expect(jittered >= base * 0.8 - 1e-9 && jittered <= base * 1.2 + 1e-9, "\(failures): \(jittered) vs \(base)")
      seen.insert(Int64(jittered / base * 1e6))
    }
    #expect(seen.count > 1, "jitter should spread the delays")
  }
}

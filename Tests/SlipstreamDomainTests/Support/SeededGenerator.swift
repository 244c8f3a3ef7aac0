import SlipstreamTestSupport

/// The shared SplitMix64 generator, under its name in every file of these tests.
typealias SeededGenerator = SlipstreamTestSupport.SeededGenerator

extension SeededGenerator {
  /// A raw Int128 in `-bound...bound`, biased towards small magnitudes and round numbers so
  /// carries, ties and zero are exercised often.
  mutating func rawValue(bound: Int128) -> Int128 {
    let shape = next() % 4
    var magnitude: Int128
    switch shape {
    case 0: magnitude = Int128(next() % 1_000)
    case 1: magnitude = Int128(next() % 1_000_000) * 1_000_000
    default: magnitude = Int128(next()) << 40 | Int128(next() >> 24)
    }
    if magnitude > bound { magnitude %= bound }
    return next() & 1 == 0 ? magnitude : -magnitude
  }
}

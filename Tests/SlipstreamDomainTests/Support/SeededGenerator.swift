/// SplitMix64: a tiny deterministic PRNG so property tests draw the same cases on every run.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

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

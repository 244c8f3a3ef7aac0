/// Exponential backoff with jitter between connection attempts, as in gRPC's
/// connection-backoff document: 1 s, ×1.6 per failure, ±20 % jitter, at most 120 s.
public struct ConnectionBackoff: Sendable, Hashable {
  /// The delay after the first failure.
  public var initial: Duration
  /// Growth per consecutive failure.
  public var multiplier: Double
  /// Relative jitter, 0 … 1: each delay is spread uniformly over ±jitter.
  public var jitter: Double
  /// The cap on the delay.
  public var maximum: Duration

  public init(initial: Duration = .seconds(1), multiplier: Double = 1.6, jitter: Double = 0.2, maximum: Duration = .seconds(120)) {
    self.initial = initial
    self.multiplier = multiplier
    self.jitter = jitter
    self.maximum = maximum
  }

  /// The gRPC defaults.
  public static var defaults: ConnectionBackoff { ConnectionBackoff() }

  /// How long to wait after `failures` consecutive failed attempts (1 = after the first).
  /// - Parameters:
  ///   - failures: Consecutive failures so far; 0 means no wait.
  ///   - generator: The randomness for the jitter (injected so tests are deterministic).
  public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
    guard failures > 0 else { return .zero }
    let initialSeconds = initial.seconds
    let maxSeconds = maximum.seconds
    var base = initialSeconds
    var step = 1
    while step < failures && base < maxSeconds {
      base *= multiplier
      step += 1
    }
    base = min(base, maxSeconds)
    let spread = base * jitter
    let jittered = spread > 0 ? base + Double.random(in: -spread...spread, using: &generator) : base
    return .nanoseconds(Int64(max(0, jittered) * 1e9))
  }
}

extension Duration {
  /// The duration in seconds as a floating-point value (timing only, never money).
  var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) / 1e18
  }
}

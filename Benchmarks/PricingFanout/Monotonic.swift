#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monotonic clock every timestamp of the benchmark is read from (publisher and
/// subscribers run in the same process, so their readings compare directly).
enum Monotonic {
  /// Nanoseconds of CLOCK_MONOTONIC.
  static func now() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }
}

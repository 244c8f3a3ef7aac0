import Foundation

/// This process's memory as Linux reports it in /proc/self/status.
enum ProcessMemory {
  /// Resident set size (VmRSS) in bytes; 0 where /proc is missing.
  static func residentBytes() -> Int { field("VmRSS:") }

  /// Peak resident set size (VmHWM) in bytes since the start or the last ``resetPeak()``.
  static func peakResidentBytes() -> Int { field("VmHWM:") }

  /// Resets the peak to the current RSS (`5` to /proc/self/clear_refs, Linux 4.0+).
  static func resetPeak() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  }

  /// Returns the allocator's free memory to the system (glibc `malloc_trim(0)`, looked up at
  /// run time because Swift's Glibc module does not import malloc.h).
  static func trim() {
    typealias MallocTrim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(nil, "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
  }

  private static func field(_ name: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) })
    else { return 0 }
    let kilobytes = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
    return kilobytes * 1024
  }
}

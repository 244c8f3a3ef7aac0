import Foundation
import SlipstreamTestSupport
import Synchronization

/// Runs `python/memory_peer.py`: many well-behaved connections (or streams) held open while a
/// test measures what they cost the server, which runs in this process.
///
/// The script's "ready N" line is read on a thread of its own and its exit awaited through
/// `terminationHandler`, so no thread of the cooperative pool blocks; `timeout` only guards
/// against a script that never gets ready.
enum MemoryPeer {
  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  /// What each connection does once set up (see the script).
  enum Mode: String, Sendable {
    /// Stays silent.
    case idle
    /// Starts `count` calls to `bench.Memory/Hang`, then stays silent.
    case streams
    /// Sends `count` rapid resets, then a PING whose ACK proves they were all processed.
    case resets
  }

  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("python/memory_peer.py").path

  /// Opens `count` connections doing `mode` (`perConnection` streams or resets on each), runs
  /// `body` while all are held, then closes them and waits for the exit.
  /// - Throws: ``Failed`` when python3 is missing, the script fails, or fewer connections than
  ///   asked are set up within `timeout`.
  static func holding<Result: Sendable>(
    _ mode: Mode = .idle,
    connections count: Int,
    perConnection: Int = 0,
    tls: Bool = false,
    port: Int,
    timeout: Duration = .seconds(60),
    _ body: () async throws -> Result
  ) async throws -> Result {
    var arguments = [script, mode.rawValue, "127.0.0.1", String(port), String(count)]
    if mode != .idle { arguments.append(String(perConnection)) }
    if tls { arguments.append("tls") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    let (exits, exited) = AsyncStream<Int32>.makeStream()
    process.terminationHandler = { exited.yield($0.terminationStatus) }
    let ready = ReadyLine()
    try process.run()
    readLines(from: output.fileHandleForReading, line: { ready.deliver($0) }, end: { ready.deliver(nil) })
    defer {
      if process.isRunning { process.terminate() }
    }
    let line = try await withThrowingTaskGroup(of: String?.self) { group in
      group.addTask { await ready.wait() }
      group.addTask {
        try await Task.sleep(for: timeout)
        throw Failed(description: "memory_peer.py did not set up \(count) connections within \(timeout)")
      }
      let line = try await group.next()!
      group.cancelAll()
      return line
    }
    guard line == "ready \(count)" else {
      throw Failed(description: "memory_peer.py: \(line ?? "exited without output") (python3 with h2 is needed)")
    }
    let result = try await body()
    try input.fileHandleForWriting.close()
    for await status in exits {
      guard status == 0 else { throw Failed(description: "memory_peer.py exited with \(status)") }
      break
    }
    return result
  }
}

/// The first line a child prints, or nil once its output ends without one.
private final class ReadyLine: Sendable {
  private struct State {
    var line: String??
    var waiter: CheckedContinuation<String?, Never>?
  }
  private let state = Mutex(State())

  /// A line the child printed, or nil at the end of its output; only the first counts.
  func deliver(_ line: String?) {
    let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
      guard state.line == nil else { return nil }
      state.line = .some(line)
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(returning: line)
  }

  func wait() async -> String? {
    await withCheckedContinuation { continuation in
      let line = state.withLock { state -> String?? in
        if let line = state.line { return line }
        state.waiter = continuation
        return nil
      }
      if let line { continuation.resume(returning: line) }
    }
  }
}

/// This process's memory as Linux reports it in /proc/self/status.
enum ProcessMemory {
  /// Resident set size (VmRSS) in bytes.
  static func resident() -> Int { field("VmRSS:") }

  /// Peak resident set size (VmHWM) in bytes since the last ``resetPeak()``.
  static func peak() -> Int { field("VmHWM:") }

  /// Resets the peak to the current RSS (Linux: `5` to /proc/self/clear_refs).
  static func resetPeak() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  }

  private static func field(_ name: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
      let kilobytes = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap({ Int($0) })
    else { return 0 }
    return kilobytes * 1024
  }
}

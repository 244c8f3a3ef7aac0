import Foundation
import SlipstreamTestSupport
import Synchronization

/// Why a peer process did not do what a test needed.
struct PeerProcessError: Error, CustomStringConvertible {
  let description: String
}

/// A child process (a Python interop peer) whose combined output is read line by line.
/// Terminate it with ``terminate()`` (tests do so in a `defer`).
final class PeerProcess: Sendable {
  private let process: Process
  private let name: String
  private let lines: AsyncStream<String>
  private let exited: AsyncStream<Int32>
  private let output = OutputLog()

  /// Starts `executable` with `arguments`; stdout and stderr go to one pipe.
  /// - Throws: Whatever `Process.run()` throws when the executable cannot be started.
  init(_ executable: URL, _ arguments: [String], name: String) throws {
    self.name = name
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONUNBUFFERED"] = "1"
    process.environment = environment

    let (lines, lineSink) = AsyncStream<String>.makeStream()
    let (exited, exitSink) = AsyncStream<Int32>.makeStream()
    self.lines = lines
    self.exited = exited
    self.process = process

    let output = self.output
    process.terminationHandler = { finished in
      exitSink.yield(finished.terminationStatus)
      exitSink.finish()
    }
    try process.run()
    readLines(from: pipe.fileHandleForReading, line: { line in
      output.lines.withLock { $0.append(line) }
      lineSink.yield(line)
    }, end: { lineSink.finish() })
  }

  /// Everything the process printed so far.
  var transcript: String { output.lines.withLock { $0.joined(separator: "\n") } }

  /// Waits for the first line that `match` accepts and returns what it extracted.
  /// - Throws: ``PeerProcessError`` when the output ends first or `timeLimit` passes.
  func firstLine<Value: Sendable>(
    within timeLimit: Duration,
    _ match: @escaping @Sendable (String) -> Value?
  ) async throws -> Value {
    let lines = self.lines
    let found: Value? = try await withTimeLimit(timeLimit, waitingFor: "its ready line") {
      for await line in lines {
        if let value = match(line) { return value }
      }
      return nil
    }
    guard let found else {
      throw PeerProcessError(description: "\(name) ended without printing its ready line:\n\(transcript)")
    }
    return found
  }

  /// Waits for the process to exit and returns its status.
  /// - Throws: ``PeerProcessError`` when `timeLimit` passes first.
  func exitStatus(within timeLimit: Duration) async throws -> Int32 {
    let exited = self.exited
    let lines = self.lines
    return try await withTimeLimit(timeLimit, waitingFor: "its exit") {
      var status: Int32 = -1
      for await code in exited { status = code }
      for await _ in lines {}  // the rest of the output, so the transcript is complete
      return status
    }
  }

  /// Stops the process (SIGTERM) if it is still running.
  func terminate() {
    if process.isRunning { process.terminate() }
  }

  private func withTimeLimit<Value: Sendable>(
    _ timeLimit: Duration,
    waitingFor what: String,
    _ body: @escaping @Sendable () async throws -> Value
  ) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
      group.addTask { try await body() }
      group.addTask {
        try await Task.sleep(for: timeLimit)
        return nil
      }
      defer { group.cancelAll() }
      guard let first = try await group.next(), let value = first else {
        throw PeerProcessError(description: "\(name) did not reach \(what) within \(timeLimit):\n\(transcript)")
      }
      return value
    }
  }
}

/// The lines a process printed, shared with its reader thread.
private final class OutputLog: Sendable {
  let lines = Mutex<[String]>([])
}

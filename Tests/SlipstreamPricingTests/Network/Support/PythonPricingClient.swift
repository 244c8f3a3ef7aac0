import Foundation
import Synchronization

/// `Tests/SlipstreamPricingTests/python/pricing_client.py` run as a child process whose output
/// is read line by line (the process is never waited on from the cooperative pool: its
/// pipe's readability handler and termination handler feed async streams).
final class PythonPricingClient: Sendable {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python").appendingPathComponent("pricing_client.py").path

  /// Whether python3 can import grpc and grpc_tools (checked once, before the suite runs).
  static let available: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import grpc, grpc_tools"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  private let process: Process
  private let lines: AsyncStream<String>
  private let exited: AsyncStream<Int32>
  private let output = OutputLog()

  /// Starts the client against `port`, trusting the CA in `caFile`.
  /// - Throws: Whatever `Process.run()` throws when python3 cannot be started.
  init(port: Int, caFile: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Self.script, "--port", "\(port)", "--ca-file", caFile, "--server-name", NetworkPKI.serverName]
    process.standardInput = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONUNBUFFERED"] = "1"
    process.environment = environment
    let (lines, lineSink) = AsyncStream<String>.makeStream()
    let (exited, exitSink) = AsyncStream<Int32>.makeStream()
    self.process = process
    self.lines = lines
    self.exited = exited
    let output = self.output
    pipe.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      guard !data.isEmpty else {
        handle.readabilityHandler = nil
        lineSink.finish()
        return
      }
      let complete = output.state.withLock { output -> [String] in
        output.pending.append(contentsOf: data)
        var complete: [String] = []
        while let newline = output.pending.firstIndex(of: UInt8(ascii: "\n")) {
          complete.append(String(decoding: output.pending[..<newline], as: UTF8.self))
          output.pending.removeSubrange(...newline)
        }
        output.lines += complete
        return complete
      }
      for line in complete { lineSink.yield(line) }
    }
    process.terminationHandler = { finished in
      exitSink.yield(finished.terminationStatus)
      exitSink.finish()
    }
    try process.run()
  }

  /// Everything the process printed so far (stdout and stderr).
  var transcript: String { output.state.withLock { $0.lines.joined(separator: "\n") } }

  /// The rest of the first line starting with `prefix`, or nil when the output ends first.
  func line(after prefix: String) async -> String? {
    for await line in lines where line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
    return nil
  }

  /// Waits for the exit status (after the output has ended, so the transcript is complete).
  func exitStatus() async -> Int32 {
    var status: Int32 = -1
    for await code in exited { status = code }
    for await _ in lines {}
    return status
  }

  /// Stops the process (SIGTERM) if it is still running.
  func terminate() {
    if process.isRunning { process.terminate() }
  }
}

/// The bytes of an unfinished line and the complete lines a process printed (a class so the
/// pipe's handler can share it).
private final class OutputLog: Sendable {
  let state = Mutex<(pending: [UInt8], lines: [String])>(([], []))
}

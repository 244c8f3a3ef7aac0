import Foundation
import Synchronization

/// `Tests/LedgerServiceTests/python/ledger_client.py` run as a child process; its output is
/// read on a thread of its own and its end reported by the termination handler, so nothing
/// waits on it from the cooperative pool.
final class PythonLedgerClient: Sendable {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python").appendingPathComponent("ledger_client.py").path

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
  private let finished: AsyncStream<Int32>
  private let output = OutputBuffer()
  private let outputEnded: AsyncStream<Void>

  /// Starts the client.
  /// - Parameter arguments: The script's arguments.
  /// - Throws: Whatever `Process.run()` throws when python3 cannot be started.
  init(arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Self.script] + arguments
    process.standardInput = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let (finished, finishedSink) = AsyncStream<Int32>.makeStream()
    let (outputEnded, outputEndedSink) = AsyncStream<Void>.makeStream()
    self.process = process
    self.finished = finished
    self.outputEnded = outputEnded
    let output = self.output
    process.terminationHandler = { process in
      finishedSink.yield(process.terminationStatus)
      finishedSink.finish()
    }
    try process.run()
    // Read the output on a thread of its own (a blocking read; never on the cooperative pool,
    // and no dispatch readability source).
    let handle = pipe.fileHandleForReading
    Thread {
      while true {
        let data = handle.availableData
        if data.isEmpty { break }
        output.bytes.withLock { $0.append(contentsOf: data) }
      }
      outputEndedSink.finish()
    }.start()
  }

  /// Waits for the exit status and the end of the output.
  func exitStatus() async -> Int32 {
    var status: Int32 = -1
    for await code in finished { status = code }
    for await _ in outputEnded {}
    return status
  }

  /// Everything the process printed (stdout and stderr).
  var transcript: String { output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

  func terminate() {
    if process.isRunning { process.terminate() }
  }
}

/// The bytes a process printed (a class so the pipe's handler can share it).
private final class OutputBuffer: Sendable {
  let bytes = Mutex<[UInt8]>([])
}

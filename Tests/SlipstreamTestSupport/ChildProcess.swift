public import Foundation

/// A program the test runs as a child process: stdout as a stream of lines (read on a thread
/// of its own, so the cooperative pool never blocks), stderr into a file (a pipe nobody
/// drains could fill and stall the child), and its exit status as an awaitable value.
public final class ChildProcess: Sendable {
  public let process: Process
  /// A fresh temporary directory, the child's working directory; deleted with this object.
  public let directory: String
  /// stdout, line by line; ends when the child closes it.
  public let stdoutLines: AsyncStream<String>
  /// Where stderr goes.
  public let stderrPath: String
  private let exited: AsyncStream<Int32>

  /// Starts `executable` with `arguments` in a new temporary directory.
  public init(executable: String, arguments: [String], environment: [String: String]? = nil) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    if let environment { process.environment = environment }
    let output = Pipe()
    stderrPath = directory + "/stderr.log"
    FileManager.default.createFile(atPath: stderrPath, contents: nil)
    process.standardOutput = output
    process.standardError = FileHandle(forWritingAtPath: stderrPath)
    let (lines, linesSink) = AsyncStream.makeStream(of: String.self)
    stdoutLines = lines
    let (exited, exitSink) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
    self.exited = exited
    process.terminationHandler = { process in
      exitSink.yield(process.terminationStatus)
      exitSink.finish()
    }
    try process.run()
    let handle = output.fileHandleForReading
    Thread {
      var pending = Data()
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        pending.append(chunk)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
          linesSink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
          pending = Data(pending[(newline + 1)...])
        }
      }
      linesSink.finish()
    }.start()
  }

  /// The next line of stdout, or nil at its end.
  public func nextLine() async -> String? {
    for await line in stdoutLines { return line }
    return nil
  }

  /// Waits for the child to exit; its status (or the signal that ended it).
  public func exitStatus() async -> Int32? {
    for await status in exited { return status }
    return nil
  }

  /// Everything the child wrote to stderr so far.
  public func errorOutput() -> String {
    (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
  }

  /// The executable `name` built next to the running test bundle (`swift build --build-tests`
  /// builds every product into the same folder).
  public static func builtProduct(_ name: String) -> String {
    let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
    while directory.path != "/", !directory.lastPathComponent.hasSuffix("debug"), !directory.lastPathComponent.hasSuffix("release") {
      directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent(name).path
  }

  deinit {
    if process.isRunning { process.terminate() }
    try? FileManager.default.removeItem(atPath: directory)
  }
}

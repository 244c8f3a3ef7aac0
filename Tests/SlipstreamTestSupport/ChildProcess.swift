public import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A program the test runs as a child process: stdout as a stream of lines (read on a thread
/// of its own, so the cooperative pool never blocks), stderr into a file (a pipe nobody
/// drains could fill and stall the child), stdin empty, and its exit status as an awaitable
/// value.
public final class ChildProcess: Sendable {
  public let process: Process
  /// The child's working directory: a fresh temporary one (deleted with this object) unless
  /// the caller named one (kept, so a restarted child finds its state).
  public let directory: String
  /// stdout, line by line; ends when the child closes it.
  public let stdoutLines: AsyncStream<String>
  /// Where stderr goes.
  public let stderrPath: String
  private let exited: AsyncStream<Int32>
  private let ownsDirectory: Bool
  private let printed = PrintedLines()

  /// Starts `executable` with `arguments`.
  /// - Parameters:
  ///   - environment: The child's whole environment; the test's own when nil.
  ///   - directory: The working directory (created if missing, kept afterwards); a new
  ///     temporary directory, removed with this object, when nil.
  ///   - stderrName: The file in the working directory that receives stderr.
  public init(
    executable: String, arguments: [String], environment: [String: String]? = nil,
    directory: String? = nil, stderrName: String = "stderr.log"
  ) throws {
    ownsDirectory = directory == nil
    self.directory = directory
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: self.directory)
    if let environment { process.environment = environment }
    let output = Pipe()
    stderrPath = self.directory + "/" + stderrName
    FileManager.default.createFile(atPath: stderrPath, contents: nil)
    process.standardInput = FileHandle.nullDevice
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
    let printed = self.printed
    readLines(from: output.fileHandleForReading, line: { line in
      printed.lines.withLock { $0.append(line) }
      linesSink.yield(line)
    }, end: { linesSink.finish() })
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

  /// What the child printed so far: its stdout lines, then its stderr (for failure messages).
  public var transcript: String {
    (printed.lines.withLock { $0 } + [errorOutput()]).joined(separator: "\n")
  }

  /// Ends the child at once (SIGKILL): none of its shutdown code runs.
  public func kill() {
    _ = Glibc.kill(process.processIdentifier, SIGKILL)
  }

  /// Asks the child to stop (SIGTERM) if it is still running.
  public func terminate() {
    if process.isRunning { process.terminate() }
  }

  /// Whether `python3` can import every module of `imports` (e.g. "grpc, grpc_tools").
  /// Blocks briefly: call it from a static initializer used by a test trait.
  public static func pythonCanImport(_ imports: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import \(imports)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
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
    if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
  }
}

/// The stdout lines a child printed, shared with its reader thread.
private final class PrintedLines: Sendable {
  let lines = Mutex<[String]>([])
}

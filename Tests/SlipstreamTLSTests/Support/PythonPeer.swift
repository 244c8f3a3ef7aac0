import Foundation

/// A `python3 -c` process used as an independent TLS peer.
final class PythonPeer: Sendable {
  static let available: Bool = FileManager.default.isExecutableFile(atPath: "/usr/bin/env")
    && (try? PythonPeer.probe()) == true

  private let process: Process
  private let stdout: FileHandle
  private let stderr: FileHandle

  private static func probe() throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import ssl"]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus == 0
  }

  private init(process: Process, stdout: FileHandle, stderr: FileHandle) {
    self.process = process
    self.stdout = stdout
    self.stderr = stderr
  }

  /// Starts the script with `arguments` as `sys.argv[1...]`.
  static func start(script: String, arguments: [String]) throws -> PythonPeer {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    return PythonPeer(process: process, stdout: out.fileHandleForReading, stderr: err.fileHandleForReading)
  }

  /// Runs the script to completion.
  static func run(script: String, arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let peer = try start(script: script, arguments: arguments)
    let output = try await peer.remainingOutput()
    let status = try await peer.exit()
    return (status, output, peer.stderrText())
  }

  /// The first line the script prints (blocking read off the cooperative pool).
  func firstLine() async throws -> String {
    let handle = self.stdout
    let data = await Task.detached { handle.availableData }.value
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Everything the script prints until it exits.
  func remainingOutput() async throws -> String {
    let handle = self.stdout
    let data = await Task.detached { handle.readDataToEndOfFile() }.value
    return String(decoding: data, as: UTF8.self)
  }

  func stderrText() -> String {
    String(decoding: self.stderr.availableData, as: UTF8.self)
  }

  /// Waits for the process to exit (the scripts bound themselves with socket timeouts).
  func exit() async throws -> Int32 {
    let process = self.process
    return await Task.detached {
      process.waitUntilExit()
      return process.terminationStatus
    }.value
  }
}

import Foundation

/// Runs an external program to completion, stdout to a file (so large outputs cannot block a pipe).
enum ExternalProcess {
  struct Result {
    var status: Int32
    var stdout: Data
  }

  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-http2-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("stdout")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    let status: Int32 = try await withThrowingTaskGroup(of: Int32.self) { group in
      group.addTask {
        try await withCheckedThrowingContinuation { continuation in
          process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
          do { try process.run() } catch { continuation.resume(throwing: error) }
        }
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        process.terminate()
        throw Failed(description: "\(executable) did not finish within \(timeout)")
      }
      let status = try await group.next()!
      group.cancelAll()
      return status
    }
    try out.close()
    return Result(status: status, stdout: try Data(contentsOf: outURL))
  }

  /// Finds a program on PATH.
  static func which(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":") {
      let path = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }
}

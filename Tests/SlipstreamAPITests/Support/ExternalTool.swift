import Foundation

/// Why an external tool (protoc, python3) could not be run.
struct ExternalToolError: Error, CustomStringConvertible {
  /// The tool's name as searched on PATH.
  let tool: String
  /// What went wrong and what to install.
  let description: String

  /// The tool is not on PATH.
  static func notFound(_ tool: String, install: String) -> Self {
    Self(tool: tool, description: "\(tool) not found on PATH; install it: \(install)")
  }
}

/// The outcome of running an external tool to completion.
struct ToolRun: Sendable {
  /// The process's exit status.
  let status: Int32
  /// Everything written to standard output, decoded as UTF-8.
  let standardOutput: String
  /// Everything written to standard error, decoded as UTF-8.
  let standardError: String

  /// The command line and both outputs, for test failure messages.
  let transcript: String
}

/// Runs command-line tools the tests depend on (`protoc`, `python3`).
enum ExternalTool {
  /// Finds `tool` on PATH.
  ///
  /// - Parameters:
  ///   - tool: The executable's name.
  ///   - install: How to install it, quoted in the error.
  /// - Returns: The executable's absolute path.
  /// - Throws: ``ExternalToolError`` if it is not on PATH.
  static func locate(_ tool: String, install: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(tool)
      if FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
      }
    }
    throw ExternalToolError.notFound(tool, install: install)
  }

  /// Runs an executable to completion, capturing its outputs in temporary files (so a chatty
  /// tool can never block on a full pipe).
  ///
  /// - Parameters:
  ///   - executable: The executable.
  ///   - arguments: Its arguments.
  /// - Returns: Exit status and outputs.
  /// - Throws: Whatever `Process.run()` throws if the executable cannot be started.
  static func run(_ executable: URL, _ arguments: [String]) async throws -> ToolRun {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("slipstream-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { finished in
        continuation.resume(returning: finished.terminationStatus)
      }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: error)
      }
    }
    try out.close()
    try err.close()
    let standardOutput = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
    let standardError = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    let command = ([executable.path] + arguments).joined(separator: " ")
    return ToolRun(
      status: status,
      standardOutput: standardOutput,
      standardError: standardError,
      transcript: "$ \(command)\nexit \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)"
    )
  }
}

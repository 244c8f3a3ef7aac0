import Foundation

/// `Tests/SlipstreamPricingTests/python/pricing_client.py` run as a child process whose stdout
/// is read line by line (never waited on from the cooperative pool).
final class PythonPricingClient: Sendable {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python").appendingPathComponent("pricing_client.py").path

  /// Whether python3 can import grpc and grpc_tools (checked once, before the suite runs).
  static let available = ChildProcess.pythonCanImport("grpc, grpc_tools")

  private let child: ChildProcess

  /// Starts the client against `port`, trusting the CA in `caFile`.
  /// - Throws: Whatever `Process.run()` throws when python3 cannot be started.
  init(port: Int, caFile: String) throws {
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONUNBUFFERED"] = "1"
    child = try ChildProcess(
      executable: "/usr/bin/env",
      arguments: ["python3", Self.script, "--port", "\(port)", "--ca-file", caFile, "--server-name", NetworkPKI.serverName],
      environment: environment)
  }

  /// Everything the process printed so far (stdout, then stderr).
  var transcript: String { child.transcript }

  /// The rest of the first line starting with `prefix`, or nil when the output ends first.
  func line(after prefix: String) async -> String? {
    while let line = await child.nextLine() {
      if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
    }
    return nil
  }

  /// Waits for the exit status (after the output has ended, so the transcript is complete).
  func exitStatus() async -> Int32 {
    let status = await child.exitStatus() ?? -1
    while await child.nextLine() != nil {}
    return status
  }

  /// Stops the process (SIGTERM) if it is still running.
  func terminate() { child.terminate() }
}

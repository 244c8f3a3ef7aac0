import Foundation
import SlipstreamTestSupport

/// `Tests/LedgerServiceTests/python/ledger_client.py` run as a child process (never waited
/// on from the cooperative pool).
final class PythonLedgerClient: Sendable {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python").appendingPathComponent("ledger_client.py").path

  /// Whether python3 can import grpc and grpc_tools (checked once, before the suite runs).
  static let available = ChildProcess.pythonCanImport("grpc, grpc_tools")

  private let child: ChildProcess

  /// Starts the client.
  /// - Parameter arguments: The script's arguments.
  /// - Throws: Whatever `Process.run()` throws when python3 cannot be started.
  init(arguments: [String]) throws {
    child = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", Self.script] + arguments)
  }

  /// Waits for the exit status and the end of the output.
  func exitStatus() async -> Int32 {
    let status = await child.exitStatus() ?? -1
    while await child.nextLine() != nil {}
    return status
  }

  /// Everything the process printed (stdout, then stderr).
  var transcript: String { child.transcript }

  func terminate() { child.terminate() }
}

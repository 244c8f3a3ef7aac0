import Foundation
import SlipstreamInterop
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport

/// `interop-client`: runs the interop cases over SlipstreamTransport against any
/// grpc.testing.TestService server.
@main
enum InteropClientCommand {
  /// How long one case may take before it is reported as failed.
  static let caseTimeLimit: Duration = .seconds(30)

  static func main() async {
    let options: InteropClientOptions
    do {
      guard let parsed = try InteropClientOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
        writeLine(InteropClientOptions.usage)
        return
      }
      options = parsed
    } catch {
      FileHandle.standardError.write(Data("interop-client: \(error)\n".utf8))
      exit(2)
    }

    let security: ClientSecurity
    if options.useTLS, let caFile = options.caFile {
      security = .tls(.client(trustRoots: .file(caFile)), serverHostname: options.serverHostOverride)
    } else {
      security = .plaintext
    }
    let channel: GRPCChannel
    do {
      channel = try GRPCChannel(
        configuration: GRPCChannelConfiguration(
          endpoints: [Endpoint(host: options.serverHost, port: options.serverPort)],
          security: security
        )
      )
    } catch {
      FileHandle.standardError.write(Data("interop-client: could not configure the channel: \(error)\n".utf8))
      exit(2)
    }
    let client = RPCClient(transport: channel)
    var failed: [InteropTestCase] = []
    for testCase in options.testCases {
      do {
        try await run(testCase, client: client)
        writeLine("PASS \(testCase)")
      } catch {
        writeLine("FAIL \(error)")
        failed.append(testCase)
      }
    }
    await channel.close()
    if failed.isEmpty {
      writeLine("ALL PASSED")
    } else {
      writeLine("FAILED \(failed.count) case(s): \(failed.map(\.rawValue).joined(separator: ", "))")
      exit(1)
    }
  }

  /// Runs one case, failing it when it takes longer than ``caseTimeLimit``.
  private static func run(_ testCase: InteropTestCase, client: RPCClient) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
      group.addTask {
        try await testCase.run(client: client)
        return true
      }
      group.addTask {
        try await Task.sleep(for: caseTimeLimit)
        return false
      }
      defer { group.cancelAll() }
      guard try await group.next() == true else {
        throw InteropTestFailure(case: testCase, reason: "did not finish within \(caseTimeLimit)")
      }
    }
  }
}

/// Writes one line to standard output at once (unbuffered, so a peer waiting for it sees it).
func writeLine(_ line: String) {
  try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}

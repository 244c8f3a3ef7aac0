import SlipstreamInterop
import SlipstreamTransport
import Testing

/// The Python grpcio interop client against our `GRPCServer` over loopback.
@Suite(.timeLimit(.minutes(2)))
struct PythonClientTests {
  @Test("grpcio's client passes all 14 interop cases against our server", arguments: LoopbackSecurity.allCases)
  func pythonClientAgainstOurServer(_ security: LoopbackSecurity) async throws {
    let python = try await PythonPeers.interpreter()
    let pki = try await LoopbackPKI.make()
    defer { pki.remove() }
    let server = GRPCServer(
      configuration: GRPCServerConfiguration(
        host: "127.0.0.1",
        port: 0,
        security: security.serverSecurity(pki),
        shutdownGracePeriod: .seconds(1)
      ),
      services: [InteropTestService()]
    )
    let port = try await server.start()
    var arguments = [PythonPeers.client, "--server-host", "127.0.0.1", "--server-port", "\(port)", "--test-case", "all"]
    if security == .tls {
      arguments += ["--use-tls", "--ca-file", pki.caFile, "--server-host-override", LoopbackPKI.serverName]
    }
    var failure: (any Error)?
    do {
      let client = try PeerProcess(python, arguments, name: "interop_client.py")
      defer { client.terminate() }
      let status = try await client.exitStatus(within: .seconds(90))
      let report = InteropClientReport(transcript: client.transcript)
      for testCase in InteropTestCase.allCases {
        #expect(report.passed(testCase.rawValue), "\(security): \(report.line(for: testCase.rawValue))")
      }
      #expect(status == 0, "interop_client.py over \(security):\n\(client.transcript)")
    } catch {
      failure = error
    }
    await server.shutdownGracefully()
    if let failure { throw failure }
  }
}

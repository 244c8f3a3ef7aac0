import SlipstreamInterop
import SlipstreamRPC
import SlipstreamTransport
import Testing

/// Our interop client over `GRPCChannel` against the Python grpcio interop server.
@Suite(.timeLimit(.minutes(2)))
struct PythonServerTests {
  @Test("Our client passes all 14 interop cases against grpcio's server", arguments: LoopbackSecurity.allCases)
  func ourClientAgainstPythonServer(_ security: LoopbackSecurity) async throws {
    let python = try await PythonPeers.interpreter()
    let pki = try await LoopbackPKI.make()
    defer { pki.remove() }
    var arguments = [PythonPeers.server, "--port", "0"]
    if security == .tls {
      arguments += ["--tls-cert", pki.certificateFile, "--tls-key", pki.privateKeyFile]
    }
    let server = try PeerProcess(python, arguments, name: "interop_server.py")
    defer { server.terminate() }
    let port = try await server.firstLine(within: .seconds(60)) { line -> Int? in
      guard line.hasPrefix("interop_server listening on "), let colon = line.lastIndex(of: ":") else { return nil }
      return Int(line[line.index(after: colon)...].prefix { $0.isNumber })
    }

    let channel = try GRPCChannel(
      configuration: GRPCChannelConfiguration(
        endpoints: [Endpoint(host: "127.0.0.1", port: port)],
        security: security.clientSecurity(pki)
      )
    )
    let client = RPCClient(transport: channel)
    for testCase in InteropTestCase.allCases {
      do {
        try await testCase.run(client: client)
      } catch {
        Issue.record("\(security): \(error)")
      }
    }
    await channel.close()
  }
}

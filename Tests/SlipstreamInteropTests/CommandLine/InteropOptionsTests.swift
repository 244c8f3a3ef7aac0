import SlipstreamInterop
import Testing

/// Command lines of interop-server and interop-client.
struct InteropOptionsTests {
  @Test("interop-server: plaintext by default, TLS with both files, --help")
  func serverOptions() throws {
    let plaintext = try #require(try InteropServerOptions.parse(["--port", "50051"]))
    #expect(plaintext.port == 50051)
    #expect(plaintext.certificatePath == nil)
    let tls = try #require(try InteropServerOptions.parse(["--port=0", "--tls-cert", "a.crt", "--tls_key=a.key"]))
    #expect(tls.certificatePath == "a.crt")
    #expect(tls.privateKeyPath == "a.key")
    #expect(try InteropServerOptions.parse(["--help"]) == nil)
  }

  @Test("interop-server: usage errors", arguments: [
    (["--tls-cert", "a.crt"], InteropUsageError.inconsistentOptions("--tls-cert and --tls-key go together: give both for TLS, neither for plaintext")),
    (["--port", "70000"], .invalidValue(option: "--port", value: "70000", expected: "a port number 0...65535")),
    (["--port"], .missingValue(option: "--port")),
    (["--use-tls"], .unknownOption("--use-tls")),
    (["50051"], .unknownOption("50051")),
  ])
  func serverUsageErrors(_ arguments: [String], _ expected: InteropUsageError) {
    #expect(throws: expected) { try InteropServerOptions.parse(arguments) }
  }

  @Test("interop-client: TLS with a CA and host override, one case, the grpc runners' spelling")
  func clientOptions() throws {
    let options = try #require(
      try InteropClientOptions.parse([
        "--server_host=localhost", "--server_port=8080", "--use_tls=true", "--ca-file", "ca.pem",
        "--server-host-override", "foo.test", "--test_case=ping_pong",
      ])
    )
    #expect(options.serverHost == "localhost")
    #expect(options.serverPort == 8080)
    #expect(options.useTLS)
    #expect(options.caFile == "ca.pem")
    #expect(options.serverHostOverride == "foo.test")
    #expect(options.testCases == [.pingPong])
    let all = try #require(try InteropClientOptions.parse(["--server-port", "1", "--test-case", "all"]))
    #expect(all.testCases == InteropTestCase.allCases)
    #expect(!all.useTLS)
  }

  @Test("interop-client: usage errors", arguments: [
    ([], InteropUsageError.missingOption("--server-port")),
    (["--server-port", "x"], .invalidValue(option: "--server-port", value: "x", expected: "a port number 0...65535")),
    (["--server-port", "1", "--use-tls"], .inconsistentOptions("--use-tls needs --ca-file, the authority that issued the server's certificate")),
    (["--server-port", "1", "--ca-file", "ca.pem"], .inconsistentOptions("--ca-file and --server-host-override only apply with --use-tls")),
    (["--server-port", "1", "--test-case", "nope"], .invalidValue(option: "--test-case", value: "nope", expected: "all or an interop case name")),
    (["--server-port", "1", "--use-tls=maybe"], .invalidValue(option: "--use-tls", value: "maybe", expected: "true or false")),
  ])
  func clientUsageErrors(_ arguments: [String], _ expected: InteropUsageError) {
    #expect(throws: expected) { try InteropClientOptions.parse(arguments) }
  }

  @Test("Usage errors say what to fix")
  func usageErrorMessages() {
    #expect(InteropUsageError.missingOption("--server-port").description == "option '--server-port' is required; see --help")
    #expect(InteropUsageError.unknownOption("--x").description == "unknown option '--x'; see --help")
  }
}

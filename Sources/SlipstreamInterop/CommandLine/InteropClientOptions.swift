/// What `interop-client` runs with.
public struct InteropClientOptions: Sendable, Hashable {
  /// The server's address.
  public var serverHost: String = "127.0.0.1"
  /// The server's port.
  public var serverPort: Int
  /// Whether to connect with TLS.
  public var useTLS: Bool = false
  /// The PEM file of the authority that issued the server's certificate (TLS only).
  public var caFile: String?
  /// The name the server's certificate is checked against, when not `serverHost`.
  public var serverHostOverride: String?
  /// The cases to run, in order.
  public var testCases: [InteropTestCase] = InteropTestCase.allCases

  public init(serverPort: Int) {
    self.serverPort = serverPort
  }

  /// The `--help` text.
  public static let usage = """
    USAGE: interop-client --server-port P [--server-host H] [--use-tls --ca-file PEM
                          [--server-host-override NAME]] [--test-case NAME|all]

    Runs the gRPC interop suite's client cases against a grpc.testing.TestService server.
    Prints "PASS <case>" or "FAIL <case>: <reason>" per case; exits 1 if any case failed.

    OPTIONS:
      --server-host H               Server address (default 127.0.0.1).
      --server-port P               Server port (required).
      --use-tls                     Connect with TLS (ALPN h2); needs --ca-file.
      --ca-file PEM                 Authority the server's certificate must chain to.
      --server-host-override NAME   Name to verify the certificate against and send as SNI.
      --test-case NAME|all          One of \(InteropTestCase.allCases.map { $0.rawValue }.joined(separator: ", ")),
                                    or all (the default).
      --help                        Shows this text.
    """

  /// Parses the arguments after the program name.
  /// - Returns: nil when `--help` was asked for.
  /// - Throws: ``InteropUsageError`` for an unknown option or case name, a missing or bad
  ///   port, or `--use-tls` without `--ca-file` (or TLS options without `--use-tls`).
  public static func parse(_ arguments: [String]) throws(InteropUsageError) -> InteropClientOptions? {
    let parsed = try InteropArguments(
      arguments,
      valued: ["--server-host", "--server-port", "--ca-file", "--server-host-override", "--test-case"],
      flags: ["--use-tls", "--help"]
    )
    if parsed.flags.contains("--help") { return nil }
    guard let port = try parsed.port("--server-port") else { throw .missingOption("--server-port") }
    var options = InteropClientOptions(serverPort: port)
    options.serverHost = parsed.values["--server-host"] ?? options.serverHost
    options.useTLS = parsed.flags.contains("--use-tls")
    options.caFile = parsed.values["--ca-file"]
    options.serverHostOverride = parsed.values["--server-host-override"]
    if options.useTLS && options.caFile == nil {
      throw .inconsistentOptions("--use-tls needs --ca-file, the authority that issued the server's certificate")
    }
    if !options.useTLS && (options.caFile != nil || options.serverHostOverride != nil) {
      throw .inconsistentOptions("--ca-file and --server-host-override only apply with --use-tls")
    }
    switch parsed.values["--test-case"] {
    case nil, "all":
      break
    case let name?:
      guard let testCase = InteropTestCase(rawValue: name) else {
        throw .invalidValue(option: "--test-case", value: name, expected: "all or an interop case name")
      }
      options.testCases = [testCase]
    }
    return options
  }
}

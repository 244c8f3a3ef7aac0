/// What `interop-server` runs with.
public struct InteropServerOptions: Sendable, Hashable {
  /// The address to listen on.
  public var host: String = "127.0.0.1"
  /// The port to listen on; 0 picks a free one (printed once listening).
  public var port: Int = 0
  /// The PEM certificate chain file; with ``privateKeyPath`` the server speaks TLS.
  public var certificatePath: String?
  /// The PEM private key file of the certificate.
  public var privateKeyPath: String?

  public init() {}

  /// The `--help` text.
  public static let usage = """
    USAGE: interop-server [--port P] [--host H] [--tls-cert PEM --tls-key PEM]

    Serves grpc.testing.TestService (the gRPC interop suite's server) until SIGINT/SIGTERM.
    Prints "interop-server listening on HOST:PORT (plaintext|tls)" once it accepts calls.

    OPTIONS:
      --port P          Port to listen on; 0 (the default) picks a free port.
      --host H          Address to listen on (default 127.0.0.1).
      --tls-cert PEM    Certificate chain file; with --tls-key serves TLS (ALPN h2).
      --tls-key PEM     Private key file of the certificate.
      --help            Shows this text.
    """

  /// Parses the arguments after the program name.
  /// - Returns: nil when `--help` was asked for.
  /// - Throws: ``InteropUsageError`` for an unknown option, a bad port, or only one of
  ///   `--tls-cert` / `--tls-key`.
  public static func parse(_ arguments: [String]) throws(InteropUsageError) -> InteropServerOptions? {
    let parsed = try InteropArguments(arguments, valued: ["--port", "--host", "--tls-cert", "--tls-key"], flags: ["--help"])
    if parsed.flags.contains("--help") { return nil }
    var options = InteropServerOptions()
    options.port = try parsed.port("--port") ?? 0
    options.host = parsed.values["--host"] ?? options.host
    options.certificatePath = parsed.values["--tls-cert"]
    options.privateKeyPath = parsed.values["--tls-key"]
    if (options.certificatePath == nil) != (options.privateKeyPath == nil) {
      throw .inconsistentOptions("--tls-cert and --tls-key go together: give both for TLS, neither for plaintext")
    }
    return options
  }
}

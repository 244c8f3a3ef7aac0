public import ArgumentParser

/// The flags every Slipstream service executable takes. Each is also settable in the config
/// file's `server` section and in the environment; a flag wins over both.
///
/// ```swift
/// @OptionGroup var core: CoreFlags
/// ```
public struct CoreFlags: ParsableArguments, Sendable {
  @Option(
    name: .customLong("config"),
    help: ArgumentHelp(
      "JSON config file. Default: services/<service>/config.json in the current directory when it exists.",
      valueName: "file"
    )
  )
  public var config: String?

  @Option(help: ArgumentHelp("Address to listen on (server.host, SERVER__HOST). Default: 127.0.0.1.", valueName: "host"))
  public var host: String?

  @Option(help: ArgumentHelp("gRPC port, 0 picks a free one (server.port, SERVER__PORT).", valueName: "port"))
  public var port: Int?

  @Option(
    name: .customLong("tls-cert"),
    help: ArgumentHelp(
      "PEM certificate chain (server.tls.cert, SERVER__TLS__CERT). Needs --tls-key. Without certificate files the service makes development certificates under <state-dir>/dev-pki.",
      valueName: "file"
    )
  )
  public var tlsCert: String?

  @Option(
    name: .customLong("tls-key"),
    help: ArgumentHelp("PEM private key for --tls-cert (server.tls.key, SERVER__TLS__KEY).", valueName: "file")
  )
  public var tlsKey: String?

  @Option(
    name: .customLong("tls-ca"),
    help: ArgumentHelp(
      "PEM certificate authorities; turns on mutual TLS: clients must present a certificate they signed (server.tls.ca, SERVER__TLS__CA).",
      valueName: "file"
    )
  )
  public var tlsCA: String?

  @Flag(
    inversion: .prefixedNo,
    help: "Cleartext HTTP/2 (h2c) without TLS, for local tools; cannot be combined with certificate files (server.plaintext, SERVER__PLAINTEXT)."
  )
  public var plaintext: Bool?

  @Option(
    name: .customLong("metrics-port"),
    help: ArgumentHelp(
      "Port of the Prometheus endpoint (GET /metrics); 0 picks a free one, 'off' disables it (server.metrics_port, SERVER__METRICS_PORT).",
      valueName: "port|off"
    )
  )
  public var metricsPort: String?

  @Option(
    name: .customLong("log-format"),
    help: ArgumentHelp("Log lines as 'json' (one object per line) or 'text' (server.log_format, SERVER__LOG_FORMAT). Default: text.", valueName: "json|text")
  )
  public var logFormat: String?

  @Option(
    name: .customLong("log-level"),
    help: ArgumentHelp(
      "Lowest level logged: trace, debug, info, notice, warning, error or critical (server.log_level, SERVER__LOG_LEVEL). Default: info.",
      valueName: "level"
    )
  )
  public var logLevel: String?

  @Option(
    name: .customLong("state-dir"),
    help: ArgumentHelp("Directory for local state such as development certificates (server.state_dir, SERVER__STATE_DIR). Default: .slipstream.", valueName: "dir")
  )
  public var stateDir: String?

  @Option(
    name: .customLong("handlers"),
    help: ArgumentHelp(
      "Where calls' handlers run: 'pool' (Swift's thread pool) or 'event-loop' (the connection's own thread: no thread switch per call, for handlers that mostly await) (server.handlers, SERVER__HANDLERS). Default: pool.",
      valueName: "pool|event-loop"
    )
  )
  public var handlers: String?

  public init() {}

  /// Text for a service command's `discussion`: the layers, the environment convention and
  /// the config file.
  public static let discussion = """
    Settings come from, lowest first: built-in defaults, the JSON config file, the \
    environment, and command-line flags.

    Config file (--config FILE, else services/<service>/config.json when it exists):
      {"server": {"host": "127.0.0.1", "port": 50051, "plaintext": false,
                  "tls": {"cert": "cert.pem", "key": "key.pem", "ca": "ca.pem"},
                  "metrics_port": 9464, "log_format": "text", "log_level": "info",
                  "state_dir": ".slipstream", "handlers": "pool"},
       "<section>": {...the service's own settings...}}

    Environment: any key path upper-cased and joined by '__', e.g. SERVER__PORT=6000, \
    SERVER__TLS__CERT=/etc/cert.pem, PRICING__CAPACITY=50. A value is read as JSON \
    (number, true/false, array, object) when it parses as JSON, otherwise as a string.

    TLS: with --tls-cert and --tls-key the service uses those files (mutual TLS with \
    --tls-ca). With none, it makes a development CA, a server certificate and a client \
    certificate under <state-dir>/dev-pki on first run and reuses them, with mutual TLS: \
    every service sharing a state directory trusts the others. --plaintext turns TLS off.
    """

  /// The configuration keys the flags set, with their flag names.
  static let flagNames: [ConfigurationPath: String] = [
    ConfigurationPath("server.host"): "--host",
    ConfigurationPath("server.port"): "--port",
    ConfigurationPath("server.tls.cert"): "--tls-cert",
    ConfigurationPath("server.tls.key"): "--tls-key",
    ConfigurationPath("server.tls.ca"): "--tls-ca",
    ConfigurationPath("server.plaintext"): "--plaintext",
    ConfigurationPath("server.metrics_port"): "--metrics-port",
    ConfigurationPath("server.log_format"): "--log-format",
    ConfigurationPath("server.log_level"): "--log-level",
    ConfigurationPath("server.state_dir"): "--state-dir",
    ConfigurationPath("server.handlers"): "--handlers",
  ]

  static func flagName(for path: ConfigurationPath) -> String? { flagNames[path] }

  /// The values given on the command line, keyed by configuration path.
  var givenValues: [(ConfigurationPath, ConfigurationValue)] {
    var values: [(String, ConfigurationValue?)] = [
      ("server.host", host.map(ConfigurationValue.string)),
      ("server.port", port.map(ConfigurationValue.integer)),
      ("server.tls.cert", tlsCert.map(ConfigurationValue.string)),
      ("server.tls.key", tlsKey.map(ConfigurationValue.string)),
      ("server.tls.ca", tlsCA.map(ConfigurationValue.string)),
      ("server.plaintext", plaintext.map(ConfigurationValue.bool)),
      ("server.log_format", logFormat.map(ConfigurationValue.string)),
      ("server.log_level", logLevel.map(ConfigurationValue.string)),
      ("server.state_dir", stateDir.map(ConfigurationValue.string)),
      ("server.handlers", handlers.map(ConfigurationValue.string)),
    ]
    // A number on the command line is a port; anything else ("off", typos) is checked later.
    values.append(("server.metrics_port", metricsPort.map { Int($0).map(ConfigurationValue.integer) ?? .string($0) }))
    return values.compactMap { key, value in value.map { (ConfigurationPath(key), $0) } }
  }
}

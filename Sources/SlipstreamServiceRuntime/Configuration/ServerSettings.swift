public import Logging
public import SlipstreamTransport

/// How logs are written.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
  /// One JSON object per line.
  case json
  /// One compact human-readable line per event.
  case text
}

extension HandlerExecution {
  /// The values of `server.handlers` (and `--handlers`): "pool" and "event-loop".
  static let configurationNames: [(name: String, execution: HandlerExecution)] = [
    ("pool", .concurrentPool), ("event-loop", .eventLoop),
  ]
}

/// Where the Prometheus endpoint listens.
public enum MetricsPort: Sendable, Hashable {
  /// This port; 0 picks a free one.
  case port(Int)
  /// No metrics endpoint.
  case disabled
}

/// Certificate files given in the configuration.
public struct TLSFiles: Sendable, Hashable {
  /// PEM certificate chain, leaf first.
  public var certificate: String
  /// PEM private key of the leaf.
  public var privateKey: String
  /// PEM certificate authorities client certificates must chain to: mutual TLS when set.
  public var clientCA: String?

  public init(certificate: String, privateKey: String, clientCA: String? = nil) {
    self.certificate = certificate
    self.privateKey = privateKey
    self.clientCA = clientCA
  }
}

/// How the server secures connections, as configured.
public enum TransportMode: Sendable, Hashable {
  /// Cleartext HTTP/2 (h2c).
  case plaintext
  /// TLS with the given files.
  case tls(TLSFiles)
  /// Mutual TLS with development certificates made on first run under the state directory.
  case developmentTLS
}

/// Built-in defaults a service executable may change (each service has its own ports).
public struct ServerDefaults: Sendable, Hashable {
  public var host: String
  public var port: Int
  public var metricsPort: MetricsPort

  public init(host: String = "127.0.0.1", port: Int = 50051, metricsPort: MetricsPort = .port(9464)) {
    self.host = host
    self.port = port
    self.metricsPort = metricsPort
  }
}

/// The validated `server` section: what every service shares.
public struct ServerSettings: Sendable, Hashable {
  /// The address to listen on.
  public var host: String
  /// The gRPC port; 0 picks a free one.
  public var port: Int
  /// Plaintext, TLS from files, or development TLS.
  public var transport: TransportMode
  /// The Prometheus endpoint's port, or disabled.
  public var metricsPort: MetricsPort
  /// JSON or text logs.
  public var logFormat: LogFormat
  /// The lowest level logged.
  public var logLevel: Logger.Level
  /// Where the service keeps local state (development certificates in `dev-pki/`).
  public var stateDirectory: String
  /// Where calls' handlers run.
  public var handlers: HandlerExecution

  public init(
    host: String = "127.0.0.1",
    port: Int = 50051,
    transport: TransportMode = .developmentTLS,
    metricsPort: MetricsPort = .port(9464),
    logFormat: LogFormat = .text,
    logLevel: Logger.Level = .info,
    stateDirectory: String = ".slipstream",
    handlers: HandlerExecution = .concurrentPool
  ) {
    self.host = host
    self.port = port
    self.transport = transport
    self.metricsPort = metricsPort
    self.logFormat = logFormat
    self.logLevel = logLevel
    self.stateDirectory = stateDirectory
    self.handlers = handlers
  }
}

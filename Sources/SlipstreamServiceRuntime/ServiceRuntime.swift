import Foundation
public import Logging
public import Prometheus
public import ServiceLifecycle
public import SlipstreamRPC
public import SlipstreamTransport
import SlipstreamTLS
import UnixSignals

/// What every Slipstream service executable shares: logging, Prometheus metrics, TLS (with
/// development certificates on first run) and a lifecycle with graceful shutdown.
///
/// ```swift
/// let config = try ServiceConfiguration.load(service: "pricing-service", flags: core)
/// let runtime = try ServiceRuntime(configuration: config)
/// try await runtime.run(services: [pricing], background: [feed])
/// ```
public final class ServiceRuntime: Sendable {
  /// The configuration the runtime was made with.
  public let configuration: ServiceConfiguration
  /// The service's logger (label: the service name).
  public let logger: Logger
  /// The registry served at `/metrics`.
  public let metricsRegistry: PrometheusCollectorRegistry
  /// A swift-metrics factory reporting to ``metricsRegistry``.
  public let metricsFactory: PrometheusMetricsFactory
  /// How the gRPC server secures connections.
  public let serverSecurity: ServerSecurity
  /// The development certificates in use, when no certificate files were configured.
  public let developmentCertificates: DevelopmentCertificates?
  private let makeHandler: @Sendable (String) -> any LogHandler

  /// Sets up logging and metrics and resolves TLS.
  ///
  /// - Parameters:
  ///   - configuration: The loaded configuration.
  ///   - bootstrapProcess: When true (executables), swift-log and swift-metrics are
  ///     bootstrapped process-wide, once per process (later runtimes reuse the first
  ///     bootstrap). When false (tests, several services in one process), the runtime
  ///     has its own registry and its loggers are made directly.
  ///   - logOutput: Where log lines go.
  /// - Throws: ``ConfigurationError`` when development certificates cannot be made or read.
  public init(
    configuration: ServiceConfiguration,
    bootstrapProcess: Bool = true,
    logOutput: LogOutput = .standardError
  ) throws(ConfigurationError) {
    self.configuration = configuration
    let settings = configuration.server
    let service = configuration.service
    let makeHandler: @Sendable (String) -> any LogHandler = { label in
      var handler = ServiceLogHandler(label: label, service: service, format: settings.logFormat, output: logOutput)
      handler.logLevel = settings.logLevel
      return handler
    }
    self.makeHandler = makeHandler
    if bootstrapProcess {
      ProcessBootstrap.bootstrapLogging(makeHandler)
      self.metricsRegistry = ProcessBootstrap.metricsRegistry()
    } else {
      self.metricsRegistry = PrometheusCollectorRegistry()
    }
    self.metricsFactory = PrometheusMetricsFactory(registry: metricsRegistry)
    var logger = Logger(label: service, factory: makeHandler)
    logger.logLevel = settings.logLevel
    self.logger = logger

    switch settings.transport {
    case .plaintext:
      self.serverSecurity = .plaintext
      self.developmentCertificates = nil
    case .tls(let files):
      self.serverSecurity = .tls(
        .server(
          certificateChain: .file(files.certificate),
          privateKey: .file(files.privateKey),
          clientCertificateTrustRoots: files.clientCA.map { .file($0) }
        )
      )
      self.developmentCertificates = nil
    case .developmentTLS:
      let certificates = try DevelopmentCertificates.loadOrCreate(
        in: settings.stateDirectory + "/dev-pki",
        service: service,
        host: settings.host
      )
      self.serverSecurity = .tls(
        .server(
          certificateChain: .file(certificates.serviceCertificate),
          privateKey: .file(certificates.serviceKey),
          clientCertificateTrustRoots: .file(certificates.caCertificate)
        )
      )
      self.developmentCertificates = certificates
      if certificates.created.isEmpty {
        logger.info("using development certificates", metadata: ["directory": "\(certificates.directory)"])
      } else {
        logger.notice(
          "made development certificates",
          metadata: ["directory": "\(certificates.directory)", "files": .array(certificates.created.map { "\($0)" })]
        )
      }
    }
  }

  /// A logger with this runtime's format and level.
  /// - Parameter label: The logger's label, e.g. `pricing.feed`.
  public func makeLogger(label: String) -> Logger {
    var logger = Logger(label: label, factory: makeHandler)
    logger.logLevel = configuration.server.logLevel
    return logger
  }

  /// How to call other services with this service's credentials: plaintext when the
  /// service runs plaintext; the development CA and this service's certificate under
  /// development TLS; the configured CA, certificate and key otherwise.
  ///
  /// - Parameter serverHostname: The name to verify the server's certificate against
  ///   (the endpoint's host when nil).
  /// - Throws: ``ConfigurationError`` when TLS files are configured without a CA, so
  ///   there is nothing to verify other services against.
  public func clientSecurity(serverHostname: String? = nil) throws(ConfigurationError) -> ClientSecurity {
    switch configuration.server.transport {
    case .plaintext:
      return .plaintext
    case .developmentTLS:
      let certificates = developmentCertificates!
      return .tls(
        .client(
          trustRoots: .file(certificates.caCertificate),
          certificate: .file(certificates.serviceCertificate),
          privateKey: .file(certificates.serviceKey)
        ),
        serverHostname: serverHostname
      )
    case .tls(let files):
      guard let ca = files.clientCA else {
        throw ConfigurationError(
          "calling other services over TLS needs a CA to verify them: set --tls-ca (server.tls.ca, SERVER__TLS__CA)"
        )
      }
      return .tls(
        .client(trustRoots: .file(ca), certificate: .file(files.certificate), privateKey: .file(files.privateKey)),
        serverHostname: serverHostname
      )
    }
  }

  /// Binds the gRPC server and the metrics endpoint and starts every service in a
  /// `ServiceGroup`. Returns once the listeners are bound and the group runs (its shutdown
  /// signals are trapped from then on).
  ///
  /// - Parameters:
  ///   - services: The gRPC services (health is added).
  ///   - interceptors: Server interceptors, outermost first; a ``MetricsInterceptor`` runs
  ///     outside them.
  ///   - background: Other services run alongside (feeds, workers; see ``BackgroundService``);
  ///     shut down after the gRPC server has drained. One that returns leaves the service up;
  ///     one that throws shuts everything down gracefully.
  ///   - shutdownSignals: Signals that start a graceful shutdown (none for tests).
  ///   - serverConfiguration: Adjusts the gRPC server's configuration (limits, grace period).
  /// - Returns: A handle with the bound ports.
  /// - Throws: ``ServiceStartError`` when a listener cannot be bound or the TLS files are unusable.
  public func start(
    services: [any RPCService],
    interceptors: [any ServerInterceptor] = [],
    background: [any Service] = [],
    shutdownSignals: [UnixSignal] = [],
    serverConfiguration: (inout GRPCServerConfiguration) -> Void = { _ in }
  ) async throws -> RunningService {
    let settings = configuration.server
    var grpcConfiguration = GRPCServerConfiguration(
      host: settings.host, port: settings.port, security: serverSecurity,
      handlerExecution: settings.handlers
    )
    // Connections that end badly (abusive or broken peers, failed handshakes) get a log line.
    grpcConfiguration.logger = makeLogger(label: "slipstream.transport")
    serverConfiguration(&grpcConfiguration)
    let server = GRPCServer(
      configuration: grpcConfiguration,
      services: services,
      interceptors: [MetricsInterceptor(factory: metricsFactory)] + interceptors
    )
    var endpoint: MetricsEndpoint?
    var metricsPort: Int?
    if case .port(let port) = settings.metricsPort {
      let made = MetricsEndpoint(host: settings.host, port: port, registry: metricsRegistry)
      do {
        metricsPort = try await made.start()
      } catch {
        throw ServiceStartError.listening(
          "metrics", host: settings.host, port: port, setting: "--metrics-port, server.metrics_port", error
        )
      }
      endpoint = made
    }
    let port: Int
    do {
      port = try await server.start()
    } catch let error as TLSError {
      await endpoint?.shutdown()
      throw ServiceStartError("TLS: \(error)")
    } catch {
      await endpoint?.shutdown()
      throw ServiceStartError.listening("gRPC", host: settings.host, port: settings.port, setting: "--port, server.port", error)
    }
    // Shutdown runs in reverse: the gRPC server drains first, then background services,
    // then the metrics endpoint (scrapable until the end).
    var members: [ServiceGroupConfiguration.ServiceConfiguration] = []
    if let endpoint {
      members.append(.init(service: MetricsEndpointService(endpoint: endpoint), serviceName: "metrics"))
    }
    // A background job that ends leaves the service up; one that fails takes it down gracefully.
    members += background.map {
      .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup)
    }
    let running = OneShotSignal()
    members.append(
      .init(
        service: GRPCServerService(server: server, running: running),
        successTerminationBehavior: .gracefullyShutdownGroup,
        serviceName: "grpc"
      )
    )
    var groupConfiguration = ServiceGroupConfiguration(
      services: members,
      gracefulShutdownSignals: shutdownSignals,
      logger: logger
    )
    groupConfiguration.maximumGracefulShutdownDuration = grpcConfiguration.shutdownGracePeriod + .seconds(5)
    let announcement = Self.announcement(
      service: configuration.service,
      host: settings.host,
      port: port,
      security: describeSecurity(),
      metricsPort: metricsPort
    )
    return await RunningService(
      server: server,
      port: port,
      metricsPort: metricsPort,
      announcement: announcement,
      group: ServiceGroup(configuration: groupConfiguration),
      running: running
    )
  }

  /// Starts everything, prints the one "listening on" line to standard output, and runs
  /// until SIGTERM or SIGINT (or until a background service fails), then shuts down
  /// gracefully (health NOT_SERVING, GOAWAY, in-flight calls finish) and returns.
  ///
  /// - Parameters:
  ///   - services: The gRPC services.
  ///   - interceptors: Server interceptors, outermost first.
  ///   - background: Other services run alongside; one throwing shuts the service down.
  ///   - shutdownSignals: Signals that start a graceful shutdown.
  ///   - announceTo: Where the "listening on" line goes (standard output).
  /// - Throws: ``ServiceStartError`` when starting fails; what a service threw if one fails.
  public func run(
    services: [any RPCService],
    interceptors: [any ServerInterceptor] = [],
    background: [any Service] = [],
    shutdownSignals: [UnixSignal] = [.sigterm, .sigint],
    announceTo output: LogOutput = .standardOutput
  ) async throws {
    let running = try await start(
      services: services,
      interceptors: interceptors,
      background: background,
      shutdownSignals: shutdownSignals
    )
    output.write(running.announcement + "\n")
    logger.info("started", metadata: ["port": "\(running.port)"])
    do {
      try await running.wait()
    } catch {
      logger.error("stopped by a failure", metadata: ["error": "\(error)"])
      throw error
    }
    logger.info("stopped")
  }

  private func describeSecurity() -> String {
    switch configuration.server.transport {
    case .plaintext: "plaintext h2c"
    case .tls(let files): files.clientCA == nil ? "TLS" : "TLS, mutual"
    case .developmentTLS: "TLS, mutual; dev certificates in \(developmentCertificates?.directory ?? "?")"
    }
  }

  /// `pricing-service listening on 127.0.0.1:50051 (TLS, mutual) metrics on http://127.0.0.1:9464/metrics`.
  static func announcement(service: String, host: String, port: Int, security: String, metricsPort: Int?) -> String {
    let address = host.contains(":") ? "[\(host)]" : host
    let metrics = metricsPort.map { "metrics on http://\(address):\($0)/metrics" } ?? "metrics off"
    return "\(service) listening on \(address):\(port) (\(security)) \(metrics)"
  }
}

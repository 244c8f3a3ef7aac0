import Dispatch
import Foundation
import SlipstreamAPI
@testable import SlipstreamPricing
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import Synchronization

/// A CA and a server certificate for 127.0.0.1/localhost, made once per test process.
struct NetworkPKI: Sendable {
  let ca: DevelopmentPKI.CertificateAuthority
  let server: DevelopmentPKI.IssuedCertificate

  /// The name in the server certificate a client checks when it connects to 127.0.0.1.
  static let serverName = "localhost"

  /// Key generation is seconds of synchronous CPU work on a loaded machine: it runs on a
  /// Dispatch thread, never on the cooperative pool other suites' tasks share.
  private static let made = Task {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<NetworkPKI, any Error>) in
      DispatchQueue.global().async {
        continuation.resume(with: Result {
          let ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Pricing Test CA")
          let server = try ca.issue(
            commonName: serverName, dnsNames: [serverName], ipAddresses: ["127.0.0.1"], usage: .server)
          return NetworkPKI(ca: ca, server: server)
        })
      }
    }
  }

  /// The shared certificates.
  /// - Throws: `TLSError` when OpenSSL cannot make them.
  static func shared() async throws -> NetworkPKI { try await made.value }

  var serverSecurity: ServerSecurity {
    .tls(.server(certificateChain: server.certificate, privateKey: server.privateKey))
  }

  var clientSecurity: ClientSecurity { .tls(.client(trustRoots: ca.certificate)) }
}

/// A pricing service on a manual feed, served by a real `GRPCServer` over loopback TLS, with
/// the service's feed loop running until ``stop()``.
final class PricingServerFixture: Sendable {
  let service: PricingService
  let feed: ManualFeed
  let clock: TestClock
  let server: GRPCServer
  let port: Int
  private let pki: NetworkPKI
  private let runner: Task<Void, any Error>
  private let channels = Mutex<[GRPCChannel]>([])

  private init(
    service: PricingService, feed: ManualFeed, clock: TestClock, server: GRPCServer, port: Int, pki: NetworkPKI,
    runner: Task<Void, any Error>
  ) {
    self.service = service
    self.feed = feed
    self.clock = clock
    self.server = server
    self.port = port
    self.pki = pki
    self.runner = runner
  }

  /// Starts a service and its server.
  /// - Parameters:
  ///   - configuration: The service's configuration.
  ///   - port: The port to listen on (0 picks a free one).
  ///   - configureServer: Adjusts the server configuration (limits, HTTP/2 settings).
  /// - Throws: A socket error when the port cannot be bound; `TLSError` for the certificates.
  static func start(
    _ configuration: PricingConfiguration = PricingConfiguration(capacity: 30),
    port: Int = 0,
    configureServer: (inout GRPCServerConfiguration) -> Void = { _ in }
  ) async throws -> PricingServerFixture {
    let pki = try await NetworkPKI.shared()
    let feed = ManualFeed()
    let clock = TestClock()
    let service = PricingService(configuration: configuration, feed: feed, now: clock.function)
    let runner = Task { try await service.run() }
    await feed.started()
    var serverConfiguration = GRPCServerConfiguration(port: port, security: pki.serverSecurity, shutdownGracePeriod: .seconds(1))
    configureServer(&serverConfiguration)
    let server = GRPCServer(configuration: serverConfiguration, services: [service])
    do {
      let bound = try await server.start()
      return PricingServerFixture(service: service, feed: feed, clock: clock, server: server, port: bound, pki: pki, runner: runner)
    } catch {
      runner.cancel()
      throw error
    }
  }

  /// A new channel (its own TLS connection) to the server, closed by ``stop()`` if the test
  /// has not closed it.
  /// - Parameter configure: Adjusts the channel configuration (flow-control windows).
  func connect(
    configure: (inout GRPCChannelConfiguration) -> Void = { _ in }
  ) throws -> (channel: GRPCChannel, client: PricingClient) {
    var configuration = GRPCChannelConfiguration(
      endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: pki.clientSecurity)
    configure(&configuration)
    let channel = try GRPCChannel(configuration: configuration)
    channels.withLock { $0.append(channel) }
    return (channel, PricingClient(RPCClient(transport: channel)))
  }

  /// Closes every channel, shuts the server down and stops the feed loop.
  func stop() async {
    for channel in channels.withLock({ $0 }) { await channel.close() }
    await server.shutdownGracefully()
    runner.cancel()
  }
}

/// Runs `body` against a freshly started fixture and stops it afterwards, also when `body` throws.
func withPricingServer<Result>(
  _ configuration: PricingConfiguration = PricingConfiguration(capacity: 30),
  configureServer: (inout GRPCServerConfiguration) -> Void = { _ in },
  _ body: (PricingServerFixture) async throws -> Result
) async throws -> Result {
  let fixture = try await PricingServerFixture.start(configuration, configureServer: configureServer)
  do {
    let result = try await body(fixture)
    await fixture.stop()
    return result
  } catch {
    await fixture.stop()
    throw error
  }
}

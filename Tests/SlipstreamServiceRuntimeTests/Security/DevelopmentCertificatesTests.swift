import Foundation
import SlipstreamRPC
import SlipstreamServiceRuntime
import SlipstreamTLS
import SlipstreamTransport
import Testing

@Suite("Security: development certificates and resolved TLS")
struct DevelopmentCertificatesTests {
  func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
  func mode(_ path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }

  @Test func firstRunCreatesPrivateKeysAndSecondRunReusesEverything() throws {
    let directory = try TemporaryDirectory()
    let pki = directory.path + "/state/dev-pki"
    let first = try DevelopmentCertificates.loadOrCreate(in: pki, service: "pricing-service", host: "127.0.0.1")
    #expect(Set(first.created.map { ($0 as NSString).lastPathComponent }) == [
      "ca.crt", "ca.key", "pricing-service.crt", "pricing-service.key", "client.crt", "client.key",
    ])
    #expect(first.serviceCertificate == pki + "/pricing-service.crt")
    for key in [pki + "/ca.key", first.serviceKey, first.clientKey] {
      #expect(try mode(key) == 0o600)
    }
    #expect(try mode(pki) == 0o700)

    let files = [first.caCertificate, pki + "/ca.key", first.serviceCertificate, first.serviceKey, first.clientCertificate, first.clientKey]
    let before = try files.map(contents)
    let second = try DevelopmentCertificates.loadOrCreate(in: pki, service: "pricing-service", host: "127.0.0.1")
    #expect(second.created == [])
    #expect(try files.map(contents) == before)
    #expect(
      [second.caCertificate, second.serviceCertificate, second.serviceKey, second.clientCertificate, second.clientKey]
        == [first.caCertificate, first.serviceCertificate, first.serviceKey, first.clientCertificate, first.clientKey]
    )
  }

  @Test func newHostReissuesOnlyTheServiceCertificate() throws {
    let directory = try TemporaryDirectory()
    let first = try DevelopmentCertificates.loadOrCreate(in: directory.path, service: "svc", host: "127.0.0.1")
    let ca = try contents(first.caCertificate)
    let service = try contents(first.serviceCertificate)
    let moved = try DevelopmentCertificates.loadOrCreate(in: directory.path, service: "svc", host: "svc.internal")
    #expect(moved.created.map { ($0 as NSString).lastPathComponent } == ["svc.crt", "svc.key"])
    #expect(try contents(moved.caCertificate) == ca)
    #expect(try contents(moved.serviceCertificate) != service)
  }

  @Test func servicesOfOneStateDirectoryShareTheAuthority() throws {
    let directory = try TemporaryDirectory()
    let pricing = try DevelopmentCertificates.loadOrCreate(in: directory.path, service: "pricing-service", host: "127.0.0.1")
    let ledger = try DevelopmentCertificates.loadOrCreate(in: directory.path, service: "ledger-service", host: "127.0.0.1")
    #expect(ledger.created.map { ($0 as NSString).lastPathComponent } == ["ledger-service.crt", "ledger-service.key"])
    #expect(ledger.caCertificate == pricing.caCertificate)
  }

  @Test func unusableStateDirectoryIsAConfigurationError() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("not a directory", to: "state")
    #expect(throws: ConfigurationError("development certificates: cannot create \(file)/dev-pki: \(file) is not a directory")) {
      _ = try DevelopmentCertificates.loadOrCreate(in: file + "/dev-pki", service: "svc", host: "127.0.0.1")
    }
  }

  /// A runtime on development TLS with its state in `directory`.
  func developmentRuntime(_ directory: TemporaryDirectory, log: LineBuffer = LineBuffer()) throws -> ServiceRuntime {
    let fixture = try ConfigurationFixture()
    let configuration = try fixture.load(["--state-dir", directory.path + "/state", "--port", "0", "--metrics-port", "off"])
    return try ServiceRuntime(configuration: configuration, bootstrapProcess: false, logOutput: log.output)
  }

  @Test func runtimeLogsTheFilesItMadeThenReusesThem() throws {
    let directory = try TemporaryDirectory()
    let firstLog = LineBuffer()
    let first = try developmentRuntime(directory, log: firstLog)
    let certificates = try #require(first.developmentCertificates)
    #expect(certificates.directory == directory.path + "/state/dev-pki")
    let line = try #require(firstLog.lines.first)
    #expect(line.contains(" notice test-service[test-service] made development certificates directory=\(certificates.directory) files="))
    #expect(line.contains("\(certificates.directory)/ca.key"))

    let secondLog = LineBuffer()
    let second = try developmentRuntime(directory, log: secondLog)
    #expect(second.developmentCertificates?.created == [])
    #expect(secondLog.lines.first?.contains("using development certificates directory=\(certificates.directory)") == true)
  }

  @Test func developmentServerDemandsAClientCertificateFromItsAuthority() async throws {
    let directory = try TemporaryDirectory()
    let runtime = try developmentRuntime(directory)
    let certificates = try #require(runtime.developmentCertificates)
    let server = GRPCServer(configuration: GRPCServerConfiguration(port: 0, security: runtime.serverSecurity), services: [RuntimeTestService()])
    let port = try await server.start()
    let codec = StringCodec()
    func whoAmI(_ security: ClientSecurity) async throws -> String {
      try await withClient(port: port, security: security) { rpc in
        try await rpc.unary(RuntimeTestService.whoAmI, request: "", serializer: codec, deserializer: codec).message
      }
    }
    do {
      let tool = TLSConfiguration.client(
        trustRoots: .file(certificates.caCertificate),
        certificate: .file(certificates.clientCertificate),
        privateKey: .file(certificates.clientKey)
      )
      #expect(try await whoAmI(.tls(tool)) == "slipstream-dev-client")
      #expect(try await whoAmI(runtime.clientSecurity()) == "test-service")

      let anonymous = TLSConfiguration.client(trustRoots: .file(certificates.caCertificate))
      let refused = await rpcError { _ = try await whoAmI(.tls(anonymous)) }
      #expect(refused?.code == .unavailable)
    } catch {
      await server.shutdownGracefully()
      throw error
    }
    await server.shutdownGracefully()
  }

  @Test func configuredFilesMakeTLSAndMutualTLSWithACA() throws {
    let directory = try TemporaryDirectory()
    let issued = try DevelopmentCertificates.loadOrCreate(in: directory.path, service: "svc", host: "127.0.0.1")
    let fixture = try ConfigurationFixture()
    let plain = try fixture.load(["--tls-cert", issued.serviceCertificate, "--tls-key", issued.serviceKey])
    let runtime = try ServiceRuntime(configuration: plain, bootstrapProcess: false, logOutput: LineBuffer().output)
    #expect(runtime.serverSecurity == .tls(.server(certificateChain: .file(issued.serviceCertificate), privateKey: .file(issued.serviceKey))))
    #expect(runtime.developmentCertificates == nil)
    #expect(throws: ConfigurationError("calling other services over TLS needs a CA to verify them: set --tls-ca (server.tls.ca, SERVER__TLS__CA)")) {
      _ = try runtime.clientSecurity()
    }

    let mutual = try fixture.load(["--tls-cert", issued.serviceCertificate, "--tls-key", issued.serviceKey, "--tls-ca", issued.caCertificate])
    let mutualRuntime = try ServiceRuntime(configuration: mutual, bootstrapProcess: false, logOutput: LineBuffer().output)
    #expect(
      mutualRuntime.serverSecurity
        == .tls(.server(certificateChain: .file(issued.serviceCertificate), privateKey: .file(issued.serviceKey), clientCertificateTrustRoots: .file(issued.caCertificate)))
    )
    #expect(
      try mutualRuntime.clientSecurity(serverHostname: "svc")
        == .tls(.client(trustRoots: .file(issued.caCertificate), certificate: .file(issued.serviceCertificate), privateKey: .file(issued.serviceKey)), serverHostname: "svc")
    )
  }

  @Test func plaintextResolvesToPlaintextBothWays() throws {
    let runtime = try ServiceRuntime(
      configuration: try ConfigurationFixture().load(["--plaintext"]),
      bootstrapProcess: false,
      logOutput: LineBuffer().output
    )
    #expect(runtime.serverSecurity == .plaintext)
    #expect(try runtime.clientSecurity() == .plaintext)
  }
}


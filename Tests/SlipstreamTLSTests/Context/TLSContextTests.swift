import SlipstreamTLS
import Testing

@Suite("TLSContext configuration errors")
struct TLSContextTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var configuration: TLSConfiguration
    var role: TLSRole
    var kind: TLSError.Kind
    var testDescription: String { self.name }
  }

  static let cases: [Case] = {
    var inverted = TestPKI.clientConfiguration()
    inverted.minimumVersion = .tls13
    inverted.maximumVersion = .tls12
    return [
      Case(
        name: "missing certificate file",
        configuration: .server(certificateChain: .file("/nonexistent/server.crt"), privateKey: TestPKI.server.privateKey),
        role: .server,
        kind: .invalidCertificate
      ),
      Case(
        name: "garbage certificate PEM",
        configuration: .server(certificateChain: .pem("not a certificate"), privateKey: TestPKI.server.privateKey),
        role: .server,
        kind: .invalidCertificate
      ),
      Case(
        name: "garbage private key PEM",
        configuration: .server(certificateChain: TestPKI.server.certificate, privateKey: .pem("not a key")),
        role: .server,
        kind: .invalidPrivateKey
      ),
      Case(
        name: "encrypted private key (no prompt, refused)",
        configuration: .server(certificateChain: TestPKI.server.certificate, privateKey: .pem(encryptedKey)),
        role: .server,
        kind: .invalidPrivateKey
      ),
      Case(
        name: "key of another certificate",
        configuration: .server(certificateChain: TestPKI.server.certificate, privateKey: TestPKI.client.privateKey),
        role: .server,
        kind: .keyMismatch
      ),
      Case(
        name: "garbage trust roots",
        configuration: .client(trustRoots: .pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")),
        role: .client,
        kind: .invalidCertificate
      ),
      Case(
        name: "client certificate without key",
        configuration: .client(trustRoots: TestPKI.authority.certificate, certificate: TestPKI.client.certificate),
        role: .client,
        kind: .invalidConfiguration
      ),
      Case(name: "maximum below minimum", configuration: inverted, role: .client, kind: .invalidConfiguration),
    ]
  }()

  @Test("invalid configurations throw the exact kind", arguments: cases)
  func invalid(_ testCase: Case) {
    do {
      _ = try TLSContext(configuration: testCase.configuration, role: testCase.role)
      Issue.record("no error")
    } catch {
      #expect(error.kind == testCase.kind, "\(error)")
      #expect(!error.description.isEmpty)
    }
  }

  @Test("a missing file names the path and OpenSSL's reason")
  func missingFileMessage() {
    let configuration = TLSConfiguration.server(
      certificateChain: .file("/nonexistent/server.crt"),
      privateKey: TestPKI.server.privateKey
    )
    #expect {
      try TLSContext(configuration: configuration, role: .server)
    } throws: { error in
      let text = "\(error)"
      return text.contains("/nonexistent/server.crt") && text.contains("No such file")
    }
  }

  @Test("files written by DevelopmentPKI load as PEM files")
  func loadsFiles() throws {
    let directory = try TemporaryDirectory()
    let server = try TestPKI.server.writeFiles(to: directory.path, name: "server")
    let configuration = TLSConfiguration.server(certificateChain: .file(server.certificate), privateKey: .file(server.privateKey))
    _ = try TLSContext(configuration: configuration, role: .server)
  }

  /// An EC key encrypted with the passphrase "secret".
  static let encryptedKey = """
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiB+tcmYNP1YQICCAAw
    DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEFKOLNuVKUGwrn5/BAly4kEEgZD1
    3kMFOX+acSI2AiFKp780U/OxujjF5RjVmx5HMOumiUKqobrUTgKZChlnpGRMd3JD
    vCcwG78fqYd5qryQL2HPWbr1mhNVl4MOumhFAYJWO5W4hxS80oCG+8cpmmVVpDUQ
    8PBKVzne4cFUTzlgbO3vx+yjX+W8CAL6aPgn2+L96pnXwa+lApa8rDNT5Owj6PA=
    -----END ENCRYPTED PRIVATE KEY-----

    """
}

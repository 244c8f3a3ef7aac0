import Foundation
import SlipstreamTLS
import Testing

@Suite("DevelopmentPKI")
struct DevelopmentPKITests {
  @Test("issued certificates carry the requested names and validity")
  func issuedFields() async throws {
    let now = Int64(Date().timeIntervalSince1970)
    try await Loopback.withPair(server: TestPKI.serverConfiguration(), client: TestPKI.clientConfiguration()) { pair in
      let identity = try #require(try await value(pair.clientProbe.handshake.futureResult).peerIdentity)
      #expect(identity.subject == "CN=localhost,O=Slipstream Development")
      #expect(identity.issuer == "CN=Test CA,O=Slipstream Development")
      #expect(identity.dnsNames == ["localhost"])
      #expect(identity.ipAddresses == ["127.0.0.1", "::1"])
      #expect(identity.sha256Fingerprint.count == 64)
      #expect(identity.notBefore <= now - 3000 && identity.notBefore >= now - 4000)
      #expect(identity.notAfter >= now + 364 * 86_400)
    }
  }

  @Test("PEM output has the expected armour and distinct keys")
  func pemArmour() throws {
    let authority = try DevelopmentPKI.CertificateAuthority.generate()
    let issued = try authority.issue(commonName: "svc", dnsNames: ["svc.local"])
    #expect(authority.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    #expect(issued.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    #expect(issued.privateKeyPEM != authority.privateKeyPEM)
  }

  @Test("an authority with unreadable PEM cannot issue")
  func brokenAuthority() {
    let broken = DevelopmentPKI.CertificateAuthority(certificatePEM: "nope", privateKeyPEM: "nope")
    #expect(throws: TLSError.self) { try broken.issue(commonName: "x") }
    do {
      _ = try broken.issue(commonName: "x")
    } catch {
      #expect(error.kind == .invalidCertificate)
    }
  }

  @Test("writeFiles writes the key with mode 0600")
  func keyFileMode() throws {
    let directory = try TemporaryDirectory()
    let paths = try TestPKI.client.writeFiles(to: directory.path, name: "client")
    let attributes = try FileManager.default.attributesOfItem(atPath: paths.privateKey)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try String(contentsOfFile: paths.certificate, encoding: .utf8) == TestPKI.client.certificatePEM)
  }
}

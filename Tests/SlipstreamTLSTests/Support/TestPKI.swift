import SlipstreamTLS

/// Certificates shared by the tests, generated once per test run.
enum TestPKI {
  static let authority = try! DevelopmentPKI.CertificateAuthority.generate(commonName: "Test CA")
  static let otherAuthority = try! DevelopmentPKI.CertificateAuthority.generate(commonName: "Other CA")

  static let server = try! authority.issue(
    commonName: "localhost",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
    usage: .server
  )
  static let expiredServer = try! authority.issue(
    commonName: "localhost",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    notBefore: -2 * 86_400,
    notAfter: -86_400,
    usage: .server
  )
  static let client = try! authority.issue(
    commonName: "ledger-service",
    dnsNames: ["ledger.internal"],
    usage: .client
  )
  static let foreignClient = try! otherAuthority.issue(commonName: "intruder", usage: .client)

  static func serverConfiguration(
    certificate: DevelopmentPKI.IssuedCertificate = server,
    mutualTLS: Bool = false
  ) -> TLSConfiguration {
    .server(
      certificateChain: certificate.certificate,
      privateKey: certificate.privateKey,
      clientCertificateTrustRoots: mutualTLS ? authority.certificate : nil
    )
  }

  static func clientConfiguration(
    trusting root: DevelopmentPKI.CertificateAuthority = authority,
    certificate: DevelopmentPKI.IssuedCertificate? = nil
  ) -> TLSConfiguration {
    .client(trustRoots: root.certificate, certificate: certificate?.certificate, privateKey: certificate?.privateKey)
  }
}

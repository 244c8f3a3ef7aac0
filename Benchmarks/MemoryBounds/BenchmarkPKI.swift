import SlipstreamTLS

/// A throwaway CA and a server certificate for 127.0.0.1/localhost.
struct BenchmarkPKI {
  let serverTLS: TLSConfiguration

  init() throws {
    let ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Memory Bounds CA")
    let server = try ca.issue(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .server)
    serverTLS = .server(certificateChain: server.certificate, privateKey: server.privateKey)
  }
}

import NIOCore
import NIOPosix
import SlipstreamTLS
import Testing

@Suite("TLSHandler over loopback sockets")
struct TLSHandlerLoopbackTests {
  @Test("echo round trip keeps every byte", arguments: [5, 1 << 20])
  func roundTrip(size: Int) async throws {
    let payload = ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(),
      client: TestPKI.clientConfiguration(),
      clientExpects: size
    ) { pair in
      // Written right after connect: before the handshake completes.
      try await pair.client.writeAndFlush(payload)
      let echoed = try await value(pair.clientProbe.received.futureResult)
      #expect(echoed == payload)
    }
  }

  @Test("handshake reports h2, TLS 1.3 and the server identity")
  func handshakeReport() async throws {
    try await Loopback.withPair(server: TestPKI.serverConfiguration(), client: TestPKI.clientConfiguration()) { pair in
      let client = try await value(pair.clientProbe.handshake.futureResult)
      let server = try await value(pair.serverProbe.handshake.futureResult)
      #expect(client.negotiatedProtocol == "h2")
      #expect(server.negotiatedProtocol == "h2")
      #expect(client.protocolVersion == "TLSv1.3")
      #expect(server.protocolVersion == "TLSv1.3")
      #expect(client.cipher.hasPrefix("TLS_"))
      #expect(client.peerIdentity?.commonName == "localhost")
      #expect(client.peerIdentity?.subjectAlternativeNames == ["DNS:localhost", "IP:127.0.0.1", "IP:::1"])
      #expect(server.peerIdentity == nil)
    }
  }

  @Test("a client capped at TLS 1.2 negotiates TLS 1.2 with h2")
  func tls12() async throws {
    var client = TestPKI.clientConfiguration()
    client.maximumVersion = .tls12
    try await Loopback.withPair(server: TestPKI.serverConfiguration(), client: client) { pair in
      let clientResult = try await value(pair.clientProbe.handshake.futureResult)
      let serverResult = try await value(pair.serverProbe.handshake.futureResult)
      #expect(clientResult.protocolVersion == "TLSv1.2")
      #expect(serverResult.protocolVersion == "TLSv1.2")
      #expect(clientResult.negotiatedProtocol == "h2")
    }
  }

  @Test("a server requiring TLS 1.3 refuses a TLS 1.2 client")
  func tls13Required() async throws {
    var server = TestPKI.serverConfiguration()
    server.minimumVersion = .tls13
    var client = TestPKI.clientConfiguration()
    client.maximumVersion = .tls12
    try await Loopback.withPair(server: server, client: client) { pair in
      let serverError = try await value(pair.serverProbe.firstError.futureResult)
      let clientError = try await value(pair.clientProbe.firstError.futureResult)
      #expect(tlsKind(serverError) == .handshakeFailed)
      #expect(tlsKind(clientError) == .peerRejected(alert: "protocol version"))
    }
  }

  @Test("the host name is verified by IP address against IP SANs")
  func ipAddressVerification() async throws {
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(),
      client: TestPKI.clientConfiguration(),
      serverHostname: "127.0.0.1"
    ) { pair in
      let result = try await value(pair.clientProbe.handshake.futureResult)
      #expect(result.peerIdentity?.ipAddresses.contains("127.0.0.1") == true)
    }
  }

  @Test("without a host name, full verification checks the peer's IP address")
  func verifiesPeerAddress() async throws {
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(),
      client: TestPKI.clientConfiguration(),
      serverHostname: nil
    ) { pair in
      let result = try await value(pair.clientProbe.handshake.futureResult)
      #expect(result.negotiatedProtocol == "h2")
    }
  }

  @Test(
    "relaxed verification modes accept what full verification refuses",
    arguments: [
      (TLSConfiguration.Verification.noHostnameVerification, TestPKI.authority, "pricing.example.com"),
      (.none, TestPKI.otherAuthority, "localhost"),
    ]
  )
  func relaxedVerification(
    mode: TLSConfiguration.Verification,
    root: DevelopmentPKI.CertificateAuthority,
    hostname: String
  ) async throws {
    var client = TestPKI.clientConfiguration(trusting: root)
    client.verification = mode
    try await Loopback.withPair(server: TestPKI.serverConfiguration(), client: client, serverHostname: hostname) { pair in
      let result = try await value(pair.clientProbe.handshake.futureResult)
      #expect(result.peerIdentity?.commonName == "localhost")
    }
  }

  // MARK: Mutual TLS

  @Test("mutual TLS: the server sees the client's identity")
  func mutualTLS() async throws {
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(mutualTLS: true),
      client: TestPKI.clientConfiguration(certificate: TestPKI.client),
      clientExpects: 2
    ) { pair in
      let server = try await value(pair.serverProbe.handshake.futureResult)
      #expect(server.peerIdentity?.commonName == "ledger-service")
      #expect(server.peerIdentity?.dnsNames == ["ledger.internal"])
      #expect(server.peerIdentity?.issuer.contains("CN=Test CA") == true)
      try await pair.client.writeAndFlush(ByteBuffer(string: "ok"))
      #expect(try await value(pair.clientProbe.received.futureResult) == ByteBuffer(string: "ok"))
    }
  }

  @Test("mutual TLS: a client without a certificate is refused on both sides")
  func mutualTLSWithoutCertificate() async throws {
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(mutualTLS: true),
      client: TestPKI.clientConfiguration()
    ) { pair in
      let serverError = try await value(pair.serverProbe.firstError.futureResult)
      let clientError = try await value(pair.clientProbe.firstError.futureResult)
      #expect(tlsKind(serverError) == .peerCertificateMissing)
      #expect("\(serverError!)".contains("did not return a certificate"))
      #expect(tlsKind(clientError) == .peerRejected(alert: "certificate required"))
    }
  }

  @Test("mutual TLS: a client certificate from another CA is refused")
  func mutualTLSForeignCertificate() async throws {
    try await Loopback.withPair(
      server: TestPKI.serverConfiguration(mutualTLS: true),
      client: TestPKI.clientConfiguration(certificate: TestPKI.foreignClient)
    ) { pair in
      let serverError = try await value(pair.serverProbe.firstError.futureResult)
      let clientError = try await value(pair.clientProbe.firstError.futureResult)
      #expect(tlsKind(serverError) == .certificateVerificationFailed(reason: "unable to get local issuer certificate"))
      #expect(tlsKind(clientError) == .peerRejected(alert: "unknown CA"))
    }
  }

  // MARK: Client-side verification failures

  struct Failure: Sendable, CustomTestStringConvertible {
    var name: String
    var server: TLSConfiguration
    var client: TLSConfiguration
    var serverHostname: String
    var clientKind: TLSError.Kind
    var serverKind: TLSError.Kind
    var testDescription: String { self.name }
  }

  static let failures: [Failure] = {
    var otherALPN = TestPKI.clientConfiguration()
    otherALPN.applicationProtocols = ["http/1.1"]
    return [
      Failure(
        name: "wrong CA",
        server: TestPKI.serverConfiguration(),
        client: TestPKI.clientConfiguration(trusting: TestPKI.otherAuthority),
        serverHostname: "localhost",
        clientKind: .certificateVerificationFailed(reason: "unable to get local issuer certificate"),
        serverKind: .peerRejected(alert: "unknown CA")
      ),
      Failure(
        name: "expired server certificate",
        server: TestPKI.serverConfiguration(certificate: TestPKI.expiredServer),
        client: TestPKI.clientConfiguration(),
        serverHostname: "localhost",
        clientKind: .certificateVerificationFailed(reason: "certificate has expired"),
        serverKind: .peerRejected(alert: "certificate expired")
      ),
      Failure(
        name: "wrong host name",
        server: TestPKI.serverConfiguration(),
        client: TestPKI.clientConfiguration(),
        serverHostname: "pricing.example.com",
        clientKind: .certificateVerificationFailed(reason: "hostname mismatch"),
        serverKind: .peerRejected(alert: "bad certificate")
      ),
      Failure(
        name: "wrong IP address",
        server: TestPKI.serverConfiguration(),
        client: TestPKI.clientConfiguration(),
        serverHostname: "10.1.2.3",
        clientKind: .certificateVerificationFailed(reason: "IP address mismatch"),
        serverKind: .peerRejected(alert: "bad certificate")
      ),
      Failure(
        name: "no ALPN overlap",
        server: TestPKI.serverConfiguration(),
        client: otherALPN,
        serverHostname: "localhost",
        clientKind: .noApplicationProtocol,
        serverKind: .noApplicationProtocol
      ),
    ]
  }()

  @Test("handshake failures carry the exact kind on both sides", arguments: failures)
  func handshakeFailure(_ failure: Failure) async throws {
    try await Loopback.withPair(
      server: failure.server,
      client: failure.client,
      serverHostname: failure.serverHostname
    ) { pair in
      let clientError = try await value(pair.clientProbe.firstError.futureResult)
      let serverError = try await value(pair.serverProbe.firstError.futureResult)
      #expect(tlsKind(clientError) == failure.clientKind, "\(String(describing: clientError))")
      #expect(tlsKind(serverError) == failure.serverKind, "\(String(describing: serverError))")
      try await value(pair.clientProbe.closed.futureResult)
      #expect(!pair.client.isActive)
    }
  }

  // MARK: Not TLS, closing

  @Test("an HTTP/2 preface in plaintext is refused as notTLS and the socket closed")
  func plaintextPreface() async throws {
    let loop = Loopback.group.next()
    let serverProbe = Probe(on: loop)
    let clientProbe = Probe(on: loop)
    defer {
      serverProbe.finish()
      clientProbe.finish()
    }
    let server = try await Loopback.server(TestPKI.serverConfiguration(), probe: serverProbe)
    defer { server.close(promise: nil) }
    let client = try await Loopback.plainClient(to: server.localAddress!.port!, probe: clientProbe)
    try await client.writeAndFlush(ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))
    let serverError = try await value(serverProbe.firstError.futureResult)
    #expect(tlsKind(serverError) == .notTLS)
    // The server closes the socket, so the plaintext client sees the close.
    try await value(clientProbe.closed.futureResult)
  }

  @Test("close sends close_notify: the peer closes cleanly without an error")
  func cleanClose() async throws {
    try await Loopback.withPair(server: TestPKI.serverConfiguration(), client: TestPKI.clientConfiguration()) { pair in
      _ = try await value(pair.clientProbe.handshake.futureResult)
      _ = try await value(pair.serverProbe.handshake.futureResult)
      try await value(pair.client.close())
      try await value(pair.serverProbe.closed.futureResult)
      let serverError = try await value(pair.serverProbe.firstError.futureResult)
      #expect(serverError == nil)
    }
  }
}

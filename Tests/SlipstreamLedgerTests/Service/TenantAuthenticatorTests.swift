import SlipstreamAPI
import SlipstreamRPC
import SlipstreamWire
import Testing
@testable import SlipstreamLedger

@Suite("TenantAuthenticator")
struct TenantAuthenticatorTests {
  let authenticator = TenantAuthenticator(
    bearerTokens: [
      try! .init(sha256Hex: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", tenantID: "tenant-test"),
      .init(token: "token-a", tenantID: "tenant-a"),
    ]
  )

  func context(sans: [String] = [], commonName: String? = nil, certificate: Bool = true, metadata: Metadata = [:]) -> ServerContext {
    let identity = certificate
      ? PeerIdentity(subject: "CN=\(commonName ?? "")", commonName: commonName, subjectAlternativeNames: sans, fingerprint: "ab")
      : nil
    return ServerContext(
      method: Slipstream_Ledger_V1_LedgerService.Method.verifyAudit, metadata: metadata,
      peer: PeerInfo(address: "ipv4:127.0.0.1:5000", identity: identity), deadline: nil
    )
  }

  @Test func aTokenStoredAsItsDigestAuthenticates() throws {
    // SHA-256("test") in uppercase hex.
    #expect(try authenticator.tenant(of: context(certificate: false, metadata: ["authorization": "Bearer test"])) == "tenant-test")
    #expect(try authenticator.tenant(of: context(certificate: false, metadata: ["authorization": "bearer token-a"])) == "tenant-a")
  }

  @Test(arguments: [["URI:slipstream://tenant/tenant-a"], ["slipstream://tenant/tenant-a", "DNS:client.example"]])
  func aCertificateNamesItsTenantByURI(_ sans: [String]) throws {
    #expect(try authenticator.tenant(of: context(sans: sans)) == "tenant-a")
  }

  @Test func theCommonNameCountsOnlyWhenConfigured() throws {
    #expect(throws: LedgerError.self) { try authenticator.tenant(of: context(commonName: "tenant-a")) }
    let byName = TenantAuthenticator(bearerTokens: [], certificateMappings: [.tenantURI, .commonName])
    #expect(try byName.tenant(of: context(commonName: "tenant-a")) == "tenant-a")
  }

  @Test func agreeingCertificateAndTokenAuthenticate() throws {
    let both = context(sans: ["URI:slipstream://tenant/tenant-a"], metadata: ["authorization": "Bearer token-a"])
    #expect(try authenticator.tenant(of: both) == "tenant-a")
  }

  @Test(arguments: [
    ([], false, [:], "no credential: present a client certificate or an 'authorization: Bearer <token>' header"),
    (["URI:spiffe://other"], true, [:], "the client certificate names no tenant (expected a subject alternative name URI slipstream://tenant/<tenant id>) and no bearer token was sent"),
    (["URI:slipstream://tenant/a", "URI:slipstream://tenant/b"], true, [:], "the client certificate names 2 tenants; it must name one"),
    (["URI:slipstream://tenant/a/b"], true, [:], "the client certificate's tenant URI does not hold a valid tenant id"),
    (["URI:slipstream://tenant/tenant-b"], true, ["authorization": "Bearer token-a"], "the client certificate and the bearer token name different tenants"),
    ([], false, ["authorization": "Bearer wrong"], "the bearer token is not known"),
    ([], false, ["authorization": "Token token-a"], "the authorization header must be 'Bearer <token>'"),
  ] as [([String], Bool, Metadata, String)])
  func refusals(_ sans: [String], _ certificate: Bool, _ metadata: Metadata, _ reason: String) {
    #expect(throws: LedgerError.unauthenticated(reason: reason)) {
      try authenticator.tenant(of: context(sans: sans, certificate: certificate, metadata: metadata))
    }
  }

  @Test func twoAuthorizationHeadersAreRefused() throws {
    var metadata: Metadata = ["authorization": "Bearer token-a"]
    try metadata.addString("Bearer token-a", forKey: "authorization")
    #expect(throws: LedgerError.unauthenticated(reason: "send one authorization header, not 2")) {
      try authenticator.tenant(of: context(certificate: false, metadata: metadata))
    }
  }

  @Test(arguments: ["", "abc", String(repeating: "z", count: 64), String(repeating: "a", count: 62)])
  func malformedDigestsAreRefused(_ hex: String) {
    #expect(throws: LedgerError.invalidArgument(field: "bearer_tokens.sha256", reason: "'\(hex)' is not 64 hex digits")) {
      try TenantAuthenticator.BearerToken(sha256Hex: hex, tenantID: "t")
    }
  }
}

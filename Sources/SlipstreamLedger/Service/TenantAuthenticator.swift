import Crypto
public import SlipstreamRPC

/// Maps the caller of a call to the one tenant it may read and write.
///
/// Two credentials are accepted:
/// - a mutual-TLS client certificate: the tenant is named by a subject alternative name URI
///   `slipstream://tenant/<id>` (and, if configured, by the subject's common name);
/// - a bearer token, `authorization: Bearer <token>`: the configuration holds only the
///   SHA-256 of each token, and a presented token is compared with every configured digest in
///   constant time.
///
/// A call presenting both must name the same tenant with both.
public struct TenantAuthenticator: Sendable {
  /// A bearer token's digest and the tenant it is bound to.
  public struct BearerToken: Sendable, Hashable {
    /// SHA-256 of the token's UTF-8 bytes.
    public var sha256: [UInt8]
    /// The tenant the token acts for.
    public var tenantID: String

    /// Creates a grant from a digest in lowercase or uppercase hex (64 digits).
    /// - Throws: `LedgerError.invalidArgument(field: "bearer_tokens.sha256", …)` for a malformed digest.
    public init(sha256Hex: String, tenantID: String) throws(LedgerError) {
      guard let digest = Self.bytes(hex: sha256Hex), digest.count == 32 else {
        throw .invalidArgument(field: "bearer_tokens.sha256", reason: "'\(sha256Hex)' is not 64 hex digits")
      }
      guard !tenantID.isEmpty else { throw .invalidArgument(field: "bearer_tokens.tenant_id", reason: "is required") }
      self.sha256 = digest
      self.tenantID = tenantID
    }

    /// Creates a grant from a token in clear (only its digest is kept).
    public init(token: String, tenantID: String) {
      self.sha256 = Array(SHA256.hash(data: Array(token.utf8)))
      self.tenantID = tenantID
    }

    private static func bytes(hex: String) -> [UInt8]? {
      let digits = Array(hex.utf8)
      guard digits.count.isMultiple(of: 2) else { return nil }
      var bytes: [UInt8] = []
      var index = 0
      while index < digits.count {
        guard let value = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
        bytes.append(value)
        index += 2
      }
      return bytes
    }
  }

  /// Where a client certificate names its tenant.
  public enum CertificateMapping: Sendable, Hashable {
    /// A SAN URI `slipstream://tenant/<id>`.
    case tenantURI
    /// The subject's common name is the tenant id.
    case commonName
  }

  /// The SAN URI prefix naming a tenant.
  public static let tenantURIPrefix = "slipstream://tenant/"

  private let tokens: [BearerToken]
  private let certificateMappings: [CertificateMapping]

  /// Creates an authenticator.
  /// - Parameters:
  ///   - bearerTokens: The accepted tokens, as digests bound to tenants.
  ///   - certificateMappings: How client certificates name tenants, tried in order.
  public init(bearerTokens: [BearerToken], certificateMappings: [CertificateMapping] = [.tenantURI]) {
    self.tokens = bearerTokens
    self.certificateMappings = certificateMappings
  }

  /// The tenant of the caller.
  /// - Throws: `LedgerError.unauthenticated` when no credential is presented, a credential is
  ///   unknown or malformed, or two credentials disagree.
  public func tenant(of context: ServerContext) throws(LedgerError) -> String {
    let fromCertificate = try certificateTenant(context.peer.identity)
    let fromToken = try tokenTenant(context.metadata[stringValues: "authorization"])
    switch (fromCertificate, fromToken) {
    case (let certificate?, let token?):
      guard certificate == token else {
        throw .unauthenticated(reason: "the client certificate and the bearer token name different tenants")
      }
      return certificate
    case (let tenant?, nil), (nil, let tenant?):
      return tenant
    case (nil, nil):
      if context.peer.identity != nil {
        throw .unauthenticated(
          reason: "the client certificate names no tenant (expected a subject alternative name URI "
            + "\(Self.tenantURIPrefix)<tenant id>) and no bearer token was sent"
        )
      }
      throw .unauthenticated(reason: "no credential: present a client certificate or an 'authorization: Bearer <token>' header")
    }
  }

  private func certificateTenant(_ identity: PeerIdentity?) throws(LedgerError) -> String? {
    guard let identity else { return nil }
    for mapping in certificateMappings {
      switch mapping {
      case .tenantURI:
        let tenants = Set(
          identity.subjectAlternativeNames.compactMap { name -> String? in
            let uri = name.hasPrefix("URI:") ? String(name.dropFirst(4)) : name
            return uri.hasPrefix(Self.tenantURIPrefix) ? String(uri.dropFirst(Self.tenantURIPrefix.count)) : nil
          }
        )
        guard tenants.count <= 1 else {
          throw .unauthenticated(reason: "the client certificate names \(tenants.count) tenants; it must name one")
        }
        if let tenant = tenants.first {
          guard LedgerInput.isIdentifier(tenant) else {
            throw .unauthenticated(reason: "the client certificate's tenant URI does not hold a valid tenant id")
          }
          return tenant
        }
      case .commonName:
        if let name = identity.commonName, LedgerInput.isIdentifier(name) { return name }
      }
    }
    return nil
  }

  private func tokenTenant(_ values: [String]) throws(LedgerError) -> String? {
    guard !values.isEmpty else { return nil }
    guard values.count == 1 else { throw .unauthenticated(reason: "send one authorization header, not \(values.count)") }
    let value = values[0]
    guard value.count > 7, value.prefix(7).lowercased() == "bearer " else {
      throw .unauthenticated(reason: "the authorization header must be 'Bearer <token>'")
    }
    let digest = Array(SHA256.hash(data: Array(value.dropFirst(7).utf8)))
    // Compare with every configured digest, without stopping early, so the time taken does
    // not depend on which (or whether a) digest matched.
    var match: String?
    for grant in tokens {
      var difference: UInt8 = 0
      for (lhs, rhs) in zip(grant.sha256, digest) {
        difference |= lhs ^ rhs
      }
      if difference == 0, match == nil { match = grant.tenantID }
    }
    guard let match else { throw .unauthenticated(reason: "the bearer token is not known") }
    return match
  }
}

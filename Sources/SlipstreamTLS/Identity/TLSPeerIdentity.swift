/// Who the peer's certificate says it is, read once after the handshake. With mutual TLS a
/// server uses this to authorise clients.
public struct TLSPeerIdentity: Sendable, Hashable {
  /// The subject as an RFC 2253 string, e.g. "CN=ledger,O=Slipstream".
  public var subject: String
  /// The subject's common name, if it has one.
  public var commonName: String?
  /// Subject alternative names, each prefixed by its type: "DNS:localhost", "IP:127.0.0.1",
  /// "URI:spiffe://slipstream/ledger", "email:ops@example.com".
  public var subjectAlternativeNames: [String]
  /// The issuer as an RFC 2253 string.
  public var issuer: String
  /// Start of validity, in seconds since 1970-01-01 UTC.
  public var notBefore: Int64
  /// End of validity, in seconds since 1970-01-01 UTC.
  public var notAfter: Int64
  /// SHA-256 of the DER certificate, lowercase hex without separators.
  public var sha256Fingerprint: String

  /// Creates an identity.
  public init(
    subject: String,
    commonName: String?,
    subjectAlternativeNames: [String],
    issuer: String,
    notBefore: Int64,
    notAfter: Int64,
    sha256Fingerprint: String
  ) {
    self.subject = subject
    self.commonName = commonName
    self.subjectAlternativeNames = subjectAlternativeNames
    self.issuer = issuer
    self.notBefore = notBefore
    self.notAfter = notAfter
    self.sha256Fingerprint = sha256Fingerprint
  }

  /// The DNS names among ``subjectAlternativeNames``, without their prefix.
  public var dnsNames: [String] {
    self.subjectAlternativeNames.compactMap { $0.hasPrefix("DNS:") ? String($0.dropFirst(4)) : nil }
  }

  /// The IP addresses among ``subjectAlternativeNames``, without their prefix.
  public var ipAddresses: [String] {
    self.subjectAlternativeNames.compactMap { $0.hasPrefix("IP:") ? String($0.dropFirst(3)) : nil }
  }
}

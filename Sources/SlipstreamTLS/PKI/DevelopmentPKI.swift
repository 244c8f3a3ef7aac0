/// Self-signed development certificates made with OpenSSL: a certificate authority that
/// issues server and client certificates (EC P-256, SHA-256). For tests and for services
/// that make their own certificates on first run; not for production.
public enum DevelopmentPKI {
  /// What an issued certificate may be used for (its extended key usage).
  public enum Usage: Sendable, Hashable {
    case server
    case client
    case both
  }

  /// An issued certificate and its private key, both PEM.
  public struct IssuedCertificate: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
      self.certificatePEM = certificatePEM
      self.privateKeyPEM = privateKeyPEM
    }

    /// The certificate as a ``TLSConfiguration/PEMSource``.
    public var certificate: TLSConfiguration.PEMSource { .pem(self.certificatePEM) }
    /// The private key as a ``TLSConfiguration/PEMSource``.
    public var privateKey: TLSConfiguration.PEMSource { .pem(self.privateKeyPEM) }

    /// Writes `<name>.crt` and `<name>.key` (mode 0600) into `directory`.
    /// - Parameters:
    ///   - directory: an existing directory.
    ///   - name: the file name stem.
    /// - Returns: the two paths.
    /// - Throws: ``TLSError`` `.internalError` if a file cannot be written.
    @discardableResult
    public func writeFiles(to directory: String, name: String) throws(TLSError) -> (certificate: String, privateKey: String) {
      let certificatePath = directory + "/" + name + ".crt"
      let keyPath = directory + "/" + name + ".key"
      try PEMFiles.write(self.certificatePEM, to: certificatePath, privateFile: false)
      try PEMFiles.write(self.privateKeyPEM, to: keyPath, privateFile: true)
      return (certificatePath, keyPath)
    }
  }

  /// A certificate authority: its self-signed certificate and private key, both PEM.
  public struct CertificateAuthority: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String

    /// Wraps an existing authority (e.g. one loaded from files written earlier).
    public init(certificatePEM: String, privateKeyPEM: String) {
      self.certificatePEM = certificatePEM
      self.privateKeyPEM = privateKeyPEM
    }

    /// The CA certificate as a ``TLSConfiguration/PEMSource``, for trust roots.
    public var certificate: TLSConfiguration.PEMSource { .pem(self.certificatePEM) }

    /// Writes `<name>.crt` and `<name>.key` (mode 0600) into `directory`.
    /// - Returns: the two paths.
    /// - Throws: ``TLSError`` `.internalError` if a file cannot be written.
    @discardableResult
    public func writeFiles(to directory: String, name: String = "ca") throws(TLSError) -> (certificate: String, privateKey: String) {
      try IssuedCertificate(certificatePEM: self.certificatePEM, privateKeyPEM: self.privateKeyPEM)
        .writeFiles(to: directory, name: name)
    }

    /// Makes a new self-signed authority.
    /// - Parameters:
    ///   - commonName: the CA's subject common name.
    ///   - notBefore: start of validity in seconds relative to now (negative = past).
    ///   - notAfter: end of validity in seconds relative to now.
    /// - Throws: ``TLSError`` `.internalError` if OpenSSL fails.
    public static func generate(
      commonName: String = "Slipstream Development CA",
      notBefore: Int = -3600,
      notAfter: Int = 10 * 365 * 86_400
    ) throws(TLSError) -> CertificateAuthority {
      let issued = try CertificateBuilder.make(
        commonName: commonName,
        profile: .authority,
        alternativeNames: [],
        validity: (notBefore, notAfter),
        issuer: nil
      )
      return CertificateAuthority(certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM)
    }

    /// Issues a certificate signed by this authority.
    /// - Parameters:
    ///   - commonName: the subject common name.
    ///   - dnsNames: DNS subject alternative names.
    ///   - ipAddresses: IP subject alternative names (IPv4 or IPv6 literals).
    ///   - notBefore: start of validity in seconds relative to now (negative = past).
    ///   - notAfter: end of validity in seconds relative to now (negative makes an expired one).
    ///   - usage: server, client or both.
    /// - Throws: ``TLSError`` `.invalidCertificate`/`.invalidPrivateKey` if this authority's
    ///   PEM is unreadable, `.invalidConfiguration` for a malformed name, `.internalError`.
    public func issue(
      commonName: String,
      dnsNames: [String] = [],
      ipAddresses: [String] = [],
      notBefore: Int = -3600,
      notAfter: Int = 365 * 86_400,
      usage: Usage = .both
    ) throws(TLSError) -> IssuedCertificate {
      try TLSConfiguration.PEMSource.pem(self.certificatePEM).withCertificates { (certificates) throws(TLSError) in
        try TLSConfiguration.PEMSource.pem(self.privateKeyPEM).withPrivateKey { (key) throws(TLSError) in
          try CertificateBuilder.make(
            commonName: commonName,
            profile: .leaf(usage),
            alternativeNames: dnsNames.map { "DNS:" + $0 } + ipAddresses.map { "IP:" + $0 },
            validity: (notBefore, notAfter),
            issuer: (certificates[0], key)
          )
        }
      }
    }
  }
}

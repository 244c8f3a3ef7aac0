/// Everything a ``TLSContext`` needs: certificates, trust roots, versions, ALPN and
/// verification policy. A plain value: build one with ``server(certificateChain:privateKey:clientCertificateTrustRoots:)``
/// or ``client(trustRoots:certificate:privateKey:)`` and adjust fields as needed.
public struct TLSConfiguration: Sendable, Hashable {
  /// Where PEM data comes from.
  public enum PEMSource: Sendable, Hashable {
    /// A path to a PEM file.
    case file(String)
    /// PEM text held in memory.
    case pem(String)
  }

  /// A TLS protocol version.
  public enum Version: Sendable, Hashable, Comparable {
    case tls12
    case tls13
  }

  /// How the peer's certificate is checked.
  public enum Verification: Sendable, Hashable {
    /// Chain to a trust root and (clients) the server's host name or IP address.
    case full
    /// Chain to a trust root only.
    case noHostnameVerification
    /// No verification at all: only for explicit local experiments.
    case none
  }

  /// The local certificate chain (leaf first), if any.
  public var certificateChain: PEMSource?
  /// The private key matching the leaf of ``certificateChain``.
  public var privateKey: PEMSource?
  /// Certificate authorities the peer's certificate must chain to. For a server, non-nil
  /// means mutual TLS: a client certificate is demanded and verified.
  public var trustRoots: PEMSource?
  /// The lowest accepted protocol version (TLS 1.3 is always preferred).
  public var minimumVersion: Version = .tls12
  /// The highest accepted protocol version; nil means the newest OpenSSL supports.
  public var maximumVersion: Version? = nil
  /// ALPN protocols, most preferred first.
  public var applicationProtocols: [String] = ["h2"]
  /// Fail the handshake unless ALPN agrees on one of ``applicationProtocols``.
  public var requireALPN: Bool = true
  /// How the peer's certificate is checked.
  public var verification: Verification = .full
  /// How long a close waits for the peer's close_notify before closing the socket anyway.
  public var closeNotifyTimeout: Duration = .seconds(2)
  /// How long the handshake may take before the connection is dropped (a peer that
  /// connects and stays silent must not hold a socket forever).
  public var handshakeTimeout: Duration = .seconds(10)

  /// A server configuration.
  /// - Parameters:
  ///   - certificateChain: the server's certificate chain, leaf first.
  ///   - privateKey: the leaf's private key.
  ///   - clientCertificateTrustRoots: if set, mutual TLS: clients must present a certificate
  ///     signed by one of these authorities.
  public static func server(
    certificateChain: PEMSource,
    privateKey: PEMSource,
    clientCertificateTrustRoots: PEMSource? = nil
  ) -> TLSConfiguration {
    TLSConfiguration(
      certificateChain: certificateChain,
      privateKey: privateKey,
      trustRoots: clientCertificateTrustRoots
    )
  }

  /// A client configuration.
  /// - Parameters:
  ///   - trustRoots: authorities the server's certificate must chain to.
  ///   - certificate: the client's certificate chain for mutual TLS, leaf first.
  ///   - privateKey: the client certificate's private key.
  public static func client(
    trustRoots: PEMSource,
    certificate: PEMSource? = nil,
    privateKey: PEMSource? = nil
  ) -> TLSConfiguration {
    TLSConfiguration(certificateChain: certificate, privateKey: privateKey, trustRoots: trustRoots)
  }

  private init(certificateChain: PEMSource?, privateKey: PEMSource?, trustRoots: PEMSource?) {
    self.certificateChain = certificateChain
    self.privateKey = privateKey
    self.trustRoots = trustRoots
  }
}

/// Which side of the handshake a ``TLSContext`` serves.
public enum TLSRole: Sendable, Hashable {
  case server
  case client
}

/// Where PEM data comes from: a file path or text in memory.
public typealias PEMSource = TLSConfiguration.PEMSource

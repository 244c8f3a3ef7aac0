/// A TLS failure: what went wrong (``kind``), what we were doing (``context``) and the
/// OpenSSL error stack drained at the point of failure, as readable text.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Hashable {
    /// The peer's certificate did not verify; `reason` is OpenSSL's text, e.g.
    /// "certificate has expired", "unable to get local issuer certificate",
    /// "hostname mismatch", "IP address mismatch".
    case certificateVerificationFailed(reason: String)
    /// Mutual TLS: the peer did not return a certificate.
    case peerCertificateMissing
    /// The peer refused the handshake with a fatal alert, e.g. "unknown ca",
    /// "certificate required", "handshake failure".
    case peerRejected(alert: String)
    /// The handshake failed for another reason (see the OpenSSL errors).
    case handshakeFailed
    /// The handshake did not finish within ``TLSConfiguration/handshakeTimeout``.
    case handshakeTimedOut
    /// ALPN did not agree on a protocol (e.g. `h2`) and it is required.
    case noApplicationProtocol
    /// A certificate could not be loaded or parsed.
    case invalidCertificate
    /// A private key could not be loaded or parsed.
    case invalidPrivateKey
    /// The private key does not belong to the certificate.
    case keyMismatch
    /// The configuration cannot be applied (e.g. a key without a certificate).
    case invalidConfiguration
    /// The peer closed the connection without a close_notify.
    case peerClosedUncleanly
    /// The first bytes received are not a TLS record (plaintext sent to a TLS port).
    case notTLS
    /// OpenSSL failed unexpectedly.
    case internalError
  }

  /// What went wrong.
  public var kind: Kind
  /// What we were doing, in words (e.g. "loading the certificate chain from /etc/x.pem").
  public var context: String
  /// OpenSSL's error stack at the point of failure, oldest first.
  public var openSSLErrors: [String]

  /// Creates an error.
  /// - Parameters:
  ///   - kind: what went wrong.
  ///   - context: what we were doing.
  ///   - openSSLErrors: OpenSSL's error stack, oldest first.
  public init(_ kind: Kind, context: String = "", openSSLErrors: [String] = []) {
    self.kind = kind
    self.context = context
    self.openSSLErrors = openSSLErrors
  }

  public var description: String {
    var text = "TLS error: \(self.kind.summary)"
    if !self.context.isEmpty { text += " (\(self.context))" }
    if !self.openSSLErrors.isEmpty { text += " [OpenSSL: \(self.openSSLErrors.joined(separator: "; "))]" }
    return text
  }
}

extension TLSError.Kind {
  /// A readable sentence for the kind.
  var summary: String {
    switch self {
    case .certificateVerificationFailed(let reason): "certificate verification failed: \(reason)"
    case .peerCertificateMissing: "the peer did not return a certificate, but mutual TLS requires one"
    case .peerRejected(let alert): "the peer rejected the handshake: \(alert)"
    case .handshakeFailed: "the handshake failed"
    case .handshakeTimedOut: "the handshake did not finish in time"
    case .noApplicationProtocol: "no application protocol (ALPN) was agreed"
    case .invalidCertificate: "the certificate could not be loaded"
    case .invalidPrivateKey: "the private key could not be loaded"
    case .keyMismatch: "the private key does not match the certificate"
    case .invalidConfiguration: "the configuration is invalid"
    case .peerClosedUncleanly: "the peer closed the connection without a TLS close_notify"
    case .notTLS: "the peer did not speak TLS (the first bytes are not a TLS record)"
    case .internalError: "OpenSSL failed unexpectedly"
    }
  }
}

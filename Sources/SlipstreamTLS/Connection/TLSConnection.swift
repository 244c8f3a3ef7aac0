import COpenSSL
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One TLS connection on memory BIOs: owns one `SSL*` (which owns its two BIOs).
/// Ciphertext goes in through ``feed(_:)`` and comes out through ``takeOutput(allocator:)``;
/// the handler moves it to and from the socket. Not thread-safe: used on one event loop.
final class TLSConnection {
  /// The outcome of a handshake or shutdown step.
  enum Step {
    /// Waiting for more bytes from the peer.
    case incomplete
    case complete
    case failed(TLSError)
  }

  /// The outcome of draining decrypted bytes.
  enum ReadResult {
    /// Everything available was read; more ciphertext is needed.
    case needMoreData
    /// The peer sent close_notify.
    case closeNotify
    case failed(TLSError)
  }

  /// The outcome of encrypting one buffer.
  enum WriteResult {
    case complete
    /// OpenSSL must read before it can write (a post-handshake message); retry after a read.
    case needsRead
    case failed(TLSError)
  }

  /// The largest plaintext in one TLS record.
  static let maximumRecordSize = 16 * 1024

  /// Keeps the `SSL_CTX*` alive as long as this `SSL*`.
  let context: TLSContext
  private let ssl: OpaquePointer
  /// Ciphertext from the peer; owned by `ssl`.
  private let networkInput: OpaquePointer
  /// Ciphertext for the peer; owned by `ssl`.
  private let networkOutput: OpaquePointer

  /// Creates a connection.
  /// - Parameters:
  ///   - context: the shared context.
  ///   - verifyHost: client only: the DNS name (also sent as SNI) or IP address the server's
  ///     certificate must name; nil skips the check.
  ///   - serverName: client only: the SNI name to send, if any.
  /// - Throws: ``TLSError`` `.internalError` if OpenSSL cannot allocate, `.invalidConfiguration`
  ///   for an unusable host name.
  init(context: TLSContext, verifyHost: String?, serverName: String?) throws(TLSError) {
    guard let ssl = SSL_new(context.sslContext) else {
      throw OpenSSLErrorQueue.error(.internalError, "creating an SSL connection")
    }
    let input = BIO_new(BIO_s_mem())
    let output = BIO_new(BIO_s_mem())
    guard let input, let output else {
      BIO_free(input)
      BIO_free(output)
      SSL_free(ssl)
      throw OpenSSLErrorQueue.error(.internalError, "creating memory BIOs")
    }
    // An empty input BIO means "retry later", not end of stream.
    cslip_BIO_set_mem_eof_return(input, -1)
    cslip_BIO_set_mem_eof_return(output, -1)
    SSL_set_bio(ssl, input, output)
    self.context = context
    self.ssl = ssl
    self.networkInput = input
    self.networkOutput = output

    switch context.role {
    case .server:
      SSL_set_accept_state(ssl)
    case .client:
      SSL_set_connect_state(ssl)
      try self.configureClient(verifyHost: verifyHost, serverName: serverName)
    }
  }

  deinit {
    SSL_free(self.ssl)
  }

  private func configureClient(verifyHost: String?, serverName: String?) throws(TLSError) {
    if let serverName, cslip_SSL_set_tlsext_host_name(self.ssl, serverName) != 1 {
      throw OpenSSLErrorQueue.error(.invalidConfiguration, "setting the SNI name \(serverName)")
    }
    guard let verifyHost else { return }
    if Self.isIPAddress(verifyHost) {
      guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(self.ssl), verifyHost) == 1 else {
        throw OpenSSLErrorQueue.error(.invalidConfiguration, "setting the IP address \(verifyHost) to verify")
      }
    } else {
      SSL_set_hostflags(self.ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
      guard SSL_set1_host(self.ssl, verifyHost) == 1 else {
        throw OpenSSLErrorQueue.error(.invalidConfiguration, "setting the host name \(verifyHost) to verify")
      }
    }
  }

  /// Whether `host` is an IPv4 or IPv6 literal (which verifies against IP SANs, without SNI).
  static func isIPAddress(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  // MARK: Ciphertext in and out

  /// Hands ciphertext from the socket to OpenSSL (one copy, straight from the buffer).
  func feed(_ buffer: ByteBuffer) {
    buffer.withUnsafeReadableBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let chunk = Int32(min(bytes.count - offset, Int(Int32.max)))
        let written = BIO_write(self.networkInput, bytes.baseAddress! + offset, chunk)
        precondition(written > 0, "a memory BIO write failed: out of memory")
        offset += Int(written)
      }
    }
  }

  /// Whether ciphertext for the peer is waiting.
  var hasOutput: Bool { cslip_BIO_ctrl_pending(self.networkOutput) > 0 }

  /// Takes all ciphertext waiting for the peer, in one buffer.
  /// - Returns: nil if there is none.
  func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
    let pending = Int(cslip_BIO_ctrl_pending(self.networkOutput))
    guard pending > 0 else { return nil }
    var buffer = allocator.buffer(capacity: pending)
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
      Int(max(0, BIO_read(self.networkOutput, bytes.baseAddress, Int32(pending))))
    }
    return buffer
  }

  // MARK: Handshake, data, shutdown

  /// Advances the handshake with whatever ciphertext has been fed.
  func handshake() -> Step {
    ERR_clear_error()
    let result = SSL_do_handshake(self.ssl)
    if result == 1 { return .complete }
    switch SSL_get_error(self.ssl, result) {
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
      return .incomplete
    default:
      return .failed(self.failure("during the handshake"))
    }
  }

  /// Decrypts everything available into `buffer`.
  func read(into buffer: inout ByteBuffer) -> ReadResult {
    // SSL_get_error is only reliable on an empty error queue.
    ERR_clear_error()
    while true {
      var result: Int32 = 0
      buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maximumRecordSize) { bytes in
        result = SSL_read(self.ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        return result > 0 ? Int(result) : 0
      }
      if result > 0 { continue }
      switch SSL_get_error(self.ssl, result) {
      case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
        return .needMoreData
      case SSL_ERROR_ZERO_RETURN:
        return .closeNotify
      default:
        return .failed(self.failure("reading application data"))
      }
    }
  }

  /// Encrypts all of `buffer` (OpenSSL splits it into records).
  func write(_ buffer: ByteBuffer) -> WriteResult {
    guard buffer.readableBytes > 0 else { return .complete }
    precondition(buffer.readableBytes <= Int(Int32.max), "a single TLS write is limited to 2 GiB")
    ERR_clear_error()
    let result = buffer.withUnsafeReadableBytes { bytes in
      SSL_write(self.ssl, bytes.baseAddress, Int32(bytes.count))
    }
    if result > 0 { return .complete }
    switch SSL_get_error(self.ssl, result) {
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
      return .needsRead
    default:
      return .failed(self.failure("writing application data"))
    }
  }

  /// Sends close_notify (once) and reports whether the peer's close_notify has arrived.
  func shutdown() -> Step {
    ERR_clear_error()
    let result = SSL_shutdown(self.ssl)
    if result == 1 { return .complete }
    if result == 0 { return .incomplete }
    switch SSL_get_error(self.ssl, result) {
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
      return .incomplete
    default:
      return .failed(self.failure("shutting down"))
    }
  }

  // MARK: Negotiated parameters

  /// The ALPN protocol both sides agreed on.
  var negotiatedProtocol: String? {
    var name: UnsafePointer<UInt8>? = nil
    var length: UInt32 = 0
    SSL_get0_alpn_selected(self.ssl, &name, &length)
    guard let name, length > 0 else { return nil }
    return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
  }

  /// E.g. "TLSv1.3".
  var protocolVersion: String { String(cString: SSL_get_version(self.ssl)) }

  /// E.g. "TLS_AES_256_GCM_SHA384".
  var cipher: String {
    guard let cipher = SSL_get_current_cipher(self.ssl) else { return "" }
    return String(cString: SSL_CIPHER_get_name(cipher))
  }

  /// The identity in the peer's certificate, if it sent one.
  func peerIdentity() -> TLSPeerIdentity? {
    guard let certificate = SSL_get1_peer_certificate(self.ssl) else { return nil }
    defer { X509_free(certificate) }
    return TLSPeerIdentity(certificate: certificate)
  }

  // MARK: Errors

  /// Drains the error queue and classifies the failure of the last call.
  private func failure(_ doing: String) -> TLSError {
    let entries = OpenSSLErrorQueue.drain()
    let texts = entries.map(\.text)
    let verifyResult = SSL_get_verify_result(self.ssl)
    if verifyResult != X509_V_OK {
      let reason = String(cString: X509_verify_cert_error_string(verifyResult))
      return TLSError(.certificateVerificationFailed(reason: reason), context: doing, openSSLErrors: texts)
    }
    let kind = entries.lazy.compactMap { Self.kind(ofReason: cslip_ERR_GET_REASON($0.code)) }.first
    return TLSError(kind ?? .handshakeFailed, context: doing, openSSLErrors: texts)
  }

  /// A TLS alert's name; OpenSSL 3.0 calls the TLS 1.3 alerts "unknown".
  private static func alertName(_ alert: Int32) -> String {
    switch alert {
    case 109: "missing extension"
    case 115: "unknown PSK identity"
    case 116: "certificate required"
    case 120: "no application protocol"
    default: String(cString: SSL_alert_desc_string_long(alert))
    }
  }

  /// Maps OpenSSL SSL-library reason codes we can name.
  private static func kind(ofReason reason: Int32) -> TLSError.Kind? {
    switch reason {
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
      return .peerCertificateMissing
    case SSL_R_NO_APPLICATION_PROTOCOL, SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
      return .noApplicationProtocol
    case SSL_R_WRONG_VERSION_NUMBER, SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST, SSL_R_PACKET_LENGTH_TOO_LONG:
      return .notTLS
    case SSL_AD_REASON_OFFSET...(SSL_AD_REASON_OFFSET + 255):
      return .peerRejected(alert: alertName(reason - SSL_AD_REASON_OFFSET))
    default:
      return nil
    }
  }
}

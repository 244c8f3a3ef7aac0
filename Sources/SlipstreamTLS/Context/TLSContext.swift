import COpenSSL

/// The shared, immutable OpenSSL state for many connections: owns one `SSL_CTX*`.
///
/// Sendable: the `SSL_CTX*` is fully configured in `init` and never mutated afterwards;
/// OpenSSL documents `SSL_new` on a configured context as safe from many threads (it only
/// takes a reference). The ALPN preferences object is immutable too. So sharing one context
/// across event loops is safe, which is why `@unchecked` is sound here.
public final class TLSContext: @unchecked Sendable {
  /// The configuration this context was built from.
  public let configuration: TLSConfiguration
  /// The handshake side this context serves.
  public let role: TLSRole
  /// The owned `SSL_CTX*`; freed in `deinit`.
  let sslContext: OpaquePointer
  /// Server ALPN preferences, kept alive for the C select callback that points at it.
  private let alpnPreferences: ALPNPreferences

  /// Creates a context: loads certificates and keys and applies versions, ALPN and verification.
  /// - Parameters:
  ///   - configuration: what to load and enforce.
  ///   - role: whether connections made from this context are servers or clients.
  /// - Throws: ``TLSError`` with kind `.invalidCertificate`, `.invalidPrivateKey`,
  ///   `.keyMismatch`, `.invalidConfiguration` or `.internalError`.
  public init(configuration: TLSConfiguration, role: TLSRole) throws(TLSError) {
    ERR_clear_error()
    let method = role == .server ? TLS_server_method() : TLS_client_method()
    guard let context = SSL_CTX_new(method) else {
      throw OpenSSLErrorQueue.error(.internalError, "creating an SSL_CTX")
    }
    let preferences = ALPNPreferences(
      protocols: configuration.applicationProtocols,
      required: configuration.requireALPN
    )
    do {
      try Self.apply(configuration, role: role, preferences: preferences, to: context)
    } catch {
      SSL_CTX_free(context)
      throw error
    }
    self.configuration = configuration
    self.role = role
    self.sslContext = context
    self.alpnPreferences = preferences
  }

  deinit {
    SSL_CTX_free(self.sslContext)
  }

  private static func apply(
    _ configuration: TLSConfiguration,
    role: TLSRole,
    preferences: ALPNPreferences,
    to context: OpaquePointer
  ) throws(TLSError) {
    try applyVersions(configuration, to: context)
    SSL_CTX_set_options(context, cslip_SSL_OP_NO_RENEGOTIATION())
    try loadIdentity(configuration, role: role, into: context)
    try loadTrust(configuration, role: role, into: context)
    try applyALPN(preferences, role: role, to: context)
    if role == .server {
      // Our clients never resume sessions: tickets and a session cache would only cost
      // bytes, CPU and memory.
      SSL_CTX_set_num_tickets(context, 0)
      SSL_CTX_ctrl(context, SSL_CTRL_SET_SESS_CACHE_MODE, Int(SSL_SESS_CACHE_OFF), nil)
    }
  }

  private static func applyVersions(_ configuration: TLSConfiguration, to context: OpaquePointer) throws(TLSError) {
    guard cslip_SSL_CTX_set_min_proto_version(context, configuration.minimumVersion.openSSLValue) == 1 else {
      throw OpenSSLErrorQueue.error(.internalError, "setting the minimum TLS version")
    }
    if let maximum = configuration.maximumVersion {
      guard maximum >= configuration.minimumVersion else {
        throw TLSError(.invalidConfiguration, context: "maximumVersion is below minimumVersion")
      }
      guard cslip_SSL_CTX_set_max_proto_version(context, maximum.openSSLValue) == 1 else {
        throw OpenSSLErrorQueue.error(.internalError, "setting the maximum TLS version")
      }
    }
  }

  private static func loadIdentity(
    _ configuration: TLSConfiguration,
    role: TLSRole,
    into context: OpaquePointer
  ) throws(TLSError) {
    switch (configuration.certificateChain, configuration.privateKey) {
    case (nil, nil):
      if role == .server {
        throw TLSError(.invalidConfiguration, context: "a server needs a certificate chain and a private key")
      }
    case (.some, nil), (nil, .some):
      throw TLSError(.invalidConfiguration, context: "a certificate and its private key must be given together")
    case (.some(let chain), .some(let key)):
      try chain.withCertificates { (certificates) throws(TLSError) in
        guard SSL_CTX_use_certificate(context, certificates[0]) == 1 else {
          throw OpenSSLErrorQueue.error(.invalidCertificate, "using the leaf certificate from \(chain.origin)")
        }
        for intermediate in certificates.dropFirst() {
          guard cslip_SSL_CTX_add1_chain_cert(context, intermediate) == 1 else {
            throw OpenSSLErrorQueue.error(.invalidCertificate, "adding a chain certificate from \(chain.origin)")
          }
        }
      }
      try key.withPrivateKey { (privateKey) throws(TLSError) in
        guard SSL_CTX_use_PrivateKey(context, privateKey) == 1 else {
          throw OpenSSLErrorQueue.error(.keyMismatch, "using the private key from \(key.origin)")
        }
      }
      guard SSL_CTX_check_private_key(context) == 1 else {
        throw OpenSSLErrorQueue.error(.keyMismatch, "the key from \(key.origin) does not match \(chain.origin)")
      }
    }
  }

  private static func loadTrust(
    _ configuration: TLSConfiguration,
    role: TLSRole,
    into context: OpaquePointer
  ) throws(TLSError) {
    if let roots = configuration.trustRoots {
      try roots.withCertificates { (certificates) throws(TLSError) in
        let store = SSL_CTX_get_cert_store(context)
        for certificate in certificates where X509_STORE_add_cert(store, certificate) != 1 {
          throw OpenSSLErrorQueue.error(.invalidCertificate, "adding a trust root from \(roots.origin)")
        }
      }
    }
    var mode: Int32 = SSL_VERIFY_NONE
    switch (role, configuration.verification, configuration.trustRoots) {
    case (_, .none, _):
      mode = SSL_VERIFY_NONE
    case (.server, _, nil):
      mode = SSL_VERIFY_NONE
    case (.server, _, .some):
      mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
    case (.client, _, nil):
      throw TLSError(.invalidConfiguration, context: "a verifying client needs trust roots")
    case (.client, _, .some):
      mode = SSL_VERIFY_PEER
    }
    SSL_CTX_set_verify(context, mode, nil)
  }

  private static func applyALPN(
    _ preferences: ALPNPreferences,
    role: TLSRole,
    to context: OpaquePointer
  ) throws(TLSError) {
    guard !preferences.protocols.isEmpty else { return }
    for name in preferences.protocols where name.utf8.isEmpty || name.utf8.count > 255 {
      throw TLSError(.invalidConfiguration, context: "ALPN protocol names must be 1 to 255 bytes: \"\(name)\"")
    }
    switch role {
    case .client:
      let wire = preferences.wireFormat
      // Returns 0 on success (unlike most OpenSSL calls).
      guard SSL_CTX_set_alpn_protos(context, wire, UInt32(wire.count)) == 0 else {
        throw OpenSSLErrorQueue.error(.invalidConfiguration, "setting ALPN protocols \(preferences.protocols)")
      }
    case .server:
      if preferences.required {
        // A client that offers no ALPN at all never reaches the select callback: refuse it
        // at ClientHello with a no_application_protocol alert instead of after the handshake.
        SSL_CTX_set_client_hello_cb(context, { ssl, alert, _ in
          var extensionData: UnsafePointer<UInt8>? = nil
          var length = 0
          let alpnExtension = UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation)
          guard SSL_client_hello_get0_ext(ssl, alpnExtension, &extensionData, &length) == 1 else {
            alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
            cslip_ERR_raise_no_application_protocol()
            return SSL_CLIENT_HELLO_ERROR
          }
          return SSL_CLIENT_HELLO_SUCCESS
        }, nil)
      }
      let argument = Unmanaged.passUnretained(preferences).toOpaque()
      SSL_CTX_set_alpn_select_cb(context, { _, out, outLength, input, inputLength, argument in
        guard let argument, let out, let outLength, let input else { return SSL_TLSEXT_ERR_NOACK }
        let preferences = Unmanaged<ALPNPreferences>.fromOpaque(argument).takeUnretainedValue()
        let offered = UnsafeBufferPointer(start: input, count: Int(inputLength))
        guard let (offset, length) = preferences.select(from: offered) else {
          return preferences.required ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_NOACK
        }
        out.pointee = input + offset
        outLength.pointee = length
        return SSL_TLSEXT_ERR_OK
      }, argument)
    }
  }
}

extension TLSConfiguration.Version {
  var openSSLValue: Int32 {
    switch self {
    case .tls12: TLS1_2_VERSION
    case .tls13: TLS1_3_VERSION
    }
  }
}

/// A server's ALPN protocols in preference order, read by the C select callback.
final class ALPNPreferences: Sendable {
  let protocols: [String]
  let required: Bool

  init(protocols: [String], required: Bool) {
    self.protocols = protocols
    self.required = required
  }

  /// The ALPN wire format: each name prefixed by its length.
  var wireFormat: [UInt8] {
    self.protocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
  }

  /// Picks our most preferred protocol that the client offered.
  /// - Parameter offered: the client's list in ALPN wire format.
  /// - Returns: the offset and length of the chosen name inside `offered`, or nil.
  func select(from offered: UnsafeBufferPointer<UInt8>) -> (offset: Int, length: UInt8)? {
    for name in self.protocols {
      var index = 0
      while index < offered.count {
        let length = Int(offered[index])
        let start = index + 1
        guard start + length <= offered.count else { return nil }
        if offered[start..<start + length].elementsEqual(name.utf8) {
          return (start, UInt8(length))
        }
        index = start + length
      }
    }
    return nil
  }
}

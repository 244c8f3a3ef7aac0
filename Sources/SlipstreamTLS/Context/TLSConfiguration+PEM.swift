import COpenSSL

extension TLSConfiguration.PEMSource {
  /// Where the PEM comes from, for error messages.
  var origin: String {
    switch self {
    case .file(let path): "file \(path)"
    case .pem: "in-memory PEM"
    }
  }

  /// Runs `body` with a read BIO over the PEM data, freed afterwards.
  /// - Throws: `kind` if the file cannot be opened.
  func withBIO<T>(
    failing kind: TLSError.Kind,
    _ body: (OpaquePointer) throws(TLSError) -> T
  ) throws(TLSError) -> T {
    switch self {
    case .file(let path):
      guard let bio = BIO_new_file(path, "r") else {
        throw OpenSSLErrorQueue.error(kind, "opening \(self.origin)")
      }
      defer { BIO_free(bio) }
      return try body(bio)
    case .pem(let text):
      let bytes = Array(text.utf8)
      let result = bytes.withUnsafeBytes { raw in
        Result { () throws(TLSError) -> T in
          // A read-only BIO over our bytes: no copy.
          guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
            throw OpenSSLErrorQueue.error(.internalError, "allocating a memory BIO")
          }
          defer { BIO_free(bio) }
          return try body(bio)
        }
      }
      return try result.get()
    }
  }

  /// Runs `body` with every certificate in the PEM (at least one), freed afterwards.
  /// - Throws: ``TLSError/Kind/invalidCertificate`` if there is none or one is malformed.
  func withCertificates<T>(
    _ body: ([OpaquePointer]) throws(TLSError) -> T
  ) throws(TLSError) -> T {
    try self.withBIO(failing: .invalidCertificate) { (bio) throws(TLSError) -> T in
      var certificates: [OpaquePointer] = []
      defer { certificates.forEach { X509_free($0) } }
      while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
        certificates.append(certificate)
      }
      // Reading stops with "no start line" at the end of the data; anything else is damage.
      let errors = OpenSSLErrorQueue.drain()
      let endOfData = errors.count == 1 && cslip_ERR_GET_REASON(errors[0].code) == PEM_R_NO_START_LINE
      guard !certificates.isEmpty, errors.isEmpty || endOfData else {
        throw TLSError(
          .invalidCertificate,
          context: "reading certificates from \(self.origin)",
          openSSLErrors: errors.map(\.text)
        )
      }
      return try body(certificates)
    }
  }

  /// Runs `body` with the private key in the PEM, freed afterwards.
  /// - Throws: ``TLSError/Kind/invalidPrivateKey`` if there is no readable key.
  func withPrivateKey<T>(_ body: (OpaquePointer) throws(TLSError) -> T) throws(TLSError) -> T {
    try self.withBIO(failing: .invalidPrivateKey) { (bio) throws(TLSError) -> T in
      // A password callback that gives none: OpenSSL's default would prompt on the terminal
      // for an encrypted key and hang a server.
      guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else {
        throw OpenSSLErrorQueue.error(
          .invalidPrivateKey,
          "reading a private key from \(self.origin) (encrypted keys are not supported)"
        )
      }
      defer { EVP_PKEY_free(key) }
      return try body(key)
    }
  }
}

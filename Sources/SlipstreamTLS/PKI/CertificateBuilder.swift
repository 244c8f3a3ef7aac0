import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds X.509 certificates with OpenSSL. Every C object is freed by `defer` in the function
/// that creates it.
enum CertificateBuilder {
  enum Profile {
    case authority
    case leaf(DevelopmentPKI.Usage)
  }

  /// Makes a key pair and a certificate for it.
  /// - Parameters:
  ///   - issuer: the issuing certificate and key (borrowed); nil for self-signed.
  static func make(
    commonName: String,
    profile: Profile,
    alternativeNames: [String],
    validity: (notBefore: Int, notAfter: Int),
    issuer: (certificate: OpaquePointer, key: OpaquePointer)?
  ) throws(TLSError) -> DevelopmentPKI.IssuedCertificate {
    ERR_clear_error()
    guard let key = cslip_EVP_EC_gen_P256() else {
      throw OpenSSLErrorQueue.error(.internalError, "generating an EC P-256 key")
    }
    defer { EVP_PKEY_free(key) }
    guard let certificate = X509_new() else {
      throw OpenSSLErrorQueue.error(.internalError, "allocating a certificate")
    }
    defer { X509_free(certificate) }

    guard X509_set_version(certificate, 2) == 1,
      ASN1_INTEGER_set_int64(X509_get_serialNumber(certificate), Int64.random(in: 1...Int64.max)) == 1,
      X509_gmtime_adj(X509_getm_notBefore(certificate), validity.notBefore) != nil,
      X509_gmtime_adj(X509_getm_notAfter(certificate), validity.notAfter) != nil,
      X509_set_pubkey(certificate, key) == 1
    else {
      throw OpenSSLErrorQueue.error(.internalError, "filling in the certificate")
    }
    let subject = X509_get_subject_name(certificate)
    guard X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, "Slipstream Development", -1, -1, 0) == 1,
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1
    else {
      throw OpenSSLErrorQueue.error(.invalidConfiguration, "setting the subject CN=\(commonName)")
    }
    let issuerName = issuer.map { X509_get_subject_name($0.certificate) } ?? subject
    guard X509_set_issuer_name(certificate, issuerName) == 1 else {
      throw OpenSSLErrorQueue.error(.internalError, "setting the issuer name")
    }
    try addExtensions(
      to: certificate,
      issuer: issuer?.certificate ?? certificate,
      profile: profile,
      alternativeNames: alternativeNames
    )
    guard X509_sign(certificate, issuer?.key ?? key, EVP_sha256()) > 0 else {
      throw OpenSSLErrorQueue.error(.internalError, "signing the certificate")
    }
    return DevelopmentPKI.IssuedCertificate(
      certificatePEM: try pem { PEM_write_bio_X509($0, certificate) },
      privateKeyPEM: try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
    )
  }

  private static func addExtensions(
    to certificate: OpaquePointer,
    issuer: OpaquePointer,
    profile: Profile,
    alternativeNames: [String]
  ) throws(TLSError) {
    var extensions: [(Int32, String)]
    switch profile {
    case .authority:
      extensions = [
        (NID_basic_constraints, "critical,CA:TRUE"),
        (NID_key_usage, "critical,keyCertSign,cRLSign"),
        (NID_subject_key_identifier, "hash"),
      ]
    case .leaf(let usage):
      let extended =
        switch usage {
        case .server: "serverAuth"
        case .client: "clientAuth"
        case .both: "serverAuth,clientAuth"
        }
      extensions = [
        (NID_basic_constraints, "critical,CA:FALSE"),
        (NID_key_usage, "critical,digitalSignature"),
        (NID_ext_key_usage, extended),
        (NID_subject_key_identifier, "hash"),
        (NID_authority_key_identifier, "keyid:always"),
      ]
      if !alternativeNames.isEmpty {
        extensions.append((NID_subject_alt_name, alternativeNames.joined(separator: ",")))
      }
    }
    var context = X509V3_CTX()
    X509V3_set_ctx(&context, issuer, certificate, nil, nil, 0)
    for (nid, value) in extensions {
      guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
        throw OpenSSLErrorQueue.error(.invalidConfiguration, "making the extension \(value)")
      }
      defer { X509_EXTENSION_free(ext) }
      guard X509_add_ext(certificate, ext, -1) == 1 else {
        throw OpenSSLErrorQueue.error(.internalError, "adding the extension \(value)")
      }
    }
  }

  /// Runs a PEM writer on a memory BIO and returns the text.
  private static func pem(_ write: (OpaquePointer) -> Int32) throws(TLSError) -> String {
    guard let bio = BIO_new(BIO_s_mem()) else {
      throw OpenSSLErrorQueue.error(.internalError, "allocating a memory BIO")
    }
    defer { BIO_free(bio) }
    guard write(bio) == 1 else {
      throw OpenSSLErrorQueue.error(.internalError, "writing PEM")
    }
    var data: UnsafeMutablePointer<CChar>? = nil
    let length = cslip_BIO_get_mem_data(bio, &data)
    guard let data, length > 0 else { throw TLSError(.internalError, context: "empty PEM output") }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
  }
}

/// Writes PEM text to files through OpenSSL's file BIO.
enum PEMFiles {
  static func write(_ text: String, to path: String, privateFile: Bool) throws(TLSError) {
    guard let bio = BIO_new_file(path, "w") else {
      throw OpenSSLErrorQueue.error(.internalError, "creating \(path)")
    }
    defer { BIO_free(bio) }
    if privateFile { chmod(path, 0o600) }
    let bytes = Array(text.utf8)
    guard BIO_write(bio, bytes, Int32(bytes.count)) == Int32(bytes.count), BIO_ctrl(bio, BIO_CTRL_FLUSH, 0, nil) == 1 else {
      throw OpenSSLErrorQueue.error(.internalError, "writing \(path)")
    }
  }
}

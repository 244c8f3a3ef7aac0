import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TLSPeerIdentity {
  /// Reads an identity from a certificate (borrowed, not freed here).
  init(certificate: OpaquePointer) {
    self.init(
      subject: Self.rfc2253(X509_get_subject_name(certificate)),
      commonName: Self.commonName(X509_get_subject_name(certificate)),
      subjectAlternativeNames: Self.alternativeNames(certificate),
      issuer: Self.rfc2253(X509_get_issuer_name(certificate)),
      notBefore: Self.seconds(X509_get0_notBefore(certificate)),
      notAfter: Self.seconds(X509_get0_notAfter(certificate)),
      sha256Fingerprint: Self.fingerprint(certificate)
    )
  }

  private static func rfc2253(_ name: OpaquePointer?) -> String {
    guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
    defer { BIO_free(bio) }
    guard cslip_X509_NAME_print_rfc2253(bio, name) >= 0 else {
      _ = OpenSSLErrorQueue.drain()
      return ""
    }
    var data: UnsafeMutablePointer<CChar>? = nil
    let length = cslip_BIO_get_mem_data(bio, &data)
    guard let data, length > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
  }

  private static func commonName(_ name: OpaquePointer?) -> String? {
    guard let name else { return nil }
    let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
    guard index >= 0, let entry = X509_NAME_get_entry(name, index) else { return nil }
    return utf8(X509_NAME_ENTRY_get_data(entry))
  }

  private static func utf8(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
    guard let string else { return nil }
    var output: UnsafeMutablePointer<UInt8>? = nil
    let length = ASN1_STRING_to_UTF8(&output, string)
    guard length >= 0, let output else {
      _ = OpenSSLErrorQueue.drain()
      return nil
    }
    defer { cslip_OPENSSL_free(output) }
    return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
  }

  private static func alternativeNames(_ certificate: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
    let names = OpaquePointer(raw)
    defer { cslip_GENERAL_NAMES_free(names) }
    var result: [String] = []
    for index in 0..<cslip_sk_GENERAL_NAME_num(names) {
      guard let name = cslip_sk_GENERAL_NAME_value(names, index) else { continue }
      var type: Int32 = 0
      guard let value = GENERAL_NAME_get0_value(name, &type) else { continue }
      let string = value.assumingMemoryBound(to: ASN1_STRING.self)
      let bytes = UnsafeBufferPointer(start: ASN1_STRING_get0_data(string), count: Int(ASN1_STRING_length(string)))
      switch type {
      case GEN_DNS: result.append("DNS:" + String(decoding: bytes, as: UTF8.self))
      case GEN_URI: result.append("URI:" + String(decoding: bytes, as: UTF8.self))
      case GEN_EMAIL: result.append("email:" + String(decoding: bytes, as: UTF8.self))
      case GEN_IPADD: result.append("IP:" + ipString(bytes))
      default: continue
      }
    }
    return result
  }

  private static func ipString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let family = bytes.count == 4 ? AF_INET : AF_INET6
    guard bytes.count == 4 || bytes.count == 16 else { return "?" }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    guard inet_ntop(family, bytes.baseAddress, &text, socklen_t(text.count)) != nil else { return "?" }
    return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  private static func seconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
    guard let time else { return 0 }
    var parts = tm()
    guard ASN1_TIME_to_tm(time, &parts) == 1 else {
      _ = OpenSSLErrorQueue.drain()
      return 0
    }
    return Int64(timegm(&parts))
  }

  private static func fingerprint(_ certificate: OpaquePointer) -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
      _ = OpenSSLErrorQueue.drain()
      return ""
    }
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(Int(length) * 2)
    for byte in digest.prefix(Int(length)) {
      text.append(hex[Int(byte >> 4)])
      text.append(hex[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}

import Foundation
import SlipstreamTLS

/// Development certificates under `<state-dir>/dev-pki/`, made on first run and reused:
/// a CA (`ca.crt`, `ca.key`), a certificate per service (`<service>.crt`, `<service>.key`;
/// server and client use, SANs localhost, 127.0.0.1, ::1 and the listen host) and a client
/// certificate for local tools (`client.crt`, `client.key`). Every service sharing a state
/// directory shares the CA, so services trust each other. Keys are mode 0600.
public struct DevelopmentCertificates: Sendable, Hashable {
  /// The directory holding the files.
  public let directory: String
  /// The CA certificate: trust root for servers and clients.
  public let caCertificate: String
  /// The service's certificate and key.
  public let serviceCertificate: String
  public let serviceKey: String
  /// The client certificate and key for local tools.
  public let clientCertificate: String
  public let clientKey: String
  /// The files made by this call (empty when everything was reused).
  public let created: [String]

  /// Loads the certificates in `directory`, making whatever is missing.
  ///
  /// The service certificate is issued again when the names it must cover change (a new
  /// listen host), and everything is issued again when the CA is new. Concurrent starts of
  /// several services on one state directory are serialised by a lock file.
  ///
  /// - Parameters:
  ///   - directory: Usually `<state-dir>/dev-pki`; made if missing (mode 0700).
  ///   - service: The service's name: the certificate's common name and file stem.
  ///   - host: The listen host, added to the certificate's names unless it is a wildcard.
  /// - Throws: ``ConfigurationError`` when the directory or files cannot be made or read.
  public static func loadOrCreate(
    in directory: String,
    service: String,
    host: String
  ) throws(ConfigurationError) -> DevelopmentCertificates {
    do {
      try FileManager.default.createDirectory(
        atPath: directory,
        withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700]
      )
    } catch {
      throw ConfigurationError("development certificates: cannot create \(directory): \(whyNotCreated(directory, error))")
    }
    let lock = try FileLock(path: directory + "/.lock")
    defer { lock.unlock() }

    var created: [String] = []
    func path(_ name: String) -> String { directory + "/" + name }
    func exists(_ names: String...) -> Bool { names.allSatisfy { FileManager.default.fileExists(atPath: path($0)) } }
    func write(_ issued: DevelopmentPKI.IssuedCertificate, as name: String) throws(ConfigurationError) {
      do {
        let (certificate, key) = try issued.writeFiles(to: directory, name: name)
        created += [certificate, key]
      } catch {
        throw ConfigurationError("development certificates: cannot write \(path(name)).crt: \(error)")
      }
    }

    let names = subjectAlternativeNames(host: host)
    let namesFile = path("\(service).names")
    let ca: DevelopmentPKI.CertificateAuthority
    do {
      if exists("ca.crt", "ca.key") {
        ca = DevelopmentPKI.CertificateAuthority(
          certificatePEM: try String(contentsOfFile: path("ca.crt"), encoding: .utf8),
          privateKeyPEM: try String(contentsOfFile: path("ca.key"), encoding: .utf8)
        )
      } else {
        ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "Slipstream Development CA")
        try write(DevelopmentPKI.IssuedCertificate(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM), as: "ca")
        // Certificates from an earlier CA are useless now.
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where !stale.hasPrefix("ca.") && stale != ".lock" {
          try? FileManager.default.removeItem(atPath: path(stale))
        }
      }
      let recordedNames = try? String(contentsOfFile: namesFile, encoding: .utf8)
      if !exists("\(service).crt", "\(service).key") || recordedNames != names.recorded {
        try write(
          ca.issue(commonName: service, dnsNames: names.dns, ipAddresses: names.ip, notAfter: 5 * 365 * 86_400, usage: .both),
          as: service
        )
        try names.recorded.write(toFile: namesFile, atomically: true, encoding: .utf8)
      }
      if !exists("client.crt", "client.key") {
        try write(ca.issue(commonName: "slipstream-dev-client", notAfter: 5 * 365 * 86_400, usage: .client), as: "client")
      }
    } catch let error as ConfigurationError {
      throw error
    } catch {
      throw ConfigurationError("development certificates in \(directory): \(reason(error))")
    }
    return DevelopmentCertificates(
      directory: directory,
      caCertificate: path("ca.crt"),
      serviceCertificate: path("\(service).crt"),
      serviceKey: path("\(service).key"),
      clientCertificate: path("client.crt"),
      clientKey: path("client.key"),
      created: created
    )
  }

  /// DNS and IP names for a service listening on `host`.
  static func subjectAlternativeNames(host: String) -> (dns: [String], ip: [String], recorded: String) {
    var dns = ["localhost"]
    var ip = ["127.0.0.1", "::1"]
    let wildcard = host == "0.0.0.0" || host == "::" || host.isEmpty
    if !wildcard {
      if isIPAddress(host) {
        if !ip.contains(host) { ip.append(host) }
      } else if !dns.contains(host) {
        dns.append(host)
      }
    }
    return (dns, ip, (dns.map { "DNS:" + $0 } + ip.map { "IP:" + $0 }).joined(separator: "\n") + "\n")
  }

  private static func isIPAddress(_ text: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
  }
}

/// Why a directory could not be made: the nearest existing ancestor is a file, or not
/// writable (Foundation's own messages here are error numbers).
private func whyNotCreated(_ directory: String, _ error: any Error) -> String {
  var ancestor = (directory as NSString).deletingLastPathComponent
  while !ancestor.isEmpty, ancestor != "/", !FileManager.default.fileExists(atPath: ancestor) {
    ancestor = (ancestor as NSString).deletingLastPathComponent
  }
  var isDirectory: ObjCBool = false
  if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), !isDirectory.boolValue {
    return "\(ancestor) is not a directory"
  }
  if !FileManager.default.isWritableFile(atPath: ancestor.isEmpty ? "." : ancestor) {
    return "permission denied in \(ancestor)"
  }
  return reason(error)
}

/// The reason part of a Foundation file error ("No such file or directory").
func reason(_ error: any Error) -> String {
  let error = error as NSError
  if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
    return underlying.localizedDescription
  }
  return error.localizedFailureReason ?? error.localizedDescription
}

/// An exclusive `flock` on a file, held until ``unlock()``.
private struct FileLock {
  private let descriptor: Int32

  init(path: String) throws(ConfigurationError) {
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw ConfigurationError("development certificates: cannot open \(path): \(String(cString: strerror(errno)))")
    }
    // Blocks only while another service on this state directory is making certificates.
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        let message = String(cString: strerror(errno))
        close(descriptor)
        throw ConfigurationError("development certificates: cannot lock \(path): \(message)")
      }
    }
    self.descriptor = descriptor
  }

  func unlock() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

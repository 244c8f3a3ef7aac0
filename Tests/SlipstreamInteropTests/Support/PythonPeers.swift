import Dispatch
import Foundation
import SlipstreamTLS

/// The Python interop peers in `Tests/SlipstreamInteropTests/python/` and the interpreter
/// that runs them.
enum PythonPeers {
  /// `Tests/SlipstreamInteropTests/python/`.
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("python")
  static let server = directory.appendingPathComponent("interop_server.py").path
  static let client = directory.appendingPathComponent("interop_client.py").path

  /// python3 with grpcio and grpcio-tools importable.
  /// - Throws: ``PeerProcessError`` saying what to install when python3 or the packages are missing.
  static func interpreter() async throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    let candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
    guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
      throw PeerProcessError(description: "python3 is not on PATH; the interop tests need it with grpcio: pip install -r Tests/requirements.txt")
    }
    let check = try PeerProcess(python, ["-c", "import grpc, grpc_tools"], name: "python3")
    defer { check.terminate() }
    guard try await check.exitStatus(within: .seconds(30)) == 0 else {
      throw PeerProcessError(
        description: "\(python.path) cannot import grpc and grpc_tools; install them: pip install -r Tests/requirements.txt\n\(check.transcript)"
      )
    }
    return python
  }
}

/// Certificates for loopback TLS from DevelopmentPKI, written to a fresh temporary directory.
struct LoopbackPKI {
  let directory: URL
  let caFile: String
  let certificateFile: String
  let privateKeyFile: String
  /// The name in the server certificate that clients check (`--server-host-override`).
  static let serverName = "interop.slipstream.test"

  /// Makes the certificates on a Dispatch thread: key generation is seconds of synchronous
  /// CPU work on a loaded machine and must not hold a thread of the shared cooperative pool
  /// (other suites' tasks run there).
  /// - Throws: `TLSError` or a file-system error.
  static func make() async throws -> LoopbackPKI {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async {
        continuation.resume(with: Result { try makeNow() })
      }
    }
  }

  private static func makeNow() throws -> LoopbackPKI {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-interop-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let authority = try DevelopmentPKI.CertificateAuthority.generate()
    let server = try authority.issue(
      commonName: serverName,
      dnsNames: [serverName, "localhost"],
      ipAddresses: ["127.0.0.1"],
      usage: .server
    )
    let ca = try authority.writeFiles(to: directory.path, name: "ca")
    let leaf = try server.writeFiles(to: directory.path, name: "server")
    return LoopbackPKI(directory: directory, caFile: ca.certificate, certificateFile: leaf.certificate, privateKeyFile: leaf.privateKey)
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }
}

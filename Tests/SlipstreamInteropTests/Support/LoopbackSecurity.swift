import SlipstreamTLS
import SlipstreamTransport

/// The two ways the cross-implementation tests connect.
enum LoopbackSecurity: String, CaseIterable, Sendable, CustomStringConvertible {
  case plaintext
  case tls

  var description: String { rawValue }

  func serverSecurity(_ pki: LoopbackPKI) -> ServerSecurity {
    switch self {
    case .plaintext: .plaintext
    case .tls: .tls(.server(certificateChain: .file(pki.certificateFile), privateKey: .file(pki.privateKeyFile)))
    }
  }

  func clientSecurity(_ pki: LoopbackPKI) -> ClientSecurity {
    switch self {
    case .plaintext: .plaintext
    case .tls: .tls(.client(trustRoots: .file(pki.caFile)), serverHostname: LoopbackPKI.serverName)
    }
  }
}

/// The `PASS <case>` / `FAIL <case>: <reason>` lines an interop client printed.
struct InteropClientReport {
  private var lines: [String: String] = [:]

  init(transcript: String) {
    for line in transcript.split(separator: "\n").map(String.init) {
      for prefix in ["PASS ", "FAIL "] where line.hasPrefix(prefix) {
        let name = line.dropFirst(prefix.count).prefix { $0 != ":" }
        lines[String(name)] = line
      }
    }
  }

  /// Whether `testCase` printed PASS.
  func passed(_ testCase: String) -> Bool { lines[testCase]?.hasPrefix("PASS ") == true }

  /// The line printed for `testCase`, if any.
  func line(for testCase: String) -> String { lines[testCase] ?? "no result line for \(testCase)" }
}

import Foundation

/// Runs the hostile HTTP/2 peer `python/attack.py` (python3 with `h2`'s hyperframe and hpack)
/// against a server on loopback and decodes the one-line JSON report it prints.
enum AttackPeer {
  /// What the attacker saw of the server.
  struct Report: Decodable, Sendable, CustomStringConvertible {
    /// Attack frames (or bytes) written before the server cut the peer off.
    var sent: Int
    /// Error code of the GOAWAY received, if any.
    var goaway: UInt32?
    /// Last-stream-id of that GOAWAY.
    var lastStream: UInt32?
    /// RST_STREAM codes received, by stream id.
    var resets: [String: UInt32]
    /// grpc-status of the follow-up call on the attacking connection, if the attack makes one.
    var grpcStatus: Int?
    /// grpc-status of every stream that ended with one, by stream id.
    var statuses: [String: Int]
    /// Milliseconds from the first request to each of those statuses, by stream id.
    var statusMilliseconds: [String: Int]
    /// The `x-hang` trailer (what the test service's Hang handler sets) sent with a status,
    /// by stream id.
    var hangTrailers: [String: String]
    /// The server closed the connection (EOF or reset) before the script's own 20 s deadline.
    var closed: Bool
    /// PING ACKs plus SETTINGS ACKs received.
    var acks: Int
    /// A write timed out: the server stopped reading without closing.
    var blocked: Bool
    /// How a TLS handshake attempt ended (`tls-to-plaintext` only).
    var handshake: String?

    enum CodingKeys: String, CodingKey {
      case sent, goaway, resets, closed, acks, blocked, handshake, statuses
      case lastStream = "last_stream"
      case grpcStatus = "grpc_status"
      case statusMilliseconds = "status_ms"
      case hangTrailers = "x_hang"
    }

    var description: String {
      "sent \(sent), GOAWAY \(goaway.map(String.init) ?? "none") last stream \(lastStream.map(String.init) ?? "-"), "
        + "resets \(resets), grpc-status \(grpcStatus.map(String.init) ?? "-"), statuses \(statuses) at \(statusMilliseconds) ms, closed \(closed), ACKs \(acks), blocked \(blocked), handshake \(handshake ?? "-")"
    }
  }

  /// HTTP/2 error codes the tests expect (RFC 9113 §7).
  enum ErrorCode {
    static let noError: UInt32 = 0x0
    static let protocolError: UInt32 = 0x1
    static let internalError: UInt32 = 0x2
    static let settingsTimeout: UInt32 = 0x4
    static let enhanceYourCalm: UInt32 = 0xb
  }

  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("python/attack.py").path

  /// Runs one attack mode of `attack.py` to completion.
  ///
  /// The process is awaited through its `terminationHandler`, so no thread of the cooperative
  /// pool blocks; `timeout` only guards against a script that hangs (it ends itself within ~20 s).
  /// - Parameters:
  ///   - mode: the attack (see `attack.py`).
  ///   - port: the server's loopback port.
  ///   - count: the attack's size (frames), where the mode takes one.
  /// - Throws: ``Failed`` when python3 is missing, the script fails or prints no report.
  static func run(_ mode: String, port: Int, count: Int = 0, timeout: Duration = .seconds(40)) async throws -> Report {
    guard let python = which("python3") else {
      throw Failed(description: "python3 is not on PATH; the hardening tests need it with h2 (pip install h2)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-attack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("stdout")
    let errURL = directory.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
      try? out.close()
      try? err.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, mode, "127.0.0.1", String(port), String(count)]
    process.standardOutput = out
    process.standardError = err
    let status: Int32 = try await withThrowingTaskGroup(of: Int32.self) { group in
      group.addTask {
        try await withCheckedThrowingContinuation { continuation in
          process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
          do { try process.run() } catch { continuation.resume(throwing: error) }
        }
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        process.terminate()
        throw Failed(description: "attack.py \(mode) did not finish within \(timeout)")
      }
      let status = try await group.next()!
      group.cancelAll()
      return status
    }
    let stdout = try Data(contentsOf: outURL)
    guard status == 0, let line = stdout.split(separator: UInt8(ascii: "\n")).last else {
      let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
      throw Failed(description: "attack.py \(mode) exited with \(status): \(stderr)")
    }
    return try JSONDecoder().decode(Report.self, from: Data(line))
  }

  private static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }
}

import Foundation
import SlipstreamTestSupport
import Synchronization

/// The Alpaca stand-in server (`python/alpaca_standin.py`) as a subprocess: it prints its port,
/// then obeys commands on stdin, each acknowledged by an `ok <command>` line.
final class StandIn: Sendable {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python/alpaca_standin.py").path

  /// Whether python3 with the `websockets` package is there (CI installs Tests/requirements.txt).
  static let available = ChildProcess.pythonCanImport("websockets.asyncio.server")

  let port: Int
  /// Whether it serves `wss://`.
  let secure: Bool
  private let process: Process
  private let stdin: FileHandle
  /// Stdout lines, read on a thread of its own (a blocking read must not hold one of the
  /// cooperative pool's threads).
  private let lines: Mailbox<String>

  private init(process: Process, stdin: FileHandle, lines: Mailbox<String>, port: Int, secure: Bool) {
    self.secure = secure
    self.process = process
    self.stdin = stdin
    self.lines = lines
    self.port = port
  }

  /// Starts the stand-in and waits for its port.
  /// - Parameters:
  ///   - keys: accepted `key → secret` pairs.
  ///   - symbolLimit: quote symbols a session may hold (Alpaca's free plan: 30).
  ///   - tls: certificate and key files: serve `wss://` instead of `ws://`.
  static func start(keys: [String: String], symbolLimit: Int = 30, tls: (certificate: String, privateKey: String)? = nil)
    async throws -> StandIn
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", script, "--symbol-limit", "\(symbolLimit)", "--lifetime", "60"]
      + keys.sorted(by: { $0.key < $1.key }).flatMap { ["--key", "\($0.key):\($0.value)"] }
      + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.privateKey] } ?? [])
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    try process.run()
    let lines = Mailbox<String>()
    readLines(from: output.fileHandleForReading, line: { lines.put($0) }, end: { lines.finish() })
    let first = try await withTimeout(seconds: 20, "the stand-in's port") { await lines.take() }
    guard let first, first.hasPrefix("PORT "), let port = Int(first.dropFirst(5)) else {
      process.terminate()
      throw Failure(description: "the stand-in did not print its port (got \(first ?? "end of output"))")
    }
    return StandIn(process: process, stdin: input.fileHandleForWriting, lines: lines, port: port, secure: tls != nil)
  }

  /// The stream URL of the stand-in's IEX feed.
  var url: String { secure ? "wss://localhost:\(port)/v2/iex" : "ws://127.0.0.1:\(port)/v2/iex" }

  /// Sends a command and waits for its acknowledgement; returns the lines printed before it.
  @discardableResult
  func command(_ line: String) async throws -> [String] {
    let name = String(line.prefix { $0 != " " })
    try stdin.write(contentsOf: Data((line + "\n").utf8))
    var printed: [String] = []
    while true {
      let next = try await withTimeout(seconds: 10, "the stand-in's answer to \(name)") { await self.lines.take() }
      guard let next else { throw Failure(description: "the stand-in exited during '\(name)'") }
      if next == "ok \(name)" { return printed }
      printed.append(next)
    }
  }

  /// Ends the stand-in: closing stdin makes it exit; terminate in case it does not.
  func stop() {
    try? stdin.close()
    if process.isRunning { process.terminate() }
  }

  deinit {
    stop()
  }
}

/// Runs `body`, failing after `seconds` (a guard against a hang, never a wait for an event).
func withTimeout<T: Sendable>(
  seconds: Int, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      throw StandIn.Failure(description: "timed out after \(seconds) s waiting for \(what)")
    }
    defer { group.cancelAll() }
    return try await group.next()!
  }
}

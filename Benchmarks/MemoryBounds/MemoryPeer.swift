import Foundation
import Synchronization

/// Runs the python peers of Tests/SlipstreamTransportTests/python/ against the server.
enum MemoryPeer {
  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  static let scripts = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/SlipstreamTransportTests/python")

  /// Opens `count` connections with `memory_peer.py MODE`, runs `body` while they are held,
  /// then closes them and waits for the script to exit.
  /// - Throws: ``Failed`` when the script fails or sets up fewer connections than asked.
  static func hold(
    _ mode: String,
    port: Int,
    count: Int,
    streams: Int = 0,
    tls: Bool,
    _ body: () async throws -> Void
  ) async throws {
    var arguments = [scripts.appendingPathComponent("memory_peer.py").path, mode, "127.0.0.1", String(port), String(count)]
    if mode != "idle" { arguments.append(String(streams)) }
    if tls { arguments.append("tls") }
    let peer = try Peer(arguments: arguments)
    let ready = await peer.firstLine()
    guard ready == "ready \(count)" else {
      peer.closeInput()
      _ = await peer.exitStatus()
      throw Failed(description: "memory_peer.py \(mode): \(ready ?? "no output"); stderr: \(peer.errorOutput)")
    }
    try await body()
    peer.closeInput()
    let status = await peer.exitStatus()
    guard status == 0 else { throw Failed(description: "memory_peer.py \(mode) exited with \(status)") }
  }

  /// Runs one `attack.py` mode and returns its JSON report line.
  static func attack(_ mode: String, port: Int, count: Int) async throws -> String {
    let peer = try Peer(arguments: [scripts.appendingPathComponent("attack.py").path, mode, "127.0.0.1", String(port), String(count)])
    peer.closeInput()
    let line = await peer.firstLine()
    let status = await peer.exitStatus()
    guard status == 0, let line else { throw Failed(description: "attack.py \(mode) exited with \(status): \(peer.errorOutput)") }
    return line
  }
}

/// A python3 child process whose stdout is read line by line without blocking a thread of
/// the cooperative pool. Used by one task at a time.
private final class Peer {
  private let process = Process()
  private let input = Pipe()
  private let errors: URL
  private var lines: AsyncStream<String>.Iterator
  private let exited: AsyncStream<Int32>

  init(arguments: [String]) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let output = Pipe()
    errors = FileManager.default.temporaryDirectory.appendingPathComponent("memory-peer-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    process.standardInput = input
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errors)
    let (lineStream, lineContinuation) = AsyncStream<String>.makeStream()
    lines = lineStream.makeAsyncIterator()
    let pending = PendingBytes()
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty {
        handle.readabilityHandler = nil
        lineContinuation.finish()
        return
      }
      for line in pending.append(data) { lineContinuation.yield(line) }
    }
    let (exitStream, exitContinuation) = AsyncStream<Int32>.makeStream()
    exited = exitStream
    process.terminationHandler = { exitContinuation.yield($0.terminationStatus); exitContinuation.finish() }
    try process.run()
  }

  var errorOutput: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

  func firstLine() async -> String? { await lines.next() }

  func closeInput() { try? input.fileHandleForWriting.close() }

  func exitStatus() async -> Int32 {
    for await status in exited { return status }
    return -1
  }
}

/// Bytes of a pipe not yet ending in a newline.
private final class PendingBytes: Sendable {
  private let data = Mutex(Data())

  /// Appends `chunk` and returns the lines it completed.
  func append(_ chunk: Data) -> [String] {
    data.withLock { data in
      data.append(chunk)
      var lines: [String] = []
      while let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
        lines.append(String(decoding: data[data.startIndex..<newline], as: UTF8.self))
        data.removeSubrange(data.startIndex...newline)
      }
      return lines
    }
  }
}

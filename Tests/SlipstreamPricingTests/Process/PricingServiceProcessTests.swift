import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import Synchronization
import Testing

/// The `pricing-service` executable, as an operator runs it: flags, the listening line,
/// development certificates with mutual TLS, health, quotes, SIGTERM.
@Suite("pricing-service executable", .timeLimit(.minutes(1)))
struct PricingServiceProcessTests {
  /// The executable, built next to the test bundle by `swift build --build-tests` / `swift test`.
  static let executable: String = {
    let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
    while directory.path != "/", !directory.lastPathComponent.hasSuffix("debug"), !directory.lastPathComponent.hasSuffix("release") {
      directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("pricing-service").path
  }()

  /// A running pricing-service process in its own temporary directory.
  final class ServiceProcess: Sendable {
    let process: Process
    let directory: String
    let stdoutLines: AsyncStream<String>
    let stderrPath: String
    let exited: AsyncStream<Int32>

    init(arguments: [String]) throws {
      #expect(FileManager.default.fileExists(atPath: PricingServiceProcessTests.executable),
              "build the executable first (swift build --build-tests builds it): \(PricingServiceProcessTests.executable)")
      directory = FileManager.default.temporaryDirectory.appendingPathComponent("pricing-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      process = Process()
      process.executableURL = URL(fileURLWithPath: PricingServiceProcessTests.executable)
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: directory)
      let output = Pipe()
      // stderr goes to a file: a pipe nobody drains could fill and stall the service.
      stderrPath = directory + "/stderr.log"
      FileManager.default.createFile(atPath: stderrPath, contents: nil)
      process.standardOutput = output
      process.standardError = FileHandle(forWritingAtPath: stderrPath)
      let (lines, linesSink) = AsyncStream.makeStream(of: String.self)
      stdoutLines = lines
      let (exited, exitSink) = AsyncStream.makeStream(of: Int32.self)
      self.exited = exited
      process.terminationHandler = { process in
        exitSink.yield(process.terminationStatus)
        exitSink.finish()
      }
      try process.run()
      // Read stdout on a thread of its own: the cooperative pool must never block.
      let handle = output.fileHandleForReading
      Thread {
        var pending = Data()
        while true {
          let chunk = handle.availableData
          if chunk.isEmpty { break }
          pending.append(chunk)
          while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            linesSink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending = Data(pending[(newline + 1)...])
          }
        }
        linesSink.finish()
      }.start()
    }

    func firstLine() async -> String? {
      for await line in stdoutLines { return line }
      return nil
    }

    func exitStatus() async -> Int32? {
      for await status in exited { return status }
      return nil
    }

    /// Everything the process wrote to stderr (call after it exited).
    func errorOutput() -> String {
      (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    deinit {
      if process.isRunning { process.terminate() }
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  @Test("starts on development certificates with mutual TLS, serves health and quotes, and stops cleanly on SIGTERM")
  func runsAndStops() async throws {
    let service = try ServiceProcess(arguments: [
      "--port", "0", "--metrics-port", "off", "--log-format", "json", "--ticks-per-second", "200", "--capacity", "5",
    ])
    let line = try #require(await service.firstLine())
    let match = try #require(line.firstMatch(of: /^pricing-service listening on 127\.0\.0\.1:(\d+) \(TLS, mutual; dev certificates in \.slipstream\/dev-pki\) metrics off$/))
    let port = try #require(Int(match.1))
    let pki = service.directory + "/.slipstream/dev-pki/"

    // Without a client certificate the connection is refused (mutual TLS).
    let anonymous = try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: port)],
      security: .tls(.client(trustRoots: .file(pki + "ca.crt")), serverHostname: nil),
      backoff: ConnectionBackoff(initial: .milliseconds(10), maximum: .milliseconds(10))))
    await #expect(throws: RPCError.self) {
      _ = try await Grpc_Health_V1_Health.Client(RPCClient(transport: anonymous)).check(.init(), options: CallOptions(timeout: .seconds(5)))
    }
    await anonymous.close()

    let channel = try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: port)],
      security: .tls(
        .client(trustRoots: .file(pki + "ca.crt"), certificate: .file(pki + "client.crt"), privateKey: .file(pki + "client.key")),
        serverHostname: nil)))
    let rpc = RPCClient(transport: channel)
    var healthRequest = Grpc_Health_V1_HealthCheckRequest()
    healthRequest.service = "slipstream.pricing.v1.PricingService"
    #expect(try await Grpc_Health_V1_Health.Client(rpc).check(healthRequest).status == .serving)

    let pricing = PricingClient(rpc)
    let subscribed = try await pricing.subscribeBulk(.make("process-test", ["AAPL", "EUR/USD"], .normal))
    #expect(subscribed.capacity == 5 && subscribed.used == 2)
    let quotes = try await pricing.streamQuotes(.make("process-test", ["AAPL", "EUR/USD"])) { response in
      var received: [Slipstream_Pricing_V1_StreamQuotesResponse] = []
      for try await message in response.messages {
        received.append(message)
        if received.count == 10 { break }
      }
      return received
    }
    #expect(quotes.count == 10)
    #expect(quotes.allSatisfy { $0.quote.source == "simulated" && !$0.quote.bid.value.isEmpty })
    #expect(Set(quotes.map(\.quote.symbol.ticker)) == ["AAPL", "EUR/USD"])
    await channel.close()

    service.process.terminate()  // SIGTERM
    #expect(await service.exitStatus() == 0)
    let log = service.errorOutput()
    #expect(log.contains("\"message\":\"stopped\""), "stderr: \(log)")
  }

  @Test("bad settings stop it at once with a message naming the setting",
        arguments: [
          (["--capacity", "0"], "pricing.capacity: must be 1…100000, found 0"),
          (["--feed", "bloomberg"], "pricing.feed: unknown feed \"bloomberg\"; use simulated, csv, alpaca"),
          (["--csv", "/nonexistent/quotes.csv"], "pricing.csv.path: /nonexistent/quotes.csv: cannot read the file"),
          (["--feed", "alpaca"], "pricing.alpaca: the alpaca feed needs key_id and secret"),
          (["--port", "70000"], "port 70000 is out of range"),
        ])
  func badSettings(arguments: [String], message: String) async throws {
    let service = try ServiceProcess(arguments: ["--metrics-port", "off", "--port", "0"] + arguments)
    let status = await service.exitStatus()
    #expect(status != 0)
    let output = service.errorOutput()
    #expect(output.contains(message), "stderr: \(output)")
  }

  @Test("--help explains the pricing flags and the feeds")
  func help() async throws {
    let service = try ServiceProcess(arguments: ["--help"])
    var text = ""
    for await line in service.stdoutLines { text += line + "\n" }
    #expect(await service.exitStatus() == 0)
    for flag in ["--csv <file>", "--csv-speed <factor>", "--capacity <symbols>", "--feed <feed>", "--tls-ca <file>", "--plaintext", "--metrics-port", "--log-format"] {
      #expect(text.contains(flag), "missing \(flag)")
    }
    #expect(text.contains("timestamp,symbol,bid,ask,bid_size,ask_size"))
  }
}

import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import SlipstreamTestSupport
import Testing

/// The `pricing-service` executable, as an operator runs it: flags, the listening line,
/// development certificates with mutual TLS, health, quotes, SIGTERM.
@Suite("pricing-service executable", .timeLimit(.minutes(1)))
struct PricingServiceProcessTests {
  static let executable = ChildProcess.builtProduct("pricing-service")

  /// Starts pricing-service with `arguments` in a fresh temporary directory.
  static func start(_ arguments: [String]) throws -> ChildProcess {
    #expect(FileManager.default.fileExists(atPath: executable),
            "build the executable first (swift build --build-tests builds it): \(executable)")
    return try ChildProcess(executable: executable, arguments: arguments)
  }

  @Test("starts on development certificates with mutual TLS, serves health and quotes, and stops cleanly on SIGTERM")
  func runsAndStops() async throws {
    let service = try Self.start([
      "--port", "0", "--metrics-port", "off", "--log-format", "json", "--ticks-per-second", "200", "--capacity", "5",
    ])
    let line = try #require(await service.nextLine())
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
    let service = try Self.start(["--metrics-port", "off", "--port", "0"] + arguments)
    let status = await service.exitStatus()
    #expect(status != 0)
    let output = service.errorOutput()
    #expect(output.contains(message), "stderr: \(output)")
  }

  @Test("--help explains the pricing flags and the feeds")
  func help() async throws {
    let service = try Self.start(["--help"])
    var text = ""
    for await line in service.stdoutLines { text += line + "\n" }
    #expect(await service.exitStatus() == 0)
    for flag in ["--csv <file>", "--csv-speed <factor>", "--capacity <symbols>", "--feed <feed>", "--tls-ca <file>", "--plaintext", "--metrics-port", "--log-format"] {
      #expect(text.contains(flag), "missing \(flag)")
    }
    #expect(text.contains("timestamp,symbol,bid,ask,bid_size,ask_size"))
  }
}

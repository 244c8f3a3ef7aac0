import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTransport
import SlipstreamWire
import Testing

/// The `ledger-service` executable, as an operator runs it: flags, the listening line,
/// development certificates with mutual TLS, bearer tokens, health, a trade round trip, SIGTERM.
@Suite("ledger-service executable", .timeLimit(.minutes(1)))
struct LedgerServiceProcessTests {
  @Test("starts on SQLite with mutual TLS, records and lists a trade with a bearer token, refuses a call without one, stops on SIGTERM")
  func runsAndStops() async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("process")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let service = try LedgerServiceProcess(
      arguments: ["--port", "0", "--metrics-port", "off", "--log-format", "json"],
      directory: directory, environment: LedgerServiceProcess.tokens(tenant: "acme"))
    let line = try #require(await service.firstLine())
    let match = try #require(line.firstMatch(of: /^ledger-service listening on 127\.0\.0\.1:(\d+) \(TLS, mutual; dev certificates in \.slipstream\/dev-pki\) metrics off$/))
    let port = try #require(Int(match.1))
    #expect(FileManager.default.fileExists(atPath: directory + "/.slipstream/ledger.sqlite"))

    let channel = try LedgerServiceProcess.channel(port: port, directory: directory)
    let rpc = RPCClient(transport: channel)
    var health = Grpc_Health_V1_HealthCheckRequest()
    health.service = "slipstream.ledger.v1.LedgerService"
    #expect(try await Grpc_Health_V1_Health.Client(rpc).check(health).status == .serving)

    let ledger = Slipstream_Ledger_V1_LedgerService.Client(rpc)
    // The development client certificate names no tenant: without a token the call is refused.
    let refused = await #expect(throws: RPCError.self) {
      try await ledger.recordTrade(LedgerRequests.trade("t-1"))
    }
    #expect(refused?.code == .unauthenticated)
    let wrongToken = await #expect(throws: RPCError.self) {
      try await ledger.listTenantTrades(.init(), metadata: ["authorization": "Bearer not-the-token"])
    }
    #expect(wrongToken?.code == .unauthenticated)

    let recorded = try await ledger.recordTrade(LedgerRequests.trade("t-1"), metadata: LedgerRequests.bearer)
    #expect(!recorded.duplicate)
    #expect(recorded.tenantLedgerPath == "tenants/acme/ledger_trades/t-1")
    #expect(recorded.userHistoryPath == "users/u-1/portfolio/history/trades/t-1")
    let retried = try await ledger.recordTrade(LedgerRequests.trade("t-1"), metadata: LedgerRequests.bearer)
    #expect(retried.duplicate && retried.trade == recorded.trade)
    let listed = try await ledger.listTenantTrades(.init(), metadata: LedgerRequests.bearer)
    #expect(listed.trades == [recorded.trade])
    #expect(try await LedgerRequests.userTradeIDs(ledger, user: "u-1") == ["t-1"])
    let audit = try await ledger.verifyAudit(.init(), metadata: LedgerRequests.bearer)
    #expect(audit.intact && audit.entriesChecked >= 1)
    await channel.close()

    service.process.terminate()  // SIGTERM
    #expect(await service.exitStatus() == 0)
    let log = service.errorOutput()
    #expect(log.contains("\"message\":\"stopped\""), "stderr: \(log)")
  }

  @Test("bad settings stop it at once with a message naming the setting",
        arguments: [
          (["--storage", "oracle"], [:], "ledger.storage: unknown storage \"oracle\"; use sqlite, postgres"),
          (["--storage", "postgres"], [:], "ledger.postgres_url: required when ledger.storage is postgres"),
          (["--postgres-url", "mysql://x"], [:], "ledger.postgres_url:"),
          (["--sqlite-path", "/proc/nope/ledger.sqlite"], [:], "ledger.sqlite_path:"),
          ([], ["LEDGER__MAX_BATCH_SIZE": "0"], "ledger.max_batch_size: must be 1…100000, found 0"),
          ([], ["LEDGER__TOKENS": "[{\"tenant_id\":\"acme\",\"sha256\":\"abc\"}]"], "ledger.tokens[0].sha256: 'abc' is not 64 hex digits"),
          ([], ["LEDGER__TOKENS": "[{\"sha256\":\"abc\"}]"], "ledger.tokens[0].tenant_id: required"),
          ([], ["LEDGER__CERTIFICATE_MAPPING": "[\"email\"]"], "ledger.certificate_mapping: unknown mapping \"email\""),
          (["--port", "70000"], [:], "port 70000 is out of range"),
        ] as [([String], [String: String], String)])
  func badSettings(arguments: [String], environment: [String: String], message: String) async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("bad")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let service = try LedgerServiceProcess(
      arguments: ["--metrics-port", "off", "--port", "0"] + arguments, directory: directory, environment: environment)
    let status = await service.exitStatus()
    #expect(status != 0)
    let output = service.errorOutput()
    #expect(output.contains(message), "stderr: \(output)")
  }

  @Test("--help explains the ledger flags, storage and how to make a token hash")
  func help() async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("help")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let service = try LedgerServiceProcess(arguments: ["--help"], directory: directory)
    var text = ""
    for await line in service.stdoutLines { text += line + "\n" }
    #expect(await service.exitStatus() == 0)
    for flag in ["--storage <backend>", "--sqlite-path <file>", "--postgres-url <url>", "--tls-ca <file>", "--plaintext", "--metrics-port"] {
      #expect(text.contains(flag), "missing \(flag)")
    }
    #expect(text.contains("sha256sum"))
    #expect(text.contains("slipstream://tenant/<tenant id>"))
  }
}

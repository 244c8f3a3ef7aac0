import Foundation
import Testing

/// What `python/ledger_client.py` saw, decoded from its `SUMMARY` line.
struct PythonLedgerSummary: Decodable {
  struct Recorded: Decodable, Equatable {
    let trade_id: String
    let tenant: String
    let user: String
    let duplicate: Bool
    let recorded_at_ns: Int64
    let tenant_ledger_path: String
    let user_history_path: String
  }

  struct Refusal: Decodable, Equatable {
    let code: String
    let details: String
  }

  struct Audit: Decodable, Equatable {
    let intact: Bool
    let entries_checked: Int
    let has_broken_link: Bool
  }

  let recorded: [Recorded]
  let retry: Recorded
  let missing_user: Refusal
  let no_token: Refusal
  let tenant_pages: [[String]]
  struct Connection: Decodable, Equatable {
    let broker: String
    let state: String
    let fee: String
    let sequence: Int
  }

  let user_trades: [String]
  let connections: [Connection]
  let audit: Audit
}

@Suite(
  "ledger-service from a grpcio client",
  .enabled(if: PythonLedgerClient.available, "needs python3 with grpcio and grpcio-tools: pip install -r Tests/requirements.txt"),
  .timeLimit(.minutes(2)))
struct LedgerPythonClientTests {
  @Test("records (with a retry), is refused without a user or a token, lists both paths page by page, records broker connections, verifies the audit chain")
  func roundTrip() async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("python")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let service = try LedgerServiceProcess(
      arguments: ["--port", "0", "--metrics-port", "off"], directory: directory,
      environment: LedgerServiceProcess.tokens(tenant: "py-tenant"))
    let port = try #require(await service.listeningPort(), "stderr: \(service.errorOutput())")
    let client = try PythonLedgerClient(arguments: [
      "--port", "\(port)", "--pki", directory + "/.slipstream/dev-pki", "--token", LedgerServiceProcess.token,
    ])
    defer { client.terminate() }
    let status = await client.exitStatus()
    let transcript = client.transcript
    #expect(status == 0, "ledger_client.py: \(transcript)")
    let line = try #require(transcript.split(separator: "\n").last(where: { $0.hasPrefix("SUMMARY ") }), "\(transcript)")
    let summary = try JSONDecoder().decode(PythonLedgerSummary.self, from: Data(line.dropFirst("SUMMARY ".count).utf8))

    #expect(summary.recorded.map(\.trade_id) == ["py-1", "py-2"])
    #expect(summary.recorded.allSatisfy { $0.tenant == "py-tenant" && !$0.duplicate && $0.recorded_at_ns > 0 })
    #expect(summary.recorded[0].tenant_ledger_path == "tenants/py-tenant/ledger_trades/py-1")
    #expect(summary.recorded[0].user_history_path == "users/py-user/portfolio/history/trades/py-1")
    #expect(summary.recorded[1].user_history_path == "users/py-other/portfolio/history/trades/py-2")
    // The retry returns the original trade, marked duplicate.
    let first = summary.recorded[0]
    #expect(summary.retry == PythonLedgerSummary.Recorded(
      trade_id: "py-1", tenant: "py-tenant", user: "py-user", duplicate: true, recorded_at_ns: first.recorded_at_ns,
      tenant_ledger_path: first.tenant_ledger_path, user_history_path: first.user_history_path))
    #expect(summary.missing_user.code == "INVALID_ARGUMENT")
    #expect(summary.missing_user.details.hasPrefix("Missing UID in metadata"), "\(summary.missing_user.details)")
    #expect(summary.no_token.code == "UNAUTHENTICATED")
    // Page size 1: one trade per page, py-3 and py-4 were never written.
    #expect(summary.tenant_pages.flatMap { $0 }.sorted() == ["py-1", "py-2"])
    #expect(summary.tenant_pages.allSatisfy { $0.count <= 1 })
    #expect(summary.user_trades == ["py-1"])
    // Two snapshots of one broker: the latest is listed, after the two trades in the chain.
    #expect(summary.connections == [PythonLedgerSummary.Connection(broker: "alpaca", state: "BROKER_CONNECTION_STATE_DEGRADED", fee: "0.005", sequence: 4)])
    #expect(summary.audit == PythonLedgerSummary.Audit(intact: true, entries_checked: 4, has_broken_link: false))

    service.process.terminate()
    #expect(await service.exitStatus() == 0)
  }
}

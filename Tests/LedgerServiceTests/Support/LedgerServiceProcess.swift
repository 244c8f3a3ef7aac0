import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import SlipstreamTestSupport
import SlipstreamWire
import Testing


/// A running `ledger-service` process, started in a directory that outlives it (so a restart
/// finds the same state directory, development certificates and SQLite file).
final class LedgerServiceProcess: Sendable {
  /// The executable, built next to the test bundle by `swift build --build-tests` / `swift test`.
  static let executable = ChildProcess.builtProduct("ledger-service")

  /// The bearer token the tests send; its SHA-256 is `tokenSHA256`.
  static let token = "ledger-test-token"
  /// `printf %s ledger-test-token | sha256sum`.
  static let tokenSHA256 = "b41c7b186db78a2dfec426715e86cd413c420145ee676d0829462657b10be350"
  /// `LEDGER__TOKENS` granting ``token`` to `tenant`.
  static func tokens(tenant: String) -> [String: String] {
    ["LEDGER__TOKENS": "[{\"tenant_id\":\"\(tenant)\",\"sha256\":\"\(tokenSHA256)\"}]"]
  }

  private let child: ChildProcess
  var process: Process { child.process }
  var directory: String { child.directory }
  var stdoutLines: AsyncStream<String> { child.stdoutLines }

  /// Starts the service.
  /// - Parameters:
  ///   - arguments: Command-line arguments.
  ///   - directory: The working directory (created if missing; not removed by this object).
  ///   - environment: Variables added to the test's environment.
  ///   - stderrName: The file in `directory` receiving standard error.
  init(arguments: [String], directory: String, environment: [String: String] = [:], stderrName: String = "stderr.log") throws {
    #expect(FileManager.default.fileExists(atPath: Self.executable),
            "build the executable first (swift build --build-tests builds it): \(Self.executable)")
    let inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LEDGER__") && !$0.key.hasPrefix("SERVER__") }
    child = try ChildProcess(
      executable: Self.executable, arguments: arguments, environment: inherited.merging(environment) { _, given in given },
      directory: directory, stderrName: stderrName)
  }

  func firstLine() async -> String? { await child.nextLine() }

  /// The gRPC port from the "listening on" line, or nil when the process ended first.
  func listeningPort() async -> Int? {
    guard let line = await firstLine(),
      let match = line.firstMatch(of: #/^ledger-service listening on 127\.0\.0\.1:(\d+) /#)
    else { return nil }
    return Int(match.1)
  }

  func exitStatus() async -> Int32? { await child.exitStatus() }

  /// Kills the process at once (SIGKILL): no shutdown code runs.
  func kill() { child.kill() }

  /// Everything the process wrote to stderr (call after it exited).
  func errorOutput() -> String { child.errorOutput() }

  /// A channel with the development client certificate (mutual TLS), which names no tenant.
  static func channel(port: Int, directory: String) throws -> GRPCChannel {
    let pki = directory + "/.slipstream/dev-pki/"
    return try GRPCChannel(configuration: .init(
      endpoints: [Endpoint(host: "127.0.0.1", port: port)],
      security: .tls(
        .client(trustRoots: .file(pki + "ca.crt"), certificate: .file(pki + "client.crt"), privateKey: .file(pki + "client.key")),
        serverHostname: nil),
      backoff: ConnectionBackoff(initial: .milliseconds(10), maximum: .milliseconds(50))))
  }

  /// A fresh temporary directory.
  static func temporaryDirectory(_ label: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("ledger-service-\(label)-\(UUID().uuidString)").path
  }
}

/// Requests the tests send.
enum LedgerRequests {
  static let bearer: Metadata = ["authorization": "Bearer ledger-test-token"]

  static func trade(_ id: String, user: String = "u-1", quantity: String = "10") -> Slipstream_Ledger_V1_RecordTradeRequest {
    var request = Slipstream_Ledger_V1_RecordTradeRequest()
    request.trade.tradeID = id
    request.trade.owner.userID = user
    request.trade.broker = "alpaca"
    request.trade.brokerExecutionID = "exec-\(id)"
    request.trade.symbol.ticker = "AAPL"
    request.trade.symbol.assetClass = .equity
    request.trade.side = .buy
    request.trade.quantity.value = quantity
    request.trade.price.value = "187.25"
    request.trade.fees.value = "0.5"
    request.trade.currency = "USD"
    request.trade.executedAtNs = 1_700_000_000_000_000_000
    return request
  }

  /// Every trade id on the tenant ledger path, page by page (duplicates kept).
  static func tenantTradeIDs(_ client: Slipstream_Ledger_V1_LedgerService.Client, pageSize: Int32 = 500) async throws -> [String] {
    var ids: [String] = []
    var request = Slipstream_Ledger_V1_ListTenantTradesRequest()
    request.query.pageSize = pageSize
    while true {
      let page = try await client.listTenantTrades(request, metadata: bearer, options: CallOptions(timeout: .seconds(30)))
      ids += page.trades.map(\.tradeID)
      guard !page.nextPageToken.isEmpty else { return ids }
      request.query.pageToken = page.nextPageToken
    }
  }

  /// Every trade id on a user's portfolio history path, page by page (duplicates kept).
  static func userTradeIDs(_ client: Slipstream_Ledger_V1_LedgerService.Client, user: String, pageSize: Int32 = 500) async throws -> [String] {
    var ids: [String] = []
    var request = Slipstream_Ledger_V1_ListUserTradesRequest()
    request.userID = user
    request.query.pageSize = pageSize
    while true {
      let page = try await client.listUserTrades(request, metadata: bearer, options: CallOptions(timeout: .seconds(30)))
      ids += page.trades.map(\.tradeID)
      guard !page.nextPageToken.isEmpty else { return ids }
      request.query.pageToken = page.nextPageToken
    }
  }
}

import Foundation
import SlipstreamAPI
@testable import SlipstreamPricing
import Testing

/// What `python/pricing_client.py` saw, decoded from its `SUMMARY` line.
struct PythonClientSummary: Decodable {
  struct Bulk: Decodable {
    let capacity: Int
    let used: Int
    let results: [Result]
  }

  struct Result: Decodable, Equatable {
    let symbol: String
    let outcome: String
    let evicted_symbol: String
    let evicted_client: String
    let refusal_reason: String
    let detail: String
  }

  struct Listing: Decodable {
    let capacity: Int
    let used: Int
    let by_priority: [String: Int]
    let by_client: [String: Int]
    let subscriptions: [String]
  }

  struct StreamedQuote: Decodable, Equatable {
    let symbol: String
    let bid: String
    let ask: String
    let source: String
    let quote_sequence: Int
    let sequence: Int
    let skipped: Int
  }

  struct Ending: Decodable, Equatable {
    let has_quote: Bool
    let symbol: String
    let reason: String
    let symbols_left: Int
    let detail: String
    let sequence: Int
  }

  struct Leaving: Decodable {
    let evicted_symbol: String
    let endings: [Ending]
    let messages_after: Int
    let status: String
  }

  let bulk: [Bulk]
  let list: Listing
  let quotes: [StreamedQuote]
  let leaving: Leaving
  let health: [String: String]
}

@Suite(
  "Pricing over TLS: the grpcio client",
  .enabled(if: PythonPricingClient.available, "needs python3 with grpcio and grpcio-tools: pip install -r Tests/requirements.txt"),
  .timeLimit(.minutes(2)))
struct PricingPythonClientTests {
  typealias Result = PythonClientSummary.Result

  static func accepted(_ ticker: String) -> Result {
    Result(
      symbol: ticker, outcome: "SUBSCRIPTION_OUTCOME_ACCEPTED", evicted_symbol: "", evicted_client: "",
      refusal_reason: "REFUSAL_REASON_UNSPECIFIED", detail: "")
  }

  @Test("40 symbols at mixed priorities from Python: exact evictions, refusals, usage, streamed quotes, ended notices and health")
  func fortySymbolsFromPython() async throws {
    let tickers = PricingScenario.tickers
    let pki = try await NetworkPKI.shared()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-pricing-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let caFile = try pki.ca.writeFiles(to: directory.path).certificate

    try await withPricingServer(PricingConfiguration(capacity: 30)) { pricing in
      let python = try PythonPricingClient(port: pricing.port, caFile: caFile)
      defer { python.terminate() }

      let streaming = await python.line(after: "STREAMING ")
      try #require(streaming == "ADBE,LIN,MCD", "pricing_client.py did not open its stream:\n\(python.transcript)")
      pricing.feed.push(
        quote("ADBE", bid: "500.15", ask: "500.25"), quote("LIN", bid: "450.5", ask: "451"), quote("MCD", bid: "290.01", ask: "290.02"))
      // The summary is the script's last act; without one, its exit shows what went wrong.
      guard let json = await python.line(after: "SUMMARY ") else {
        let status = await python.exitStatus()
        Issue.record("pricing_client.py printed no summary (exit status \(status)):\n\(python.transcript)")
        return
      }
      let summary = try JSONDecoder().decode(PythonClientSummary.self, from: Data(json.utf8))

      try #require(summary.bulk.count == 4)
      let (low, normal, high, refused) = (summary.bulk[0], summary.bulk[1], summary.bulk[2], summary.bulk[3])
      #expect(low.results == tickers[0..<20].map(Self.accepted))
      #expect((low.capacity, low.used) == (30, 20))
      #expect(normal.results == tickers[20..<30].map(Self.accepted))
      #expect((normal.capacity, normal.used) == (30, 30))
      // Full: the five HIGH symbols each evict one of the five oldest LOW ones.
      #expect(high.results == (0..<5).map { index in
        Result(
          symbol: tickers[30 + index], outcome: "SUBSCRIPTION_OUTCOME_ACCEPTED_EVICTED", evicted_symbol: tickers[index],
          evicted_client: "research", refusal_reason: "REFUSAL_REASON_UNSPECIFIED",
          detail: "evicted \(tickers[index]) (LOW, held by research)")
      })
      #expect(high.used == 30)
      // LOW cannot evict LOW: the last five are refused and nothing changes.
      #expect(refused.results == tickers[35..<40].map { ticker in
        Result(
          symbol: ticker, outcome: "SUBSCRIPTION_OUTCOME_REFUSED", evicted_symbol: "", evicted_client: "",
          refusal_reason: "REFUSAL_REASON_CAPACITY_EXHAUSTED",
          detail: "\(ticker): all 30 of 30 upstream slots are held at LOW or above; LOW cannot evict them")
      })
      #expect(refused.used == 30)

      #expect((summary.list.capacity, summary.list.used) == (30, 30))
      #expect(summary.list.by_priority == [
        "SUBSCRIPTION_PRIORITY_LOW": 15, "SUBSCRIPTION_PRIORITY_NORMAL": 10, "SUBSCRIPTION_PRIORITY_HIGH": 5,
      ])
      #expect(summary.list.by_client == ["research": 15, "momentum": 10, "orders": 5])
      let held = tickers[5..<20].map { "\($0)/research/SUBSCRIPTION_PRIORITY_LOW" }
        + tickers[20..<30].map { "\($0)/momentum/SUBSCRIPTION_PRIORITY_NORMAL" }
        + tickers[30..<35].map { "\($0)/orders/SUBSCRIPTION_PRIORITY_HIGH" }
      #expect(summary.list.subscriptions == held.sorted())

      #expect(summary.quotes == [
        .init(symbol: "ADBE", bid: "500.15", ask: "500.25", source: "manual", quote_sequence: 1, sequence: 1, skipped: 0),
        .init(symbol: "LIN", bid: "450.5", ask: "451", source: "manual", quote_sequence: 1, sequence: 2, skipped: 0),
        .init(symbol: "MCD", bid: "290.01", ask: "290.02", source: "manual", quote_sequence: 1, sequence: 3, skipped: 0),
      ])
      // The evicted and the unsubscribed symbol each left the stream with a notice; then the
      // stream ended with OK.
      #expect(summary.leaving.evicted_symbol == tickers[5])
      #expect(summary.leaving.endings == [
        .init(
          has_quote: false, symbol: tickers[5], reason: "REASON_EVICTED", symbols_left: 1,
          detail: "\(tickers[5]) was evicted: a HIGH subscription needed its upstream slot (capacity 30, held at LOW); "
            + "subscribe again at a higher priority and open a new stream for it",
          sequence: 1),
        .init(
          has_quote: false, symbol: tickers[6], reason: "REASON_UNSUBSCRIBED", symbols_left: 0,
          detail: "\(tickers[6]) was unsubscribed by client research", sequence: 2),
      ])
      #expect(summary.leaving.messages_after == 0 && summary.leaving.status == "OK")
      #expect(summary.health == ["": "SERVING", "slipstream.pricing.v1.PricingService": "SERVING"])
    }
  }
}

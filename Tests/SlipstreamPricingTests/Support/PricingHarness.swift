import SlipstreamAPI
import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamRPC
import SlipstreamWire
import Testing

typealias PricingClient = Slipstream_Pricing_V1_PricingService.Client

/// A running pricing service on a manual feed, reached in-process.
struct PricingHarness {
  let service: PricingService
  let feed: ManualFeed
  let clock: TestClock
  let transport: InProcessTransport
  let client: PricingClient

  /// A second client on its own simulated connection.
  func newConnection() -> (InProcessTransport, PricingClient) {
    let transport = InProcessTransport(server: RPCServer(services: [service]))
    return (transport, PricingClient(RPCClient(transport: transport)))
  }
}

/// Runs `body` against a fresh service whose feed loop runs for the body's duration.
func withPricing<Result>(
  _ configuration: PricingConfiguration = PricingConfiguration(capacity: 30),
  feed: ManualFeed = ManualFeed(),
  _ body: (PricingHarness) async throws -> Result
) async throws -> Result {
  let clock = TestClock()
  let service = PricingService(configuration: configuration, feed: feed, now: clock.function)
  let runner = Task { try await service.run() }
  defer { runner.cancel() }
  await feed.started()
  let transport = InProcessTransport(server: RPCServer(services: [service]))
  let harness = PricingHarness(
    service: service, feed: feed, clock: clock, transport: transport, client: PricingClient(RPCClient(transport: transport)))
  return try await body(harness)
}

extension Slipstream_Pricing_V1_SubscribeBulkRequest {
  static func make(_ client: String, _ tickers: [String], _ priority: Slipstream_Pricing_V1_SubscriptionPriority) -> Self {
    var request = Self()
    request.clientID = client
    request.symbols = tickers.map { ticker in
      var symbol = Slipstream_Types_V1_Symbol()
      symbol.ticker = ticker
      return symbol
    }
    request.priority = priority
    return request
  }
}

extension Slipstream_Pricing_V1_StreamQuotesRequest {
  static func make(_ client: String, _ tickers: [String], subscribeMissing: Bool = false, snapshot: Bool = false) -> Self {
    var request = Self()
    request.clientID = client
    request.symbols = tickers.map { ticker in
      var symbol = Slipstream_Types_V1_Symbol()
      symbol.ticker = ticker
      return symbol
    }
    request.subscribeMissing = subscribeMissing
    request.sendSnapshot = snapshot
    return request
  }
}

func wireSymbol(_ ticker: String) -> Slipstream_Types_V1_Symbol {
  var symbol = Slipstream_Types_V1_Symbol()
  symbol.ticker = ticker
  return symbol
}

/// Expects `body` to fail with an RPCError of `code` whose message is `message`.
func expectRPCError(
  _ code: StatusCode, _ message: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Void
) async {
  do {
    try await body()
    Issue.record("expected \(code): \(message)", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    #expect(error.code == code, sourceLocation: sourceLocation)
    #expect(error.message == message, sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}

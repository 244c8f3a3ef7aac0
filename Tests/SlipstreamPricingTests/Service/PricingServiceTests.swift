import SlipstreamAPI
import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamRPC
import Testing

@Suite("Pricing service over the RPC core", .timeLimit(.minutes(1)))
struct PricingServiceTests {
  @Test("SubscribeBulk answers per symbol, with evictions and refusals named")
  func subscribeBulk() async throws {
    try await withPricing(PricingConfiguration(capacity: 2)) { pricing in
      let first = try await pricing.client.subscribeBulk(.make("a", ["AAPL", "MSFT", "AAPL"], .low))
      #expect(first.results.map(\.outcome) == [.accepted, .accepted])
      #expect(first.capacity == 2 && first.used == 2)
      let second = try await pricing.client.subscribeBulk(.make("b", ["TSLA", "NVDA", "AMD"], .high))
      #expect(second.results.map(\.outcome) == [.acceptedEvicted, .acceptedEvicted, .refused])
      #expect(second.results[0].evictedSymbol.ticker == "AAPL" && second.results[0].evictedClientID == "a")
      #expect(second.results[0].detail == "evicted AAPL (LOW, held by a)")
      #expect(second.results[2].refusalReason == .capacityExhausted)
      #expect(second.results[2].detail == "AMD: all 2 of 2 upstream slots are held at HIGH or above; HIGH cannot evict them")
      await pricing.feed.waitUntilWanted([sym("TSLA"), sym("NVDA")])
      let list = try await pricing.client.listSubscriptions(.init())
      #expect(list.byClient == ["b": 2])
      #expect(list.byPriority.map(\.priority) == [.high])
    }
  }

  @Test("symbols the feed cannot quote are refused with the reason, without taking a slot")
  func feedRefusals() async throws {
    let feed = ManualFeed { symbol in
      symbol.assetClass == .crypto ? .unsupportedAssetClass : symbol.value == "ZZZZ" ? .unknownSymbol : .supported
    }
    try await withPricing(PricingConfiguration(capacity: 5), feed: feed) { pricing in
      let response = try await pricing.client.subscribeBulk(.make("a", ["BTC/USD", "ZZZZ", "AAPL"], .normal))
      #expect(response.results.map(\.refusalReason) == [.unsupportedAssetClass, .unknownSymbol, .unspecified])
      #expect(response.results[0].detail == "BTC/USD: the manual feed does not serve crypto")
      #expect(response.used == 1)
    }
  }

  @Test("bad requests fail with INVALID_ARGUMENT naming the field, and change nothing")
  func invalidArguments() async throws {
    try await withPricing(PricingConfiguration(capacity: 5, maximumSymbolsPerRequest: 3)) { pricing in
      await expectRPCError(.invalidArgument, "client_id: required") {
        _ = try await pricing.client.subscribeBulk(.make("", ["AAPL"], .normal))
      }
      await expectRPCError(.invalidArgument, "symbols: at least one symbol is required") {
        _ = try await pricing.client.subscribeBulk(.make("a", [], .normal))
      }
      await expectRPCError(.invalidArgument, "symbols: 4 symbols; at most 3 per request") {
        _ = try await pricing.client.subscribeBulk(.make("a", ["A", "B", "C", "D"], .normal))
      }
      await expectRPCError(.invalidArgument, "symbols[1]: symbol 'A$PL' has characters other than letters, digits, '.', '/' and '-'") {
        _ = try await pricing.client.subscribeBulk(.make("a", ["MSFT", "A$PL"], .normal))
      }
      var mismatched = Slipstream_Pricing_V1_SubscribeBulkRequest.make("a", ["AAPL"], .normal)
      mismatched.symbols[0].assetClass = .crypto
      await expectRPCError(.invalidArgument, "symbols[0]: asset class crypto does not match AAPL, which is equity") {
        _ = try await pricing.client.subscribeBulk(mismatched)
      }
      var unknownPriority = Slipstream_Pricing_V1_SubscribeBulkRequest.make("a", ["AAPL"], .normal)
      unknownPriority.priority = .UNRECOGNIZED(9)
      await expectRPCError(.invalidArgument, "priority: unknown value 9; use LOW, NORMAL, HIGH or CRITICAL") {
        _ = try await pricing.client.subscribeBulk(unknownPriority)
      }
      await expectRPCError(.invalidArgument, "client_id: 200 bytes; at most 128") {
        _ = try await pricing.client.subscribeBulk(.make(String(repeating: "x", count: 200), ["AAPL"], .normal))
      }
      #expect(pricing.service.usage().used == 0)
    }
  }

  @Test("GetQuote returns the latest quote with its sequence and age, or says why not")
  func getQuote() async throws {
    try await withPricing { pricing in
      var request = Slipstream_Pricing_V1_GetQuoteRequest()
      request.symbol = wireSymbol("AAPL")
      await expectRPCError(.notFound, "no quote for AAPL: nobody subscribes to it; call SubscribeBulk first") {
        _ = try await pricing.client.getQuote(request)
      }
      _ = try await pricing.client.subscribeBulk(.make("a", ["AAPL"], .normal))
      await expectRPCError(.notFound, "no quote for AAPL has arrived yet from the manual feed") {
        _ = try await pricing.client.getQuote(request)
      }
      let now = pricing.clock.now.nanosecondsSinceEpoch
      pricing.feed.push(quote("AAPL", bid: "189.95", ask: "190.00", time: now), quote("AAPL", bid: "189.96", ask: "190.01", time: now))
      pricing.clock.advance(.milliseconds(250))
      let response = try await pricing.client.getQuote(request)
      #expect(response.quote.bid.value == "189.96" && response.quote.ask.value == "190.01")
      #expect(response.quote.sequence == 2 && response.quote.source == "manual")
      #expect(response.quote.receivedAtNs == now)
      #expect(response.ageNs == 250_000_000)
      request.maxAgeNs = 100_000_000
      await expectRPCError(.failedPrecondition, "the latest quote for AAPL is 250 ms old; the limit is 100 ms") {
        _ = try await pricing.client.getQuote(request)
      }
      request.maxAgeNs = 0
      pricing.clock.advance(.seconds(75))
      await expectRPCError(.failedPrecondition, "the latest quote for AAPL is 75.2 s old; the limit is 60.0 s") {
        _ = try await pricing.client.getQuote(request)
      }
      request.maxAgeNs = -1
      await expectRPCError(.invalidArgument, "max_age_ns: must not be negative") { _ = try await pricing.client.getQuote(request) }
    }
  }

  @Test("GetQuotes returns what it has, lists what is missing and what is stale")
  func getQuotes() async throws {
    try await withPricing { pricing in
      _ = try await pricing.client.subscribeBulk(.make("a", ["AAPL", "MSFT", "TSLA"], .normal))
      let now = pricing.clock.now.nanosecondsSinceEpoch
      pricing.feed.push(quote("MSFT", bid: "410", ask: "410.05", time: now))
      pricing.clock.advance(.seconds(2))
      pricing.feed.push(quote("AAPL", bid: "190", ask: "190.01", time: now + 2_000_000_000))
      var request = Slipstream_Pricing_V1_GetQuotesRequest()
      request.symbols = ["AAPL", "TSLA", "MSFT"].map(wireSymbol)
      request.maxAgeNs = 1_000_000_000
      let response = try await pricing.client.getQuotes(request)
      #expect(response.quotes.map(\.symbol.ticker) == ["AAPL", "MSFT"])
      #expect(response.missing.map(\.ticker) == ["TSLA"])
      #expect(response.staleTickers == ["MSFT"])
    }
  }

  @Test("Unsubscribe removes the client's holds, and the feed drops symbols nobody holds")
  func unsubscribe() async throws {
    try await withPricing { pricing in
      _ = try await pricing.client.subscribeBulk(.make("a", ["AAPL", "MSFT"], .normal))
      _ = try await pricing.client.subscribeBulk(.make("b", ["AAPL"], .normal))
      var request = Slipstream_Pricing_V1_UnsubscribeRequest()
      request.clientID = "a"
      request.symbols = ["AAPL", "TSLA"].map(wireSymbol)
      let response = try await pricing.client.unsubscribe(request)
      #expect(response.removed.map(\.ticker) == ["AAPL"] && response.notSubscribed.map(\.ticker) == ["TSLA"])
      await pricing.feed.waitUntilWanted([sym("AAPL"), sym("MSFT")])
      request.symbols = []
      let all = try await pricing.client.unsubscribe(request)
      #expect(all.removed.map(\.ticker) == ["MSFT"])
      await pricing.feed.waitUntilWanted([sym("AAPL")])
    }
  }

  @Test("a client whose connection closes loses its subscriptions; other clients keep theirs")
  func disconnectReleases() async throws {
    try await withPricing { pricing in
      let events = pricing.service.events()
      let (transport, other) = pricing.newConnection()
      _ = try await other.subscribeBulk(.make("strategy-7", ["AAPL", "MSFT"], .high))
      _ = try await pricing.client.subscribeBulk(.make("orchestrator", ["AAPL"], .normal))
      transport.disconnect()
      var iterator = events.makeAsyncIterator()
      #expect(await iterator.next() == .released(client: "strategy-7", symbols: [sym("AAPL"), sym("MSFT")]))
      let list = try await pricing.client.listSubscriptions(.init())
      #expect(list.byClient == ["orchestrator": 1])
      #expect(list.byPriority.map(\.priority) == [.normal])
      await pricing.feed.waitUntilWanted([sym("AAPL")])
    }
  }
}

import SlipstreamAPI
import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamRPC
import SlipstreamTestSupport
import Synchronization
import Testing

@Suite("StreamQuotes: fan-out, conflation, subscriptions", .timeLimit(.minutes(1)))
struct PricingStreamTests {
  typealias Response = Slipstream_Pricing_V1_StreamQuotesResponse

  /// Opens a stream and hands its messages to `body` as an iterator.
  func stream<Result: Sendable>(
    _ client: PricingClient, _ request: Slipstream_Pricing_V1_StreamQuotesRequest,
    _ body: @escaping @Sendable (inout RPCMessageStream<Response>.AsyncIterator) async throws -> Result
  ) async throws -> Result {
    try await client.streamQuotes(request) { response in
      var iterator = response.messages.makeAsyncIterator()
      return try await body(&iterator)
    }
  }

  @Test("a stream needs the client's subscriptions, or subscribe_missing")
  func requiresSubscription() async throws {
    try await withPricing(PricingConfiguration(capacity: 1)) { pricing in
      await expectRPCError(.failedPrecondition, "client s does not hold subscriptions to AAPL; call SubscribeBulk first or set subscribe_missing") {
        try await stream(pricing.client, .make("s", ["AAPL"])) { _ = try await $0.next() }
      }
      _ = try await pricing.client.subscribeBulk(.make("other", ["MSFT"], .critical))
      await expectRPCError(.resourceExhausted, "cannot subscribe AAPL: all 1 of 1 upstream slots are held at CRITICAL or above; NORMAL cannot evict them") {
        try await stream(pricing.client, .make("s", ["AAPL"], subscribeMissing: true)) { _ = try await $0.next() }
      }
    }
  }

  @Test("an evicted symbol leaves the stream with a notice; the last one ends it FAILED_PRECONDITION")
  func evictionsEndTheStream() async throws {
    try await withPricing(PricingConfiguration(capacity: 2)) { pricing in
      try await StreamEndingScenario.evictions(pricing.client, pricing.feed)
    }
  }

  @Test("unsubscribing a stream's last symbol sends a notice and ends the stream OK")
  func unsubscribingEndsTheStream() async throws {
    try await withPricing { pricing in try await StreamEndingScenario.unsubscribing(pricing.client, pricing.feed) }
  }

  @Test("subscribers get the snapshot, then every quote in order with stream sequence numbers")
  func deliversInOrder() async throws {
    try await withPricing { pricing in
      _ = try await pricing.client.subscribeBulk(.make("s", ["AAPL", "MSFT"], .normal))
      pricing.feed.push(quote("AAPL", bid: "1.00", ask: "1.01"))
      let events = pricing.service.hub
      try await stream(pricing.client, .make("s", ["AAPL", "MSFT"], snapshot: true)) { messages in
        let snapshot = try #require(try await messages.next())
        #expect(snapshot.quote.symbol.ticker == "AAPL" && snapshot.quote.sequence == 1 && snapshot.sequence == 1)
        for index in 0..<50 {
          pricing.feed.push(quote(index % 2 == 0 ? "MSFT" : "AAPL", bid: "2.\(index + 10)1", ask: "3"))
          let next = try #require(try await messages.next())
          #expect(next.quote.bid.value == "2.\(index + 10)1")
          #expect(next.sequence == UInt64(index + 2))
          #expect(next.skipped == 0 && next.totalSkipped == 0)
        }
        #expect(events.statistics.accepted == 51)
      }
    }
  }

  @Test("a slow subscriber gets the latest quote with a skip count and never holds up a fast one")
  func slowSubscriberConflates() async throws {
    try await withPricing { pricing in
      _ = try await pricing.client.subscribeBulk(.make("fast", ["AAPL"], .normal))
      _ = try await pricing.client.subscribeBulk(.make("slow", ["AAPL"], .normal))
      let slowOpened = Signal()
      let slowMayRead = Signal()
      // A small buffer, so the stalled stream's handler blocks after a dozen messages and the
      // rest must be conflated (the default 1 MiB would hold all 1,000).
      let slowClient = PricingClient(RPCClient(transport: InProcessTransport(server: RPCServer(services: [pricing.service]), bufferLimit: 1_024)))
      async let slowResult: [Response] = stream(slowClient, .make("slow", ["AAPL"])) { messages in
        slowOpened.fire()
        await slowMayRead.wait()
        var received: [Response] = []
        while let message = try await messages.next() {
          received.append(message)
          if message.quote.bid.value == "1.999" { break }
        }
        return received
      }
      await slowOpened.wait()
      try await stream(pricing.client, .make("fast", ["AAPL"])) { messages in
        // Wait until both streams are attached before publishing.
        while pricing.service.hub.listenerCount(sym("AAPL")) < 2 { await Task.yield() }
        for index in 0..<1_000 {
          pricing.feed.push(quote("AAPL", bid: "1.\(String(index).leftPadded(3))", ask: "2"))
          let message = try #require(try await messages.next())
          #expect(message.sequence == UInt64(index + 1) && message.skipped == 0)
        }
      }
      slowMayRead.fire()
      let slow = try await slowResult
      // The slow stream may have taken a few quotes before it stopped reading; after that,
      // everything in between was conflated into the latest quote and counted.
      let last = try #require(slow.last)
      #expect(last.quote.bid.value == "1.999")
      #expect(slow.count < 1_000)
      #expect(last.totalSkipped == UInt64(1_000 - slow.count))
      #expect(slow.map(\.skipped).reduce(0, +) == UInt64(1_000 - slow.count))
    }
  }

  @Test("an evicted symbol stops streaming to its holder after a notice; other symbols keep going")
  func evictionStopsSymbol() async throws {
    try await withPricing(PricingConfiguration(capacity: 2)) { pricing in
      _ = try await pricing.client.subscribeBulk(.make("s", ["AAPL", "MSFT"], .low))
      try await stream(pricing.client, .make("s", ["AAPL", "MSFT"])) { messages in
        while pricing.service.hub.listenerCount(sym("MSFT")) < 1 { await Task.yield() }
        let evicting = try await pricing.client.subscribeBulk(.make("orders", ["TSLA"], .high))
        #expect(evicting.results.first?.evictedSymbol.ticker == "AAPL")
        #expect(pricing.service.hub.listenerCount(sym("AAPL")) == 0)
        pricing.feed.push(quote("AAPL", bid: "1", ask: "2"))  // not upstream any more: dropped
        pricing.feed.push(quote("MSFT", bid: "1", ask: "2"))
        let notice = try #require(try await messages.next())
        #expect(notice.ended.symbol.ticker == "AAPL" && notice.ended.symbolsLeft == 1)
        let next = try #require(try await messages.next())
        #expect(next.quote.symbol.ticker == "MSFT")
      }
    }
  }

  @Test("cancelling a stream detaches it from the hub")
  func cancelDetaches() async throws {
    try await withPricing { pricing in
      _ = try await pricing.client.subscribeBulk(.make("s", ["AAPL"], .normal))
      try await stream(pricing.client, .make("s", ["AAPL"])) { messages in
        while pricing.service.hub.listenerCount(sym("AAPL")) < 1 { await Task.yield() }
        pricing.feed.push(quote("AAPL", bid: "1", ask: "2"))
        _ = try await messages.next()
      }
      // The call is over once the body returns; the handler detaches as it ends.
      while pricing.service.hub.listenerCount(sym("AAPL")) > 0 { await Task.yield() }
      #expect(pricing.service.hub.listenerCount(sym("AAPL")) == 0)
    }
  }
}

extension String {
  func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}


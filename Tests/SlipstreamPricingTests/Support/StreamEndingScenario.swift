import SlipstreamAPI
@testable import SlipstreamPricing
import Testing

/// What a stream does when its symbols' subscriptions end, run in-process and over TLS (the
/// two transports send a stream's messages differently: from the handler's task, and from
/// the event loop).
enum StreamEndingScenario {
  /// Needs a capacity of 2. A stream of two LOW symbols: a HIGH subscription evicts one (a
  /// notice naming it; the other keeps streaming), another evicts the second (a notice, then
  /// the call ends FAILED_PRECONDITION saying why).
  static func evictions(_ client: PricingClient, _ feed: ManualFeed) async throws {
    _ = try await client.subscribeBulk(.make("s", ["AAPL", "MSFT"], .low))
    try await client.streamQuotes(.make("s", ["AAPL", "MSFT"])) { response in
      var messages = response.messages.makeAsyncIterator()
      feed.push(quote("AAPL", bid: "1.00", ask: "1.01"))
      let first = try #require(try await messages.next())
      #expect(first.quote.symbol.ticker == "AAPL" && !first.hasEnded)

      let taking = try await client.subscribeBulk(.make("hi", ["NVDA"], .high))
      let evicted = try #require(taking.results.first?.evictedSymbol.ticker)
      let kept = evicted == "AAPL" ? "MSFT" : "AAPL"
      let notice = try #require(try await messages.next())
      #expect(!notice.hasQuote && notice.sequence == 2)
      #expect(notice.ended.symbol.ticker == evicted && notice.ended.reason == .evicted && notice.ended.symbolsLeft == 1)
      #expect(
        notice.ended.detail == "\(evicted) was evicted: a HIGH subscription needed its upstream slot (capacity 2, "
          + "held at LOW); subscribe again at a higher priority and open a new stream for it")

      feed.push(quote(kept, bid: "2.00", ask: "2.01"))
      let stillStreaming = try #require(try await messages.next())
      #expect(stillStreaming.quote.symbol.ticker == kept && stillStreaming.sequence == 3)

      _ = try await client.subscribeBulk(.make("hi", ["TSLA"], .high))
      let last = try #require(try await messages.next())
      #expect(last.ended.symbol.ticker == kept && last.ended.reason == .evicted && last.ended.symbolsLeft == 0)
      await expectRPCError(
        .failedPrecondition,
        "no symbol left on this stream: \(kept) was evicted: a HIGH subscription needed its upstream slot (capacity 2, "
          + "held at LOW); subscribe again at a higher priority and open a new stream for it"
      ) {
        _ = try await messages.next()
      }
    }
  }

  /// A stream whose only symbol the client unsubscribes gets a notice and then ends OK.
  static func unsubscribing(_ client: PricingClient, _ feed: ManualFeed) async throws {
    _ = try await client.subscribeBulk(.make("u", ["AMD"], .normal))
    try await client.streamQuotes(.make("u", ["AMD"])) { response in
      var messages = response.messages.makeAsyncIterator()
      feed.push(quote("AMD", bid: "1.00", ask: "1.01"))
      #expect(try await messages.next()?.quote.symbol.ticker == "AMD")
      var request = Slipstream_Pricing_V1_UnsubscribeRequest()
      request.clientID = "u"
      request.symbols = [wireSymbol("AMD")]
      _ = try await client.unsubscribe(request)
      let notice = try #require(try await messages.next())
      #expect(notice.ended.symbol.ticker == "AMD" && notice.ended.reason == .unsubscribed && notice.ended.symbolsLeft == 0)
      #expect(notice.ended.detail == "AMD was unsubscribed by client u")
      // The call ends with OK.
      #expect(try await messages.next() == nil)
    }
  }
}

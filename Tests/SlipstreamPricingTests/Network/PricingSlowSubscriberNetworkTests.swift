import SlipstreamAPI
@testable import SlipstreamPricing
import SlipstreamRPC
import Testing

@Suite("Pricing over TLS: a subscriber that stops reading", .timeLimit(.minutes(2)))
struct PricingSlowSubscriberNetworkTests {
  typealias Response = Slipstream_Pricing_V1_StreamQuotesResponse

  static let tickers = Array(PricingScenario.tickers[0..<20])
  static let rounds = 1_000
  static var pushed: Int { tickers.count * rounds }

  /// Round `round`'s bid for the symbol at `index`; every one is distinct and has no trailing
  /// zero, so it reads back as written.
  static func bid(round: Int, index: Int) -> String { "\(round + 1).\(index + 1)1" }

  @Test("a stalled stream is conflated (latest per symbol, skips counted) while a fast one gets all 20,000 quotes in order")
  func stalledStreamConflates() async throws {
    // Small windows and buffers so the stalled stream's transport holds at most a few hundred
    // messages: everything else must be conflated in the service, not queued.
    try await withPricingServer(configureServer: { configuration in
      configuration.http2.outboundBufferHighWatermark = 16_384
      configuration.http2.outboundBufferLowWatermark = 4_096
    }) { pricing in
      let (_, slowClient) = try pricing.connect { configuration in
        configuration.http2.initialStreamWindowSize = 16_384
        configuration.responseBufferHighWatermark = 16_384
      }
      let (_, fastClient) = try pricing.connect()
      _ = try await slowClient.subscribeBulk(.make("slow", Self.tickers, .normal))
      _ = try await fastClient.subscribeBulk(.make("fast", Self.tickers, .normal))

      let slowOpened = Signal()
      let slowMayRead = Signal()
      async let slowResult: [Response] = slowClient.streamQuotes(.make("slow", Self.tickers)) { response in
        // The server sends headers once the stream is attached to the hub.
        slowOpened.fire()
        await slowMayRead.wait()
        let finalBids = Set(Self.tickers.indices.map { Self.bid(round: Self.rounds - 1, index: $0) })
        var seenFinal = Set<String>()
        var received: [Response] = []
        for try await message in response.messages {
          received.append(message)
          if finalBids.contains(message.quote.bid.value) { seenFinal.insert(message.quote.bid.value) }
          if seenFinal == finalBids { break }
        }
        return received
      }
      await slowOpened.wait()

      do {
        try await fast(fastClient, pricing)
      } catch {
        slowMayRead.fire()  // so the slow call can end and the test reports the failure
        throw error
      }
      let statistics = pricing.service.hub.statistics
      #expect(statistics.accepted == UInt64(Self.pushed))
      #expect(statistics.offered == UInt64(2 * Self.pushed))

      slowMayRead.fire()
      let slow = try await slowResult
      let delivered = slow.count
      // Every quote pushed was either delivered or replaced by a newer one and counted.
      #expect(slow.map(\.skipped).reduce(0, +) == UInt64(Self.pushed - delivered))
      #expect(slow.map(\.totalSkipped).max() == UInt64(Self.pushed - delivered))
      #expect(slow.map(\.sequence) == (1...UInt64(delivered)).map { $0 })
      // The transport held a few hundred at most; the rest were conflated in the service.
      #expect(delivered < Self.pushed / 4, "the stalled stream was queued, not conflated: \(delivered) delivered")
      for ticker in Self.tickers {
        let sequences = slow.filter { $0.quote.symbol.ticker == ticker }.map(\.quote.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count, "\(ticker) quotes out of order")
        #expect(sequences.last == UInt64(Self.rounds), "\(ticker) did not end with the latest quote")
      }
    }
  }

  /// Pushes every round and checks the fast stream receives each quote, in order, unskipped.
  func fast(_ client: PricingClient, _ pricing: PricingServerFixture) async throws {
    try await client.streamQuotes(.make("fast", Self.tickers)) { response in
      var messages = response.messages.makeAsyncIterator()
      for round in 0..<Self.rounds {
        // One quote per symbol, then wait for all of them: the fast stream never has two
        // quotes of one symbol pending, so it must receive every quote.
        for (index, ticker) in Self.tickers.enumerated() {
          pricing.feed.push(quote(ticker, bid: Self.bid(round: round, index: index), ask: "\(round + 2)"))
        }
        for (index, ticker) in Self.tickers.enumerated() {
          let message = try #require(try await messages.next())
          let expected = UInt64(round * Self.tickers.count + index + 1)
          guard message.quote.symbol.ticker == ticker, message.quote.bid.value == Self.bid(round: round, index: index),
            message.sequence == expected, message.skipped == 0, message.totalSkipped == 0
          else {
            Issue.record("fast stream message \(expected): \(message)")
            return
          }
        }
      }
    }
  }
}

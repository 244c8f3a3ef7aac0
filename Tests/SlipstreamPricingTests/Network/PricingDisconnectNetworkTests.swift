import SlipstreamAPI
@testable import SlipstreamPricing
import Testing

@Suite("Pricing over TLS: a closed connection releases its subscriptions", .timeLimit(.minutes(1)))
struct PricingDisconnectNetworkTests {
  @Test("closing a channel releases its client's subscriptions; a shared symbol stays for the other holder")
  func closingReleases() async throws {
    try await withPricingServer { pricing in
      let events = pricing.service.events()
      let (leaving, leavingClient) = try pricing.connect()
      let (_, stayingClient) = try pricing.connect()
      _ = try await leavingClient.subscribeBulk(.make("alpha", ["AAPL", "MSFT"], .normal))
      _ = try await stayingClient.subscribeBulk(.make("beta", ["MSFT"], .low))
      #expect(try await stayingClient.listSubscriptions(.init()).used == 2)

      await leaving.close()

      var released: (client: String, symbols: Set<String>)?
      for await event in events {
        if case .released(let client, let symbols) = event {
          released = (client, Set(symbols.map(\.value)))
          break
        }
      }
      #expect(released?.client == "alpha")
      #expect(released?.symbols == ["AAPL", "MSFT"])
      // The feed is told to drop the symbol nobody holds any more.
      await pricing.feed.waitUntilWanted([sym("MSFT")])

      let list = try await stayingClient.listSubscriptions(.init())
      #expect(list.used == 1)
      #expect(list.byClient == ["beta": 1])
      let held = try #require(list.subscriptions.first)
      #expect(list.subscriptions.count == 1)
      #expect(held.symbol.ticker == "MSFT" && held.clientID == "beta" && held.priority == .low)
    }
  }
}

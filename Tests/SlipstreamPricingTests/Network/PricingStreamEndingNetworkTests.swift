@testable import SlipstreamPricing
import Testing

@Suite("Pricing over TLS: a stream's ended symbols", .timeLimit(.minutes(1)))
struct PricingStreamEndingNetworkTests {
  @Test("an evicted symbol leaves the stream with a notice; the last one ends it FAILED_PRECONDITION")
  func evictionsEndTheStream() async throws {
    try await withPricingServer(PricingConfiguration(capacity: 2)) { pricing in
      let (_, client) = try pricing.connect()
      try await StreamEndingScenario.evictions(client, pricing.feed)
    }
  }

  @Test("unsubscribing a stream's last symbol sends a notice and ends the stream OK")
  func unsubscribingEndsTheStream() async throws {
    try await withPricingServer { pricing in
      let (_, client) = try pricing.connect()
      try await StreamEndingScenario.unsubscribing(client, pricing.feed)
    }
  }
}

import SlipstreamAPI
import SlipstreamRPC
import Testing

@Suite("grpc.health.v1 Health")
struct HealthServiceTests {
  func client(_ store: HealthStatusStore) -> Grpc_Health_V1_Health.Client {
    let server = RPCServer(services: [HealthService(store: store)])
    return Grpc_Health_V1_Health.Client(RPCClient(transport: InProcessTransport(server: server)))
  }

  @Test func checkAnswersTheStatusOfAKnownService() async throws {
    let store = HealthStatusStore()
    store.setStatus(.serving, forService: "")
    store.setStatus(.notServing, forService: "slipstream.pricing.v1.PricingService")
    let health = client(store)
    #expect(try await health.check(.with { $0.service = "" }).status == .serving)
    #expect(try await health.check(.with { $0.service = "slipstream.pricing.v1.PricingService" }).status == .notServing)
  }

  @Test func checkOfAnUnknownServiceIsNotFound() async throws {
    let health = client(HealthStatusStore())
    do {
      _ = try await health.check(.with { $0.service = "nope.Service" })
      Issue.record("expected NOT_FOUND")
    } catch let error as RPCError {
      #expect(error.code == .notFound)
      #expect(error.message == "Unknown service 'nope.Service'.")
    }
  }

  @Test func watchStreamsTheCurrentStatusThenEveryChange() async throws {
    let store = HealthStatusStore()
    let health = client(store)
    let seen = try await health.watch(.with { $0.service = "svc" }) { response in
      var seen: [HealthStatusStore.Status] = []
      for try await update in response.messages {
        seen.append(update.status)
        switch seen.count {
        case 1: store.setStatus(.serving, forService: "svc")
        case 2: store.setStatus(.notServing, forService: "svc")
        default: return seen
        }
      }
      return seen
    }
    #expect(seen == [.serviceUnknown, .serving, .notServing])
  }

  @Test func generatedClientAndServerAgreeOnMethodPaths() {
    #expect(Grpc_Health_V1_Health.Method.check.path == "/grpc.health.v1.Health/Check")
    #expect(Grpc_Health_V1_Health.Method.watch.path == "/grpc.health.v1.Health/Watch")
    #expect(Slipstream_Pricing_V1_PricingService.Method.all.map(\.method) == [
      "SubscribeBulk", "Unsubscribe", "GetQuote", "GetQuotes", "StreamQuotes", "ListSubscriptions",
    ])
  }
}

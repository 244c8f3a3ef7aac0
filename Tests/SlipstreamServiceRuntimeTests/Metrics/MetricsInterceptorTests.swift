import Prometheus
import SlipstreamRPC
import SlipstreamServiceRuntime
import SlipstreamTransport
import Testing

@Suite("Metrics: the server interceptor")
struct MetricsInterceptorTests {
  @Test func countsCallsByMethodAndCodeAndTimesThem() async throws {
    let registry = PrometheusCollectorRegistry()
    let server = GRPCServer(
      configuration: GRPCServerConfiguration(port: 0, security: .plaintext),
      services: [RuntimeTestService()],
      interceptors: [MetricsInterceptor(factory: PrometheusMetricsFactory(registry: registry))]
    )
    let port = try await server.start()
    let codec = StringCodec()
    try await withClient(port: port) { rpc in
      for _ in 0..<2 {
        _ = try await rpc.unary(RuntimeTestService.echo, request: "x", serializer: codec, deserializer: codec)
      }
      let error = await rpcError {
        _ = try await rpc.unary(RuntimeTestService.missing, request: "AAPL", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .notFound)
    }
    await server.shutdownGracefully()
    let exposition = registry.emitToString()
    #expect(exposition.contains("rpc_server_requests_total{method=\"test.Runtime/Echo\",code=\"OK\"} 2\n"))
    #expect(exposition.contains("rpc_server_requests_total{method=\"test.Runtime/Missing\",code=\"NOT_FOUND\"} 1\n"))
    #expect(exposition.contains("rpc_server_handling_seconds_count{method=\"test.Runtime/Echo\"} 2\n"))
    #expect(exposition.contains("rpc_server_handling_seconds_count{method=\"test.Runtime/Missing\"} 1\n"))
  }
}

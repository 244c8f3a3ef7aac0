import Prometheus
import SlipstreamServiceRuntime
import Testing

@Suite("Metrics: the /metrics HTTP endpoint")
struct MetricsEndpointTests {
  /// Starts an endpoint on a free port with its own registry, runs `body`, shuts it down.
  func withEndpoint(_ body: (PrometheusCollectorRegistry, Int) async throws -> Void) async throws {
    let registry = PrometheusCollectorRegistry()
    let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: registry)
    let port = try await endpoint.start()
    #expect(endpoint.port == port)
    do {
      try await body(registry, port)
      await endpoint.shutdown()
    } catch {
      await endpoint.shutdown()
      throw error
    }
  }

  @Test func getMetricsServesTheRegistry() async throws {
    try await withEndpoint { registry, port in
      let published = MetricNameDescriptor(metricName: "quotes_published", unitName: "total", helpText: "Quotes sent.")
      registry.makeCounter(descriptor: published, labels: [("symbol", "AAPL")]).increment(by: Int64(3))
      let response = try await rawExchange(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
      #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
      #expect(response.lowercased().contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n"))
      #expect(response.contains("\n# HELP quotes_published_total Quotes sent.\n"))
      #expect(response.contains("\nquotes_published_total{symbol=\"AAPL\"} 3\n"))
    }
  }

  @Test func queryStringIsIgnored() async throws {
    try await withEndpoint { _, port in
      let response = try await rawExchange(port: port, "GET /metrics?format=text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
      #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
    }
  }

  @Test func otherPathsAreNotFound() async throws {
    try await withEndpoint { _, port in
      let response = try await rawExchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
      #expect(response.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
    }
  }

  @Test func otherMethodsAreNotAllowed() async throws {
    try await withEndpoint { _, port in
      let response = try await rawExchange(
        port: port,
        "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
      )
      #expect(response.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
      #expect(response.lowercased().contains("allow: get\r\n"))
    }
  }

  @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
    try await withEndpoint { registry, port in
      registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "replicas", unitName: "", helpText: "Replicas.")).set(to: Double(2))
      let request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
      let response = try await rawExchange(
        port: port,
        String(repeating: request, count: 3) + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
      )
      #expect(response.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 4)
      #expect(response.components(separatedBy: "\nreplicas 2").count == 4)
      #expect(response.contains("HTTP/1.1 404 Not Found\r\n"))
    }
  }

  @Test func oversizedRequestHeadIsRefusedAndClosed() async throws {
    try await withEndpoint { _, port in
      let padding = String(repeating: "a", count: MetricsEndpoint.maximumRequestSize)
      let response = try await rawExchange(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Padding: \(padding)\r\n\r\n")
      #expect(response == "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    }
  }

  /// After shutdown nothing of this endpoint answers on its port. Tests run in parallel and
  /// bind port 0, so another test's server may get the freed port at once: the check is that
  /// the connection fails, or that what answers does not serve this endpoint's registry
  /// (a metric only it has).
  @Test func shutdownStopsListening() async throws {
    let registry = PrometheusCollectorRegistry()
    let marker = "shutdown_probe_\(UInt64.random(in: 1...UInt64.max))"
    registry.makeCounter(descriptor: MetricNameDescriptor(metricName: marker, helpText: "Only this endpoint serves it.")).increment()
    let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: registry)
    let port = try await endpoint.start()
    let request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    #expect(try await rawExchange(port: port, request).contains(marker))
    await endpoint.shutdown()
    do {
      let response = try await rawExchange(port: port, request)
      #expect(!response.contains(marker), "the endpoint still answers after shutdown")
    } catch {
      // Nobody listens on the port any more.
    }
  }
}

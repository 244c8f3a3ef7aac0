import Testing

@testable import SlipstreamAlpaca

@Suite("Alpaca stream configuration")
struct AlpacaStreamConfigurationTests {
  @Test(
    "endpoints",
    arguments: [
      ("wss://stream.data.alpaca.markets/v2/iex", true, "stream.data.alpaca.markets", 443, "/v2/iex"),
      ("ws://127.0.0.1:8765/v2/test", false, "127.0.0.1", 8765, "/v2/test"),
      ("WS://localhost", false, "localhost", 80, "/"),
      ("wss://[::1]:9000/v2/sip?x=1", true, "::1", 9000, "/v2/sip?x=1"),
    ])
  func endpoints(url: String, secure: Bool, host: String, port: Int, path: String) throws {
    let endpoint = try AlpacaStreamConfiguration.Endpoint(url: url)
    #expect(endpoint.secure == secure)
    #expect(endpoint.host == host)
    #expect(endpoint.port == port)
    #expect(endpoint.path == path)
  }

  @Test(
    "bad URLs name the problem",
    arguments: [
      ("https://stream.data.alpaca.markets/v2/iex", "the scheme must be ws:// or wss://"),
      ("wss:///v2/iex", "no host (credentials in the URL are not supported)"),
      ("wss://user@host/v2/iex", "no host (credentials in the URL are not supported)"),
      ("ws://host:0/", "invalid port '0'"),
      ("ws://host:x/", "invalid port 'x'"),
      ("ws://[::1/", "unclosed '[' in the host"),
      ("ws://host/#frag", "a fragment is not allowed"),
    ])
  func badURLs(url: String, reason: String) {
    #expect(throws: AlpacaStreamError.invalidConfiguration("URL '\(url)': \(reason)")) {
      try AlpacaStreamConfiguration.Endpoint(url: url)
    }
  }

  @Test("wss gets TLS with ALPN http/1.1 and the system roots; ws gets none")
  func tls() throws {
    let secure = try AlpacaStreamConfiguration(url: AlpacaStreamConfiguration.iexURL, keyID: "k", secret: "s")
    #expect(secure.tls?.applicationProtocols == ["http/1.1"])
    #expect(secure.tls?.requireALPN == false)
    #expect(secure.tls?.trustRoots == .file(AlpacaStreamConfiguration.systemTrustRoots))
    let plain = try AlpacaStreamConfiguration(url: "ws://127.0.0.1:1/v2/iex", keyID: "k", secret: "s")
    #expect(plain.tls == nil)
  }

  @Test("empty credentials are refused")
  func credentials() {
    #expect(throws: AlpacaStreamError.invalidConfiguration("the API key id and secret must not be empty")) {
      try AlpacaStreamConfiguration(url: AlpacaStreamConfiguration.iexURL, keyID: "", secret: "s")
    }
  }

  @Test("limits are checked when the stream is made")
  func limits() throws {
    var configuration = try AlpacaStreamConfiguration(url: "ws://127.0.0.1:1/v2/iex", keyID: "k", secret: "s")
    configuration.maximumSymbolsPerRequest = 0
    #expect(throws: AlpacaStreamError.invalidConfiguration("maximumSymbolsPerRequest must be at least 1")) {
      try AlpacaMarketDataStream(configuration: configuration)
    }
    configuration.maximumSymbolsPerRequest = 10
    configuration.maximumMessageSize = 10
    #expect(throws: AlpacaStreamError.invalidConfiguration("maximumMessageSize must be between 1 KiB and 4 GiB")) {
      try AlpacaMarketDataStream(configuration: configuration)
    }
  }

  @Test("backoff doubles up to the maximum", arguments: [(1, 250), (2, 500), (3, 1000), (8, 30_000), (100, 30_000)])
  func backoff(attempt: Int, milliseconds: Int) {
    #expect(AlpacaStreamConfiguration.Backoff().delay(forAttempt: attempt) == .milliseconds(milliseconds))
  }
}

@Suite("Alpaca stream configuration text")
struct AlpacaStreamConfigurationTextTests {
  @Test("the description never shows the secret")
  func redacted() throws {
    let configuration = try AlpacaStreamConfiguration(url: "ws://127.0.0.1:9/v2/iex", keyID: "PKTEST", secret: "s3cr3t")
    #expect(configuration.description == "AlpacaStreamConfiguration(ws://127.0.0.1:9/v2/iex, key id PKTEST, secret redacted)")
    #expect(!"\(configuration)".contains("s3cr3t"))
  }
}

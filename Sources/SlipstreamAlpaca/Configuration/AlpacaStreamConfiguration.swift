import SlipstreamTLS

/// Everything an ``AlpacaMarketDataStream`` needs: where to connect, the credentials, TLS,
/// time limits, input limits and how to reconnect. Every parameter but the credentials has a
/// default.
///
/// ```swift
/// let configuration = try AlpacaStreamConfiguration(
///   url: AlpacaStreamConfiguration.iexURL, keyID: key, secret: secret)
/// ```
public struct AlpacaStreamConfiguration: Sendable, Hashable, CustomStringConvertible {
  /// The free plan's feed (IEX), one connection and 30 quote symbols.
  public static let iexURL = "wss://stream.data.alpaca.markets/v2/iex"
  /// The consolidated feed (SIP), paid plans.
  public static let sipURL = "wss://stream.data.alpaca.markets/v2/sip"
  /// Alpaca's always-on test stream, for checking keys and the connection outside market
  /// hours. Its only symbol, `FAKEPACA`, is not a domain `Symbol` (equity
  /// tickers have 1 to 5 letters), so ``AlpacaMarketDataStream/subscribe(quotes:)`` refuses
  /// it: the adapter connects and authenticates there but receives no quotes.
  public static let testURL = "wss://stream.data.alpaca.markets/v2/test"
  /// Debian's bundle of system trust roots, used for `wss://` when no TLS is given.
  public static let systemTrustRoots = "/etc/ssl/certs/ca-certificates.crt"

  /// Where a stream connects: parsed from a `ws://` or `wss://` URL.
  public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// Whether the connection uses TLS (`wss`).
    public let secure: Bool
    public let host: String
    public let port: Int
    /// The request path, e.g. `/v2/iex`.
    public let path: String

    /// Parses `ws[s]://host[:port][/path]` (IPv6 hosts in brackets).
    /// - Throws: ``AlpacaStreamError/invalidConfiguration(_:)`` naming what is wrong.
    public init(url: String) throws(AlpacaStreamError) {
      func fail(_ reason: String) -> AlpacaStreamError { .invalidConfiguration("URL '\(url)': \(reason)") }
      let secure: Bool
      var rest: Substring
      if url.lowercased().hasPrefix("wss://") {
        secure = true
        rest = url.dropFirst(6)
      } else if url.lowercased().hasPrefix("ws://") {
        secure = false
        rest = url.dropFirst(5)
      } else {
        throw fail("the scheme must be ws:// or wss://")
      }
      let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
      rest = rest.dropFirst(authority.count)
      guard !rest.contains("#") else { throw fail("a fragment is not allowed") }
      var host: Substring
      var portText: Substring?
      if authority.hasPrefix("[") {
        guard let close = authority.firstIndex(of: "]") else { throw fail("unclosed '[' in the host") }
        host = authority[authority.index(after: authority.startIndex)..<close]
        let after = authority[authority.index(after: close)...]
        if !after.isEmpty {
          guard after.hasPrefix(":") else { throw fail("unexpected text after the host") }
          portText = after.dropFirst()
        }
      } else if let colon = authority.lastIndex(of: ":") {
        host = authority[..<colon]
        portText = authority[authority.index(after: colon)...]
      } else {
        host = authority
      }
      guard !host.isEmpty, !host.contains("@") else { throw fail("no host (credentials in the URL are not supported)") }
      var port = secure ? 443 : 80
      if let portText {
        guard let value = Int(portText), (1...65535).contains(value) else { throw fail("invalid port '\(portText)'") }
        port = value
      }
      self.secure = secure
      self.host = String(host)
      self.port = port
      self.path = rest.isEmpty ? "/" : String(rest)
    }

    public var description: String {
      let hostText = host.contains(":") ? "[\(host)]" : host
      return "\(secure ? "wss" : "ws")://\(hostText):\(port)\(path)"
    }
  }

  /// How reconnection after an unexpected disconnect backs off: `initial`, then ×`multiplier`
  /// per failed attempt up to `maximum`, with up to `jitter` (a fraction) added at random.
  public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    public var jitter: Double
    /// Attempts after which the stream gives up and ends its events; nil retries forever.
    public var maximumAttempts: Int?

    public init(
      initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30), multiplier: Double = 2,
      jitter: Double = 0.2, maximumAttempts: Int? = nil
    ) {
      self.initial = initial
      self.maximum = maximum
      self.multiplier = multiplier
      self.jitter = jitter
      self.maximumAttempts = maximumAttempts
    }

    /// The pause before reconnection attempt `attempt` (1-based), before jitter.
    public func delay(forAttempt attempt: Int) -> Duration {
      var delay = initial
      for _ in 1..<max(attempt, 1) {
        delay = delay * multiplier
        if delay >= maximum { return maximum }
      }
      return min(delay, maximum)
    }
  }

  /// The stream's endpoint.
  public var endpoint: Endpoint
  /// The API key id.
  public var keyID: String
  /// The API secret.
  public var secret: String
  /// TLS for `wss://` endpoints (ignored for `ws://`). Its ALPN list should be `["http/1.1"]`.
  public var tls: TLSConfiguration?
  /// Bounds TCP connect, TLS handshake and websocket upgrade together.
  public var connectTimeout: Duration = .seconds(10)
  /// Bounds each of the welcome and authentication replies. Alpaca itself drops a session
  /// that has not authenticated within 10 seconds (error 404).
  public var authenticationTimeout: Duration = .seconds(10)
  /// Bounds the server's reply to a subscribe or unsubscribe.
  public var requestTimeout: Duration = .seconds(10)
  /// The largest websocket message accepted (after reassembling fragments), in bytes.
  public var maximumMessageSize: Int = 1 << 20
  /// The most symbols one subscribe or unsubscribe may name.
  public var maximumSymbolsPerRequest: Int = 1000
  /// Events held for a slow consumer before the oldest quotes are dropped (and counted).
  public var eventBufferSize: Int = 10_000
  /// Reconnection after an unexpected disconnect.
  public var reconnect: Backoff = Backoff()

  /// A configuration for `url`.
  /// - Parameters:
  ///   - url: `wss://stream.data.alpaca.markets/v2/iex` (``iexURL``), ``sipURL``, ``testURL``,
  ///     or a `ws://` URL of a local stand-in.
  ///   - keyID: the API key id.
  ///   - secret: the API secret.
  ///   - tls: TLS for `wss://`; by default the system trust roots with full verification and
  ///     ALPN `http/1.1`.
  /// - Throws: ``AlpacaStreamError/invalidConfiguration(_:)`` for a bad URL or empty credentials.
  public init(url: String, keyID: String, secret: String, tls: TLSConfiguration? = nil) throws(AlpacaStreamError) {
    self.endpoint = try Endpoint(url: url)
    guard !keyID.isEmpty, !secret.isEmpty else {
      throw .invalidConfiguration("the API key id and secret must not be empty")
    }
    self.keyID = keyID
    self.secret = secret
    if endpoint.secure {
      self.tls = tls ?? Self.defaultTLS(trustRoots: .file(Self.systemTrustRoots))
    } else {
      self.tls = nil
    }
  }

  /// A TLS client configuration for websockets: HTTP/1.1 over ALPN (not required, as not
  /// every server speaks ALPN), full verification against `trustRoots`.
  public static func defaultTLS(trustRoots: TLSConfiguration.PEMSource) -> TLSConfiguration {
    var tls = TLSConfiguration.client(trustRoots: trustRoots)
    tls.applicationProtocols = ["http/1.1"]
    tls.requireALPN = false
    return tls
  }

  /// The endpoint and key id; the secret is never shown.
  public var description: String {
    "AlpacaStreamConfiguration(\(endpoint), key id \(keyID), secret redacted)"
  }

  /// Checks the limits.
  /// - Throws: ``AlpacaStreamError/invalidConfiguration(_:)``.
  func validate() throws(AlpacaStreamError) {
    guard maximumMessageSize >= 1024, maximumMessageSize <= Int(UInt32.max) else {
      throw .invalidConfiguration("maximumMessageSize must be between 1 KiB and 4 GiB")
    }
    guard maximumSymbolsPerRequest >= 1 else { throw .invalidConfiguration("maximumSymbolsPerRequest must be at least 1") }
    guard eventBufferSize >= 1 else { throw .invalidConfiguration("eventBufferSize must be at least 1") }
    guard reconnect.multiplier >= 1, reconnect.jitter >= 0, reconnect.initial > .zero else {
      throw .invalidConfiguration("reconnect backoff needs initial > 0, multiplier >= 1, jitter >= 0")
    }
  }
}

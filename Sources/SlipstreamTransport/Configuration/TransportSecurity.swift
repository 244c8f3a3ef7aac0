public import SlipstreamTLS

/// How a server secures its connections.
public enum ServerSecurity: Sendable, Hashable {
  /// HTTP/2 over TLS (ALPN h2). Mutual TLS when the configuration names client trust roots.
  case tls(TLSConfiguration)
  /// Cleartext HTTP/2 with prior knowledge (h2c). Only when explicitly asked for: local tools
  /// and benchmarks.
  case plaintext
}

/// How a client secures its connections.
public enum ClientSecurity: Sendable, Hashable {
  /// TLS, verifying the server against the configuration's trust roots and `serverHostname`
  /// (defaults to the endpoint's host).
  case tls(TLSConfiguration, serverHostname: String? = nil)
  /// Cleartext HTTP/2 with prior knowledge (h2c).
  case plaintext
}

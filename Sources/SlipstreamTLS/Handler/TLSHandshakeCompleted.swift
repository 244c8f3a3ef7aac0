/// The user inbound event a ``TLSHandler`` fires once the handshake has succeeded.
public struct TLSHandshakeCompleted: Sendable, Hashable {
  /// The ALPN protocol agreed on (e.g. "h2"), if any.
  public var negotiatedProtocol: String?
  /// The identity in the peer's certificate: always set on clients; on servers only with
  /// mutual TLS.
  public var peerIdentity: TLSPeerIdentity?
  /// E.g. "TLSv1.3".
  public var protocolVersion: String
  /// E.g. "TLS_AES_256_GCM_SHA384".
  public var cipher: String

  /// Creates the event.
  public init(negotiatedProtocol: String?, peerIdentity: TLSPeerIdentity?, protocolVersion: String, cipher: String) {
    self.negotiatedProtocol = negotiatedProtocol
    self.peerIdentity = peerIdentity
    self.protocolVersion = protocolVersion
    self.cipher = cipher
  }
}

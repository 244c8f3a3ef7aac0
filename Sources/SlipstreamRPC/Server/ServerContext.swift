public import SlipstreamWire
import Synchronization

/// Who is on the other end of a call, as the transport saw it.
public struct PeerInfo: Sendable, Hashable, CustomStringConvertible {
  /// The remote address, e.g. `ipv4:127.0.0.1:50432`, or `in-process`.
  public var address: String
  /// The verified certificate identity under mutual TLS; nil otherwise.
  public var identity: PeerIdentity?

  public init(address: String, identity: PeerIdentity? = nil) {
    self.address = address
    self.identity = identity
  }

  public var description: String {
    identity.map { "\(address) (\($0.commonName ?? $0.subject))" } ?? address
  }
}

/// A peer's verified certificate, transport-neutral.
public struct PeerIdentity: Sendable, Hashable {
  /// The full subject distinguished name.
  public var subject: String
  /// The subject's common name, if present.
  public var commonName: String?
  /// DNS names, IP addresses and URIs from the subjectAltName extension.
  public var subjectAlternativeNames: [String]
  /// SHA-256 of the DER certificate, lowercase hex.
  public var fingerprint: String

  public init(subject: String, commonName: String?, subjectAlternativeNames: [String], fingerprint: String) {
    self.subject = subject
    self.commonName = commonName
    self.subjectAlternativeNames = subjectAlternativeNames
    self.fingerprint = fingerprint
  }
}

/// Response metadata a handler sets: initial metadata (sent before the first message) and
/// trailing metadata (sent with the status).
public final class ResponseMetadata: Sendable {
  private let state = Mutex<(initial: Metadata, trailing: Metadata)>(([:], [:]))

  public init() {}

  /// Initial metadata; changes after the headers went out have no effect.
  public var initial: Metadata {
    get { state.withLock { $0.initial } }
    set { state.withLock { $0.initial = newValue } }
  }

  /// Trailing metadata sent with the status, whether the call succeeds or fails.
  public var trailing: Metadata {
    get { state.withLock { $0.trailing } }
    set { state.withLock { $0.trailing = newValue } }
  }
}

/// What a handler knows about its call.
public struct ServerContext: Sendable {
  /// The method being called.
  public let method: MethodDescriptor
  /// The client's request metadata (custom headers; transport headers removed).
  public let metadata: Metadata
  /// The remote peer.
  public let peer: PeerInfo
  /// When the call must be finished by, from the client's `grpc-timeout`.
  public let deadline: ContinuousClock.Instant?
  /// Metadata the handler sends back.
  public let response: ResponseMetadata
  /// The connection the call arrived on; nil when the transport has none.
  public let connection: ConnectionLifetime?

  public init(
    method: MethodDescriptor,
    metadata: Metadata,
    peer: PeerInfo,
    deadline: ContinuousClock.Instant?,
    response: ResponseMetadata = ResponseMetadata(),
    connection: ConnectionLifetime? = nil
  ) {
    self.method = method
    self.metadata = metadata
    self.peer = peer
    self.deadline = deadline
    self.response = response
    self.connection = connection
  }
}

public import SlipstreamWire

/// The outbound half of a server call, implemented by a transport.
///
/// The RPC core calls it from the handler's task. `headers` is non-nil exactly once: on the
/// first `write`, or on `finish` when nothing was written (a trailers-only response when
/// there were no messages either).
public protocol ServerCallResponder: Sendable {
  /// Sends one serialized response message, suspending while the peer is not reading.
  /// - Parameters:
  ///   - payload: The message payload (the transport frames and maybe compresses it).
  ///   - headers: Initial metadata to send first, when they have not gone out yet.
  /// - Throws: an error when the stream is gone (client cancelled, connection lost).
  ///
  /// `nonisolated(nonsending)`: it runs on the caller's executor, so writing a message takes
  /// no executor hop.
  nonisolated(nonsending) func write(_ payload: [UInt8], headers: Metadata?) async throws

  /// Sends the initial metadata now, before any message (a stream that may stay quiet for a
  /// while tells its client it is established).
  /// - Throws: an error when the stream is gone.
  func sendHeaders(_ headers: Metadata) async throws

  /// Sends the messages `source` makes ready until the call ends or the source is finished
  /// (see ``ResponseSource``); a default implementation writes them from the calling task.
  /// - Parameters:
  ///   - source: Where the messages come from.
  ///   - headers: Initial metadata to send first, when they have not gone out yet.
  /// - Throws: an error when the stream is gone (client cancelled, connection lost) or the
  ///   task is cancelled. Returns once ``ResponseSource/isFinished`` is true after its last
  ///   messages were sent.
  func send(from source: any ResponseSource, headers: Metadata?) async throws

  /// Ends the call. Calls after the first have no effect.
  /// - Parameters:
  ///   - headers: Initial metadata, when they have not gone out yet.
  ///   - lastMessage: A final message to send before the status (saves a round of work for
  ///     unary calls).
  ///   - status: The call's status.
  ///   - trailers: Trailing metadata.
  func finish(headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata)
}

/// One inbound call as a transport hands it to ``RPCServer/handle(_:)``.
public struct ServerCall: Sendable {
  /// The `:path` the client asked for.
  public var path: String
  /// Request metadata (transport headers removed).
  public var metadata: Metadata
  /// The deadline from `grpc-timeout`, if any.
  public var deadline: ContinuousClock.Instant?
  /// The transport ends the call itself when `deadline` passes: it sends DEADLINE_EXCEEDED
  /// (`Status.deadlineExceeded`), fails the request stream and cancels the handler's
  /// task. ``RPCServer`` then runs the handler without a timer of its own; when false it
  /// races the handler against one (a task group with a sleeping child per call).
  public var transportEnforcesDeadline: Bool
  /// The remote peer.
  public var peer: PeerInfo
  /// Request message payloads, already deframed and decompressed by the transport.
  public var requests: RPCStreamBuffer<[UInt8]>
  /// Where the response goes.
  public var responder: any ServerCallResponder
  /// The connection the call arrived on, when the transport tracks one.
  public var connection: ConnectionLifetime?
  /// The metadata the handler sends back (``ServerContext/response``). A transport that
  /// ends calls itself (``transportEnforcesDeadline``) reads it then, so a call cut off by
  /// its deadline still carries what the handler set.
  public var response: ResponseMetadata

  public init(
    path: String,
    metadata: Metadata,
    deadline: ContinuousClock.Instant?,
    peer: PeerInfo,
    requests: RPCStreamBuffer<[UInt8]>,
    responder: any ServerCallResponder,
    connection: ConnectionLifetime? = nil,
    transportEnforcesDeadline: Bool = false,
    response: ResponseMetadata = ResponseMetadata()
  ) {
    self.path = path
    self.metadata = metadata
    self.deadline = deadline
    self.transportEnforcesDeadline = transportEnforcesDeadline
    self.peer = peer
    self.requests = requests
    self.responder = responder
    self.connection = connection
    self.response = response
  }
}

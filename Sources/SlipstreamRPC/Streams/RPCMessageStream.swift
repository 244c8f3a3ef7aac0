import SlipstreamWire

/// An async sequence of typed messages: the requests a handler reads, or the responses a
/// client reads. Single consumer.
public struct RPCMessageStream<Message: Sendable>: AsyncSequence, Sendable {
  public typealias Element = Message

  private let nextMessage: @Sendable () async throws -> Message?

  /// Creates a stream from a function that returns the next message, nil at the end.
  public init(_ nextMessage: @escaping @Sendable () async throws -> Message?) {
    self.nextMessage = nextMessage
  }

  /// Creates a stream that deserializes the payloads of a buffer.
  /// - Parameters:
  ///   - buffer: The payloads.
  ///   - deserializer: Decodes each payload; a failure ends the stream with INTERNAL.
  public init(payloads buffer: RPCStreamBuffer<[UInt8]>, deserializer: some MessageDeserializer<Message>) {
    self.init {
      guard let payload = try await buffer.next() else { return nil }
      return try decode(payload, with: deserializer)
    }
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    fileprivate let nextMessage: @Sendable () async throws -> Message?
    public mutating func next() async throws -> Message? { try await nextMessage() }
  }

  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(nextMessage: nextMessage) }
}

/// Writes typed messages: a server's responses, or a client's requests. Each write suspends
/// while the peer is not reading (flow control), so a slow reader never grows memory.
public struct RPCWriter<Message: Sendable>: Sendable {
  /// Runs on the writer's caller's executor (`nonisolated(nonsending)`), as do ``write(_:)``
  /// and the responder's `write`: a message crosses no executor hop between the handler and
  /// the transport's queue (each hop costs a task switch and a lock in the runtime).
  private let sink: nonisolated(nonsending) @Sendable (Message) async throws -> Void
  private let headerSink: (@Sendable () async throws -> Void)?
  private let sourceSink: (@Sendable (any ResponseSource) async throws -> Void)?

  /// Creates a writer over a function that sends one message.
  /// - Parameter sendHeaders: Sends the initial metadata ahead of any message, if the writer
  ///   can (a server's response writer can; a client's request writer has nothing to send).
  ///   - sendFromSource: Hands a ``ResponseSource`` to the transport (a server's response
  ///     writer); nil makes ``send(from:)`` refuse.
  public init(
    _ sink: nonisolated(nonsending) @escaping @Sendable (Message) async throws -> Void,
    sendHeaders: (@Sendable () async throws -> Void)? = nil,
    sendFromSource: (@Sendable (any ResponseSource) async throws -> Void)? = nil
  ) {
    self.sink = sink
    self.headerSink = sendHeaders
    self.sourceSink = sendFromSource
  }

  /// Sends the response's initial metadata now, if they have not gone out yet: a server
  /// stream that may not produce a message for a while lets its client know it is open.
  /// - Throws: ``RPCError`` when the call is over.
  public func sendHeaders() async throws {
    try await headerSink?()
  }

  /// Sends one message.
  /// - Throws: ``RPCError`` when the call is over (cancelled, failed or finished).
  public nonisolated(nonsending) func write(_ message: Message) async throws {
    try await sink(message)
  }

  /// Sends the already serialized messages `source` makes ready until the call ends or the
  /// source is finished: the transport collects them when the stream can take them, with no
  /// task hop per message (see ``ResponseSource``).
  /// - Throws: ``RPCError`` when the call is over (cancelled, failed or finished), or when
  ///   this writer cannot take a source (`unimplemented`). Returns once the source's last
  ///   message was sent (``ResponseSource/isFinished``); the call is then still open.
  public func send(from source: any ResponseSource) async throws {
    guard let sourceSink else {
      throw RPCError(code: .unimplemented, message: "This writer cannot send from a response source; write each message instead.")
    }
    try await sourceSink(source)
  }

  /// Sends the messages in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await sink(message) }
  }
}

/// Decodes a payload, mapping a failure to INTERNAL with the reason.

func decode<D: MessageDeserializer>(_ payload: [UInt8], with deserializer: D) throws -> D.Message {
  do {
    return try deserializer.deserialize(payload)
  } catch {
    throw RPCError(code: .internalError, message: "Could not decode a message: \(error)", cause: error)
  }
}

/// Encodes a message, mapping a failure to INTERNAL with the reason.

func encode<S: MessageSerializer>(_ message: S.Message, with serializer: S) throws -> [UInt8] {
  do {
    return try serializer.serialize(message)
  } catch {
    throw RPCError(code: .internalError, message: "Could not encode a message: \(error)", cause: error)
  }
}

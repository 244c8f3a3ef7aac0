internal import SlipstreamWire

/// Connects an ``RPCClient`` straight to an ``RPCServer`` in the same process: same routing,
/// deadlines, cancellation and backpressure as over the network, without sockets. For unit
/// tests of services and for embedding.
public struct InProcessTransport: ClientTransport {
  private let server: RPCServer
  private let bufferLimit: Int
  /// The simulated connection every call of this transport arrives on; ``disconnect()``
  /// closes it, as a network client going away would.
  public let connection: ConnectionLifetime

  /// Creates a transport to `server`.
  /// - Parameter bufferLimit: Bytes buffered per direction before the writer suspends.
  public init(server: RPCServer, bufferLimit: Int = 1 << 20) {
    self.server = server
    self.bufferLimit = bufferLimit
    self.connection = ConnectionLifetime()
  }

  /// Closes the simulated connection: services see their ``ConnectionLifetime/onClose(_:)``
  /// callbacks run. Calls already running are not cancelled by this.
  public func disconnect() {
    connection.close()
  }

  public func openCall(
    _ head: ClientCallHead,
    firstMessage: [UInt8]?,
    endOfRequests: Bool
  ) async throws -> any ClientCallStream {
    let requests = RPCStreamBuffer<[UInt8]>(highWatermark: bufferLimit, lowWatermark: bufferLimit / 2)
    let responses = RPCStreamBuffer<ClientResponsePart>(highWatermark: bufferLimit, lowWatermark: bufferLimit / 2)
    let call = ServerCall(
      path: head.method.path,
      metadata: head.metadata,
      deadline: head.deadline,
      peer: PeerInfo(address: "in-process"),
      requests: requests,
      responder: InProcessResponder(responses: responses),
      connection: connection
    )
    if let firstMessage { requests.yield(firstMessage, cost: firstMessage.count) }
    if endOfRequests { requests.finish() }
    let server = self.server
    let task = Task { await server.handle(call) }
    return InProcessCallStream(requests: requests, responses: responses, task: task)
  }
}

private struct InProcessCallStream: ClientCallStream {
  let requests: RPCStreamBuffer<[UInt8]>
  let responses: RPCStreamBuffer<ClientResponsePart>
  let task: Task<Void, Never>

  func write(_ payload: [UInt8]) async throws {
    do {
      try await requests.send(payload, cost: payload.count)
    } catch is RPCStreamBufferClosed {
      throw RPCError(code: .cancelled, message: "The server is no longer reading requests.")
    }
  }

  func finishRequests() async throws { requests.finish() }

  func cancel() {
    task.cancel()
    requests.finish(throwing: CancellationError())
    responses.finish(throwing: RPCError(code: .cancelled, message: "The call was cancelled by the client."))
  }
}

private struct InProcessResponder: ServerCallResponder {
  let responses: RPCStreamBuffer<ClientResponsePart>
  let finished = OnceFlag()

  nonisolated(nonsending) func write(_ payload: [UInt8], headers: Metadata?) async throws {
    do {
      if let headers { try await responses.send(.headers(headers)) }
      try await responses.send(.message(payload), cost: payload.count)
    } catch is RPCStreamBufferClosed {
      throw RPCError(code: .cancelled, message: "The client is no longer reading responses.")
    }
  }

  func sendHeaders(_ headers: Metadata) async throws {
    do {
      try await responses.send(.headers(headers))
    } catch is RPCStreamBufferClosed {
      throw RPCError(code: .cancelled, message: "The client is no longer reading responses.")
    }
  }

  func finish(headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata) {
    guard finished.setFirst() else { return }
    var trailers = trailers
    if let headers {
      if let lastMessage {
        responses.yield(.headers(headers))
        responses.yield(.message(lastMessage), cost: lastMessage.count)
      } else {
        // Trailers-only response: initial metadata travels with the status.
        var merged = headers
        merged.add(contentsOf: trailers)
        trailers = merged
      }
    } else if let lastMessage {
      responses.yield(.message(lastMessage), cost: lastMessage.count)
    }
    responses.yield(.end(status, trailers: trailers))
    responses.finish()
  }
}

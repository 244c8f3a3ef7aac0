import NIOCore
import SlipstreamHTTP2
import SlipstreamRPC
import Synchronization

/// One client call on an HTTP/2 stream, as the RPC core sees it.
final class GRPCClientCall: ClientCallStream {
  private final class Target: Sendable {
    let value = Mutex<(id: HTTP2StreamID, connection: NIOLoopBound<GRPCClientConnection>)?>(nil)
  }

  let responses: RPCStreamBuffer<ClientResponsePart>
  private let eventLoop: any EventLoop
  private let target: Target

  init(eventLoop: any EventLoop, responseBufferHighWatermark: Int) {
    let target = Target()
    self.eventLoop = eventLoop
    self.target = target
    self.responses = RPCStreamBuffer(
      highWatermark: responseBufferHighWatermark,
      lowWatermark: responseBufferHighWatermark / 2,
      onDemand: {
        guard let (id, connection) = target.value.withLock({ $0 }) else { return }
        eventLoop.execute { connection.value.resumeReading(id) }
      }
    )
  }

  /// Called on the event loop once the stream exists.
  func attach(id: HTTP2StreamID, connection: NIOLoopBound<GRPCClientConnection>) {
    target.value.withLock { $0 = (id, connection) }
  }

  func write(_ payload: [UInt8]) async throws {
    guard let (id, connection) = target.value.withLock({ $0 }) else {
      throw RPCError(code: .internalError, message: "The call has no stream.")
    }
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      eventLoop.execute { connection.value.write(id, payload: payload, continuation: continuation) }
    }
  }

  func finishRequests() async throws {
    guard let (id, connection) = target.value.withLock({ $0 }) else { return }
    eventLoop.execute { connection.value.finishRequests(id) }
  }

  func cancel() {
    guard let (id, connection) = target.value.withLock({ $0 }) else {
      responses.finish(throwing: RPCError(code: .cancelled, message: "The call was cancelled by the client."))
      return
    }
    eventLoop.execute { connection.value.cancel(id) }
  }
}

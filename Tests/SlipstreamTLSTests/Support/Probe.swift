import NIOCore
import SlipstreamTLS
import Testing

/// What a test awaits from one end of a connection: the handshake event, the first error,
/// the bytes received and the close. Every promise is completed at the latest by
/// ``finish()``, so none leaks.
final class Probe: Sendable {
  struct Closed: Error {}

  let handshake: EventLoopPromise<TLSHandshakeCompleted>
  /// The first error caught, or nil if the channel closed without one.
  let firstError: EventLoopPromise<(any Error)?>
  let received: EventLoopPromise<ByteBuffer>
  let closed: EventLoopPromise<Void>
  let expectedBytes: Int
  let echo: Bool

  init(on eventLoop: any EventLoop, expectedBytes: Int = 0, echo: Bool = false) {
    self.handshake = eventLoop.makePromise()
    self.firstError = eventLoop.makePromise()
    self.received = eventLoop.makePromise()
    self.closed = eventLoop.makePromise()
    self.expectedBytes = expectedBytes
    self.echo = echo
  }

  /// Completes whatever is still open (double completion is ignored by NIO).
  func finish() {
    self.handshake.fail(Closed())
    self.firstError.succeed(nil)
    self.received.fail(Closed())
    self.closed.succeed(())
  }

  /// A handler to put after the TLSHandler.
  func makeHandler() -> Recorder { Recorder(probe: self) }

  final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let probe: Probe
    var buffer = ByteBuffer()

    init(probe: Probe) { self.probe = probe }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
      if let completed = event as? TLSHandshakeCompleted { self.probe.handshake.succeed(completed) }
      context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
      self.probe.firstError.succeed(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      var bytes = self.unwrapInboundIn(data)
      if self.probe.echo {
        context.writeAndFlush(self.wrapOutboundOut(bytes), promise: nil)
        return
      }
      self.buffer.writeBuffer(&bytes)
      if self.buffer.readableBytes >= self.probe.expectedBytes { self.probe.received.succeed(self.buffer) }
    }

    func channelInactive(context: ChannelHandlerContext) {
      self.probe.finish()
      context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
      self.probe.finish()
    }
  }
}

struct TimedOut: Error {}

/// Awaits a future, failing after `seconds` (a guard against hangs, not a timing assertion).
func value<T: Sendable>(_ future: EventLoopFuture<T>, within seconds: Int64 = 10) async throws -> T {
  let guarded = future.eventLoop.makePromise(of: T.self)
  future.cascade(to: guarded)
  let timer = future.eventLoop.scheduleTask(in: .seconds(seconds)) { guarded.fail(TimedOut()) }
  defer { timer.cancel() }
  return try await guarded.futureResult.get()
}

/// The TLSError kind of an optional error, for `#expect` comparisons.
func tlsKind(_ error: (any Error)?) -> TLSError.Kind? {
  (error as? TLSError)?.kind
}

/// Expects `body` to throw a ``TLSError`` of exactly `kind`.
func expectTLSError(
  _ kind: TLSError.Kind,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("expected a TLSError \(kind), but nothing was thrown", sourceLocation: sourceLocation)
  } catch {
    #expect(tlsKind(error) == kind, "\(error)", sourceLocation: sourceLocation)
  }
}

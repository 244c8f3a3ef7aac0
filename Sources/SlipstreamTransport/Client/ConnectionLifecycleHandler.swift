import NIOCore
import SlipstreamTLS

/// Sits between TLS and HTTP/2 on client connections: reports when the connection is ready
/// (TLS handshake done, or active for plaintext) and the first error, in words a user can
/// act on. Passes everything through.
final class ConnectionLifecycleHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let ready: EventLoopPromise<Void>
  private let waitsForTLS: Bool
  private let endpoint: String
  /// The connection attempt's whole time limit (TCP and TLS), and its timer.
  private let timeLimit: (deadline: NIODeadline, length: Duration)?
  private var timer: Scheduled<Void>?
  private var settled = false
  /// Told of every error, also after the connection is ready (e.g. a TLS 1.3 alert refusing
  /// our client certificate arrives after the handshake completed on our side).
  var onError: ((any Error) -> Void)?

  /// - Parameter timeLimit: How long the attempt may take from now, TLS handshake included;
  ///   then it fails and the channel is closed. nil: no limit of its own.
  init(ready: EventLoopPromise<Void>, waitsForTLS: Bool, endpoint: String, timeLimit: Duration? = nil) {
    self.ready = ready
    self.waitsForTLS = waitsForTLS
    self.endpoint = endpoint
    self.timeLimit = timeLimit.flatMap { length in NIODeadline.after(length).map { ($0, length) } }
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if !waitsForTLS && context.channel.isActive { settle(.success(())) }
    if let timeLimit, !settled {
      let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
      timer = context.eventLoop.scheduleTask(deadline: timeLimit.deadline) {
        let (handler, context) = loopBound.value
        handler.settle(.failure(ConnectionFailure(
          message: Self.timedOut(handler.endpoint, tls: handler.waitsForTLS, after: timeLimit.length), cause: nil)))
        context.close(promise: nil)
      }
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    // The connection attempt failed or the channel closed before it was ready.
    settle(.failure(ConnectionFailure(message: "The connection to \(endpoint) closed before it was ready.", cause: nil)))
  }

  func channelActive(context: ChannelHandlerContext) {
    if !waitsForTLS { settle(.success(())) }
    context.fireChannelActive()
  }

  /// What a connection attempt that ran out of its connect timeout reports, whichever timer
  /// saw it first (this handler's, or the TCP connect's own).
  static func timedOut(_ endpoint: String, tls: Bool, after limit: Duration) -> String {
    "The \(tls ? "TCP connection and TLS handshake" : "TCP connection") with \(endpoint) did not complete within \(limit) (connect timeout)."
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is TLSHandshakeCompleted { settle(.success(())) }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    let message: String
    if let tls = error as? TLSError {
      message = "TLS with \(endpoint) failed: \(tls)"
    } else {
      message = "The connection to \(endpoint) failed: \(error)"
    }
    onError?(error)
    settle(.failure(ConnectionFailure(message: message, cause: error)))
    context.fireErrorCaught(error)
  }

  func channelInactive(context: ChannelHandlerContext) {
    settle(.failure(ConnectionFailure(message: "\(endpoint) closed the connection before it was ready.", cause: nil)))
    context.fireChannelInactive()
  }

  private func settle(_ result: Result<Void, any Error>) {
    guard !settled else { return }
    settled = true
    timer?.cancel()
    timer = nil
    ready.completeWith(result)
  }
}

/// Why a connection could not be made ready.
struct ConnectionFailure: Error, CustomStringConvertible {
  let message: String
  let cause: (any Error)?
  var description: String { message }
}

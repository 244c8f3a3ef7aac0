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
  private var settled = false
  /// Told of every error, also after the connection is ready (e.g. a TLS 1.3 alert refusing
  /// our client certificate arrives after the handshake completed on our side).
  var onError: ((any Error) -> Void)?

  init(ready: EventLoopPromise<Void>, waitsForTLS: Bool, endpoint: String) {
    self.ready = ready
    self.waitsForTLS = waitsForTLS
    self.endpoint = endpoint
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if !waitsForTLS && context.channel.isActive { settle(.success(())) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    // The connection attempt failed or the channel closed before it was ready.
    settle(.failure(ConnectionFailure(message: "The connection to \(endpoint) closed before it was ready.", cause: nil)))
  }

  func channelActive(context: ChannelHandlerContext) {
    if !waitsForTLS { settle(.success(())) }
    context.fireChannelActive()
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
    ready.completeWith(result)
  }
}

/// Why a connection could not be made ready.
struct ConnectionFailure: Error, CustomStringConvertible {
  let message: String
  let cause: (any Error)?
  var description: String { message }
}

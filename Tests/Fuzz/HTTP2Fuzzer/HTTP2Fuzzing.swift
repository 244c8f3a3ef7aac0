import NIOCore
import NIOEmbedded
import SlipstreamHTTP2

/// Feeds one fuzz input to a server-side ``HTTP2ConnectionHandler`` in an `EmbeddedChannel`,
/// with a delegate that serves every stream the way a gRPC server does (response headers,
/// echoed DATA, trailers), and checks the delegate contract on the way.
///
/// Input layout: byte 0 is a set of flags, the rest is what the peer sends.
/// - bit 0: prepend a valid client preface and an empty SETTINGS frame, so mutations reach
///   the frame layer instead of dying on the magic;
/// - bit 1: deliver the bytes in reads of 1...64 bytes (sizes drawn from the input itself)
///   rather than in one read, to exercise partial frames across reads;
/// - bit 2: the delegate resets each stream on its first DATA instead of echoing;
/// - bit 3: advance the clock an hour after the input, so every timer fires (SETTINGS
///   timeout, idle timeout, keepalive, graceful shutdown);
/// - bit 4: start a graceful shutdown (GOAWAY) half way through the input.
///
/// Checked (a failure traps, which libFuzzer reports as a crash): every stream announced with
/// `http2StreamOpened` is closed exactly once, no event names a stream that is not open, and
/// after the channel closes no stream is left open. AddressSanitizer checks memory and leaks.
enum HTTP2Fuzzing {
  /// Client connection preface (RFC 9113 §3.4) followed by an empty SETTINGS frame.
  static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 0x4, 0, 0, 0, 0, 0]

  /// Runs one input; returns normally unless a check fails (then it traps).
  static func exercise(_ input: UnsafeRawBufferPointer) {
    guard let flags = input.first else { return }
    let payload = Array(input.dropFirst())
    let prependPreface = flags & 0x01 != 0
    let chunked = flags & 0x02 != 0
    let resetOnData = flags & 0x04 != 0
    let fireTimers = flags & 0x08 != 0
    let shutdownHalfWay = flags & 0x10 != 0

    let loop = EmbeddedEventLoop()
    let channel = EmbeddedChannel(loop: loop)
    let delegate = ServingDelegate(resetOnData: resetOnData)
    var configuration = HTTP2Configuration.defaults
    configuration.idleTimeout = .seconds(60)
    configuration.keepalive = .init(interval: .seconds(30), timeout: .seconds(10))
    let handler = HTTP2ConnectionHandler(role: .server, configuration: configuration, delegate: delegate)
    delegate.handler = handler
    do {
      try channel.pipeline.syncOperations.addHandler(handler)
      try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    } catch {
      fatalError("the embedded channel could not be set up: \(error)")
    }

    var bytes = prependPreface ? preface + payload : payload
    var half = bytes.count / 2
    var position = 0
    while position < bytes.count, channel.isActive {
      if shutdownHalfWay, position >= half {
        handler.beginGracefulShutdown()
        half = Int.max
      }
      let size = chunked ? Int(bytes[position] % 64) + 1 : bytes.count - position
      let end = min(bytes.count, position + size)
      var buffer = channel.allocator.buffer(capacity: end - position)
      buffer.writeBytes(bytes[position..<end])
      position = end
      do {
        try channel.writeInbound(buffer)
      } catch {
        break  // The handler closed the channel with an error; that is a fine outcome.
      }
      drainOutbound(channel)
    }
    bytes = []
    if fireTimers {
      loop.advanceTime(by: .hours(1))
      drainOutbound(channel)
    }
    _ = try? channel.finish(acceptAlreadyClosed: true)
    loop.run()
    precondition(delegate.openStreams.isEmpty, "streams \(delegate.openStreams) were never closed")
    try? loop.syncShutdownGracefully()
  }

  private static func drainOutbound(_ channel: EmbeddedChannel) {
    while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
  }
}

/// Serves streams like a gRPC server and checks the delegate contract of
/// ``HTTP2ConnectionDelegate``.
final class ServingDelegate: HTTP2ConnectionDelegate {
  /// Weak: the handler owns this delegate until the connection closes.
  weak var handler: HTTP2ConnectionHandler?
  private(set) var openStreams: Set<HTTP2StreamID> = []
  private var closedStreams: Set<HTTP2StreamID> = []
  private var finished: Set<HTTP2StreamID> = []
  private let resetOnData: Bool

  init(resetOnData: Bool) { self.resetOnData = resetOnData }

  func http2StreamOpened(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    precondition(!closedStreams.contains(stream), "stream \(stream) opened after it was closed")
    precondition(openStreams.insert(stream).inserted, "stream \(stream) opened twice")
    try? handler?.sendHeaders(stream, headers: [
      HTTP2HeaderField(name: ":status", value: "200"),
      HTTP2HeaderField(name: "content-type", value: "application/grpc"),
    ], endStream: false)
    if endStream { finish(stream) }
  }

  func http2HeadersReceived(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    precondition(openStreams.contains(stream), "headers on stream \(stream), which is not open")
    if endStream { finish(stream) }
  }

  func http2DataReceived(_ stream: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    precondition(openStreams.contains(stream), "data on stream \(stream), which is not open")
    guard let handler else { return }
    handler.consume(stream, bytes: bytes.count)
    if resetOnData {
      handler.resetStream(stream, errorCode: .cancel)
      return
    }
    if !bytes.isEmpty, !finished.contains(stream) {
      var echo = ByteBufferAllocator().buffer(capacity: bytes.count)
      echo.writeBytes(bytes)
      _ = try? handler.sendData(stream, echo, endStream: false)
    }
    if endStream { finish(stream) }
  }

  func http2StreamClosed(_ stream: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    precondition(openStreams.remove(stream) != nil, "stream \(stream) closed but not open")
    closedStreams.insert(stream)
    finished.remove(stream)
  }

  func http2StreamWritabilityChanged(_ stream: HTTP2StreamID, isWritable: Bool) {
    precondition(openStreams.contains(stream), "writability of stream \(stream), which is not open")
  }

  func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode) {}

  func http2ConnectionClosed(error: (any Error)?) {}

  private func finish(_ stream: HTTP2StreamID) {
    guard finished.insert(stream).inserted else { return }
    try? handler?.sendTrailers(stream, headers: [HTTP2HeaderField(name: "grpc-status", value: "0")])
  }
}

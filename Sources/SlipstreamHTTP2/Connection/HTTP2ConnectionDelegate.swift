/// Receives the events of one HTTP/2 connection. Every call happens on the channel's event loop,
/// and the delegate may issue commands on the handler from inside any of them.
///
/// Sequence for one stream:
/// - server: `http2StreamOpened` (request headers) → `http2DataReceived`* → `http2HeadersReceived`?
///   (request trailers, `endStream` true) → `http2StreamClosed` once both sides ended or it was reset;
/// - client: `startStream` returns the id → `http2StreamOpened` (response headers) →
///   `http2DataReceived`* → `http2HeadersReceived` (trailers) → `http2StreamClosed`.
///   A client stream that ends before response headers (refused, reset, connection lost) gets only
///   `http2StreamClosed`.
/// A 1xx informational response (gRPC never sends one) would arrive as the client's
/// `http2StreamOpened`, with the final response headers following as `http2HeadersReceived`.
/// The end of the peer's side is flagged by `endStream: true` on whichever event carries it
/// (DATA with no bytes when the peer ended with an empty DATA frame).
/// `http2StreamClosed` comes exactly once for every stream that was opened (server: announced
/// with `http2StreamOpened`; client: returned by `startStream`).
public protocol HTTP2ConnectionDelegate: AnyObject {
  /// A stream's first HEADERS block arrived: a request on a server, response headers on a client.
  /// - Parameters:
  ///   - stream: the stream.
  ///   - headers: the fields in wire order, pseudo-headers first.
  ///   - endStream: the peer has ended its side (no body follows).
  func http2StreamOpened(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool)

  /// A later HEADERS block arrived on an open stream: trailers (then `endStream` is true).
  func http2HeadersReceived(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool)

  /// DATA arrived. `bytes` is valid only during this call: copy what you keep. Call
  /// `consume(_:bytes:)` once the bytes are processed, or the peer's window stays closed.
  func http2DataReceived(_ stream: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool)

  /// The stream is gone: `.noError` after a clean close, the peer's code after its RST_STREAM, ours
  /// after `resetStream`, `.refusedStream` when a GOAWAY refused it, `.cancel` when the connection closed.
  func http2StreamClosed(_ stream: HTTP2StreamID, errorCode: HTTP2ErrorCode)

  /// The stream's buffered outbound bytes crossed the high (false) or low (true) watermark.
  func http2StreamWritabilityChanged(_ stream: HTTP2StreamID, isWritable: Bool)

  /// The peer sent GOAWAY: streams above `lastStreamID` were refused; start no new streams here.
  func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode)

  /// The connection closed; `error` is nil for a clean close (graceful GOAWAY, peer closed cleanly).
  func http2ConnectionClosed(error: (any Error)?)
}

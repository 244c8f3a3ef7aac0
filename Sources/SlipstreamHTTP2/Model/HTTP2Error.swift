/// A failure of an HTTP/2 command or of the connection, with a message a user can act on.
public struct HTTP2Error: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong; compare with the static members (`.streamNotFound`, ...).
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    enum Wrapped: Hashable, Sendable {
      case session, streamNotFound, invalidState, goingAway, connectionClosed, wrongRole
      case streamIDsExhausted, flowControl, protocolError, settingsTimeout, keepaliveTimeout
      case idleTimeout, goAwayReceived, invalidConfiguration
    }

    let wrapped: Wrapped

    /// nghttp2 rejected a call or failed (the message carries nghttp2_strerror).
    public static let session = Code(wrapped: .session)
    /// The stream is not open (never opened, already closed or reset).
    public static let streamNotFound = Code(wrapped: .streamNotFound)
    /// The command does not fit the stream's state (data before headers, anything after the end).
    public static let invalidState = Code(wrapped: .invalidState)
    /// A GOAWAY was sent or received: the connection accepts no new streams.
    public static let goingAway = Code(wrapped: .goingAway)
    /// The connection is closed or not yet active.
    public static let connectionClosed = Code(wrapped: .connectionClosed)
    /// The command belongs to the other role (`startStream` on a server).
    public static let wrongRole = Code(wrapped: .wrongRole)
    /// The client has used every odd stream identifier; open a new connection.
    public static let streamIDsExhausted = Code(wrapped: .streamIDsExhausted)
    /// The peer broke flow control.
    public static let flowControl = Code(wrapped: .flowControl)
    /// The peer broke the HTTP/2 protocol (bad preface, bad frame, header compression...).
    public static let protocolError = Code(wrapped: .protocolError)
    /// The peer's preface/SETTINGS or its ACK of ours did not arrive within `settingsTimeout`.
    public static let settingsTimeout = Code(wrapped: .settingsTimeout)
    /// A PING was not acknowledged within the keepalive timeout.
    public static let keepaliveTimeout = Code(wrapped: .keepaliveTimeout)
    /// No stream was open for `idleTimeout`; the connection was closed with GOAWAY(NO_ERROR).
    public static let idleTimeout = Code(wrapped: .idleTimeout)
    /// The peer closed the connection with a GOAWAY carrying an error code.
    public static let goAwayReceived = Code(wrapped: .goAwayReceived)

    /// A configuration value is outside what HTTP/2 or nghttp2 accepts (see the message).
    public static let invalidConfiguration = Code(wrapped: .invalidConfiguration)

    public var description: String { String(describing: self.wrapped) }
  }

  /// What went wrong.
  public var code: Code
  /// Details for a human: what happened and what to do.
  public var message: String
  /// The stream concerned, if any.
  public var stream: HTTP2StreamID?

  /// Creates an error.
  public init(code: Code, message: String, stream: HTTP2StreamID? = nil) {
    self.code = code
    self.message = message
    self.stream = stream
  }

  public var description: String {
    if let stream = self.stream {
      return "HTTP2Error.\(self.code) (\(stream)): \(self.message)"
    }
    return "HTTP2Error.\(self.code): \(self.message)"
  }

  static func streamNotFound(_ stream: HTTP2StreamID) -> HTTP2Error {
    HTTP2Error(
      code: .streamNotFound,
      message: "no open stream with this id: it was never opened, or it has closed or been reset",
      stream: stream
    )
  }
}

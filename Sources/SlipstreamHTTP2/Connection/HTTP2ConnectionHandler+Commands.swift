import NIOCore

extension HTTP2ConnectionHandler {
  /// Sends the first HEADERS of a stream the peer opened (server response headers).
  /// With `endStream` the stream's outbound side ends here (a trailers-only response).
  /// - Parameters:
  ///   - stream: a stream announced by `http2StreamOpened`.
  ///   - headers: the fields, pseudo-headers (`:status`) first, names lowercase.
  ///   - endStream: end our side with this HEADERS frame.
  /// - Throws: `.wrongRole` on a client (request headers go with `startStream`), `.streamNotFound`,
  ///   `.invalidState` if headers were already sent, `.connectionClosed`, `.session`.
  public func sendHeaders(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) throws(HTTP2Error) {
    let session = try self.activeSession()
    guard self.role == .server else {
      throw HTTP2Error(
        code: .wrongRole,
        message: "a client sends its request headers with startStream; end the request with sendData(endStream:) or sendTrailers",
        stream: stream
      )
    }
    try self.streams.checkCanSendHeaders(stream)
    try session.submitResponse(stream.rawValue, headers: headers, hasBody: !endStream)
    self.streams.headersSubmitted(stream.rawValue, endStream: endStream)
    self.markNeedsFlush()
  }

  /// Queues bytes on a stream. nghttp2 pulls them into DATA frames as the peer's flow-control
  /// windows allow; crossing the stream's high/low watermark fires `http2StreamWritabilityChanged`.
  /// - Parameters:
  ///   - stream: an open stream whose headers were sent.
  ///   - data: the bytes (may be empty to just end the stream).
  ///   - endStream: end our side after these bytes.
  /// - Returns: the stream's buffered (not yet framed) bytes after queueing.
  /// - Throws: `.streamNotFound`, `.invalidState` (headers not sent yet, or our side already ended),
  ///   `.connectionClosed`.
  @discardableResult
  public func sendData(_ stream: HTTP2StreamID, _ data: ByteBuffer, endStream: Bool) throws(HTTP2Error) -> Int {
    try self.enqueue(stream, data: data, end: endStream ? .endStream : nil)
  }

  /// Ends a stream with trailing HEADERS after its queued data.
  /// - Throws: `.streamNotFound`, `.invalidState` (headers not sent, or already ended), `.connectionClosed`.
  public func sendTrailers(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField]) throws(HTTP2Error) {
    _ = try self.enqueue(stream, data: nil, end: .trailers(headers))
  }

  /// Buffered outbound bytes of a stream (0 for an unknown stream).
  public func bufferedBytes(_ stream: HTTP2StreamID) -> Int {
    self.streams.bufferedBytes(stream.rawValue)
  }

  /// Whether a stream is below its high watermark (false for an unknown stream).
  public func isWritable(_ stream: HTTP2StreamID) -> Bool {
    self.streams.isWritable(stream.rawValue)
  }

  /// Resets a stream with RST_STREAM; `http2StreamClosed` follows with `errorCode`.
  /// Does nothing for a stream that is not open.
  public func resetStream(_ stream: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    guard let session = self.session, !self.isClosed, self.streams.contains(stream.rawValue) else { return }
    session.submitReset(stream.rawValue, errorCode: errorCode.rawValue)
    self.markNeedsFlush()
  }

  /// Client: starts a stream with request headers.
  /// - Parameters:
  ///   - headers: `:method`, `:scheme`, `:authority`, `:path` first, then the rest, names lowercase.
  ///   - endStream: the request has no body.
  /// - Returns: the new stream's id. Streams over the server's MAX_CONCURRENT_STREAMS wait in
  ///   nghttp2's queue and start as earlier streams close.
  /// - Throws: `.wrongRole` on a server, `.goingAway` after a GOAWAY either way,
  ///   `.streamIDsExhausted`, `.connectionClosed`, `.session`.
  public func startStream(headers: [HTTP2HeaderField], endStream: Bool) throws(HTTP2Error) -> HTTP2StreamID {
    let session = try self.activeSession()
    guard self.role == .client else {
      throw HTTP2Error(code: .wrongRole, message: "only a client starts streams; a server answers them with sendHeaders")
    }
    guard !self.lifecycle.isGoingAway else {
      throw HTTP2Error(code: .goingAway, message: "a GOAWAY was sent or received on this connection; open the stream on a new connection")
    }
    let id = try session.submitRequest(headers, hasBody: !endStream)
    self.streams.clientStreamStarted(id, endStream: endStream)
    self.lifecycle.streamOpened()
    self.markNeedsFlush()
    return HTTP2StreamID(id)
  }

  /// Tells the peer that `bytes` of the stream's received DATA were processed, reopening the
  /// stream and connection windows (WINDOW_UPDATE goes out once half a window is consumed).
  /// Inbound flow control is manual: unconsumed bytes keep the peer's windows closed.
  /// Extra bytes beyond what was received, and calls for closed streams, are ignored (a closed
  /// stream's unconsumed bytes were returned to the connection window when it closed).
  public func consume(_ stream: HTTP2StreamID, bytes: Int) {
    guard let session = self.session, !self.isClosed else { return }
    let count = self.streams.consume(stream.rawValue, count: bytes)
    guard count > 0 else { return }
    session.consume(stream.rawValue, bytes: count)
    self.markNeedsFlush()
  }

  /// Sends a PING unless one is already waiting for its ACK. Without an ACK within the keepalive
  /// timeout (or the SETTINGS timeout when keepalive is off) the connection closes with
  /// `.keepaliveTimeout`.
  public func ping() {
    guard self.session != nil, !self.isClosed else { return }
    self.perform(self.lifecycle.pingDue())
  }

  /// Starts a graceful shutdown. Server: GOAWAY(2^31-1) and a PING, then on the PING ACK (or after
  /// the SETTINGS timeout) GOAWAY with the last stream id it processed; streams up to it finish,
  /// later ones are refused (the client's session closes them with REFUSED_STREAM). Client: GOAWAY,
  /// and no new streams. Either way the connection closes once no stream is open.
  public func beginGracefulShutdown() {
    guard self.session != nil, !self.isClosed else { return }
    self.perform(self.lifecycle.beginGracefulShutdown())
  }

  // MARK: - Helpers

  func activeSession() throws(HTTP2Error) -> NGHTTP2Session {
    guard let session = self.session, !self.isClosed, !self.isClosing else {
      throw HTTP2Error(code: .connectionClosed, message: "the connection is not open (not yet active, closing or closed)")
    }
    return session
  }

  private func enqueue(_ stream: HTTP2StreamID, data: ByteBuffer?, end: HTTP2StreamOutboundQueue.End?) throws(HTTP2Error) -> Int {
    let session = try self.activeSession()
    let (change, resume, buffered) = try self.streams.enqueue(stream, data: data, end: end)
    if resume {
      session.resumeData(stream.rawValue)
    }
    self.markNeedsFlush()
    if let change {
      self.delegate?.http2StreamWritabilityChanged(stream, isWritable: change)
    }
    return buffered
  }

  /// Carries out what the lifecycle state machine decided.
  func perform(_ action: HTTP2ConnectionStateMachine.Action) {
    guard let session = self.session else { return }
    switch action {
    case .none:
      return
    case .sendPing(let payload):
      session.submitPing(payload)
      let timeout = self.configuration.keepalive?.timeout ?? self.configuration.settingsTimeout
      self.pingTimeoutTimer?.cancel()
      self.pingTimeoutTimer = self.schedule(after: TimeAmount(timeout)) { handler in
        handler.perform(handler.lifecycle.pingTimeoutFired(payload))
      }
    case .sendShutdownNotice(let payload):
      session.submitShutdownNotice()
      session.submitPing(payload)
      self.shutdownTimer = self.schedule(after: TimeAmount(self.configuration.settingsTimeout)) { handler in
        handler.perform(handler.lifecycle.shutdownPingTimerFired())
      }
    case .sendFinalGoAway:
      self.shutdownTimer?.cancel()
      self.finalGoAwayLastStreamID = session.lastProcessedStreamID
      session.submitGoAway(errorCode: HTTP2ErrorCode.noError.rawValue)
    case .closeIdle:
      if self.closeError == nil {
        self.closeError = HTTP2Error(code: .idleTimeout, message: "no stream was open for the idle timeout; the connection was closed with GOAWAY(NO_ERROR)")
      }
      session.terminate(errorCode: HTTP2ErrorCode.noError.rawValue)
    case .rearmIdle(let deadline):
      self.idleTimer = self.schedule(at: deadline) { handler in handler.idleTimerFired() }
      return
    case .close(let error):
      session.terminate(errorCode: error.code == .settingsTimeout ? HTTP2ErrorCode.settingsTimeout.rawValue : HTTP2ErrorCode.noError.rawValue)
      self.fail(error)
      return
    }
    self.markNeedsFlush()
  }
}

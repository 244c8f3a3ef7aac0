import NIOCore

/// The nghttp2 session's events, turned into stream bookkeeping and delegate calls.
extension HTTP2ConnectionHandler: NGHTTP2SessionDelegate {
  func sessionBeginHeaders(streamID: Int32) {
    if let code = self.streams.beginHeaders(streamID, refuseAbove: self.finalGoAwayLastStreamID) {
      self.session?.submitReset(streamID, errorCode: code.rawValue)
      self.markNeedsFlush()
    }
  }

  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
    self.streams.header(name: name, value: value)
  }

  func sessionHeadersComplete(streamID: Int32, endStream: Bool) {
    let stream = HTTP2StreamID(streamID)
    switch self.streams.endHeaders(streamID) {
    case .ignore:
      return
    case .reset(let code):
      // Over SETTINGS_MAX_HEADER_LIST_SIZE: reset the stream, keep the connection.
      self.session?.submitReset(streamID, errorCode: code.rawValue)
      self.markNeedsFlush()
    case .opened(let headers, let newlyAnnounced):
      if newlyAnnounced {
        self.lifecycle.streamOpened()
      }
      self.delegate?.http2StreamOpened(stream, headers: headers, endStream: endStream)
    case .headers(let headers):
      self.delegate?.http2HeadersReceived(stream, headers: headers, endStream: endStream)
    }
  }

  func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    guard self.streams.dataReceived(streamID, count: bytes.count) else {
      // A stream we are resetting: give the window back at once.
      if bytes.count > 0 { self.session?.consume(streamID, bytes: bytes.count) }
      return
    }
    self.delegate?.http2DataReceived(HTTP2StreamID(streamID), bytes: bytes, endStream: endStream)
  }

  func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
    guard let record = self.streams.streamClosed(streamID) else { return }
    if record.unconsumed > 0 {
      self.session?.consumeConnection(bytes: record.unconsumed)
      self.needsFlush = true
    }
    guard record.announced else { return }
    self.lifecycle.streamClosed(now: self.now)
    self.delegate?.http2StreamClosed(HTTP2StreamID(streamID), errorCode: HTTP2ErrorCode(errorCode))
  }

  func sessionSettingsReceived(ack: Bool) {
    self.lifecycle.settingsReceived(ack: ack)
    if self.lifecycle.isHandshakeComplete {
      self.settingsTimer?.cancel()
      self.settingsTimer = nil
    }
  }

  func sessionPingAcknowledged(_ payload: UInt64) {
    let wasOutstanding = self.lifecycle.outstandingPing == payload
    self.perform(self.lifecycle.pingAcknowledged(payload))
    if wasOutstanding {
      self.pingTimeoutTimer?.cancel()
      self.pingTimeoutTimer = nil
    }
  }

  func sessionGoAwayReceived(lastStreamID: Int32, errorCode: UInt32) {
    self.lifecycle.goAwayFrameReceived()
    let code = HTTP2ErrorCode(errorCode)
    if code != .noError && self.closeError == nil {
      self.closeError = HTTP2Error(code: .goAwayReceived, message: "the peer closed the connection with GOAWAY(\(code))")
    }
    self.delegate?.http2GoAwayReceived(lastStreamID: HTTP2StreamID(lastStreamID), errorCode: code)
  }

  func sessionGoAwaySent(errorCode: UInt32, reason: String?) {
    let code = HTTP2ErrorCode(errorCode)
    guard code != .noError, self.closeError == nil else { return }
    let kind: HTTP2Error.Code = code == .flowControlError ? .flowControl : .protocolError
    self.closeError = HTTP2Error(
      code: kind,
      message: "the peer broke HTTP/2 and we closed the connection with GOAWAY(\(code)): \(reason ?? "no detail from nghttp2")"
    )
  }

  func sessionPullOutbound(streamID: Int32, maxLength: Int) -> HTTP2StreamOutboundQueue.Pull {
    self.streams.pull(streamID, maxLength: maxLength)
  }

  func sessionTakeOutbound(streamID: Int32, length: Int, into output: inout ByteBuffer) -> Bool {
    guard let change = self.streams.take(streamID, length: length, into: &output) else { return false }
    if let change {
      self.delegate?.http2StreamWritabilityChanged(HTTP2StreamID(streamID), isWritable: change)
    }
    return true
  }

  func sessionTrailers(streamID: Int32) -> [HTTP2HeaderField]? {
    self.streams.trailers(streamID)
  }
}

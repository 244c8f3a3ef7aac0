import NIOCore

/// The nghttp2 session's events, turned into stream bookkeeping and delegate calls.
extension HTTP2ConnectionHandler: NGHTTP2SessionDelegate {
  func sessionBeginHeaders(streamID: Int32) {
    self.pendingHeaders.removeAll(keepingCapacity: true)
    self.pendingHeaderListSize = 0
    self.pendingHeadersTooLarge = false
    if self.role == .server && self.streams[streamID] == nil {
      if let last = self.finalGoAwayLastStreamID, streamID > last {
        // Our final GOAWAY is submitted but not yet on the wire, so nghttp2 still accepts new
        // streams; the peer will treat this one as refused, so it must not be processed.
        self.session?.submitReset(streamID, errorCode: HTTP2ErrorCode.refusedStream.rawValue)
        self.markNeedsFlush()
        return
      }
      self.streams[streamID] = StreamRecord(outbound: self.makeQueue(), announced: false, headersSubmitted: false)
    }
  }

  func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
    guard !self.pendingHeadersTooLarge else { return }
    self.pendingHeaderListSize += name.count + value.count + 32
    if self.pendingHeaderListSize > self.configuration.maxHeaderListSize {
      self.pendingHeadersTooLarge = true
      self.pendingHeaders.removeAll(keepingCapacity: true)
      return
    }
    self.pendingHeaders.append(
      HTTP2HeaderField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    )
  }

  func sessionHeadersComplete(streamID: Int32, endStream: Bool) {
    if self.pendingHeadersTooLarge {
      // Over SETTINGS_MAX_HEADER_LIST_SIZE: reset the stream, keep the connection.
      self.pendingHeadersTooLarge = false
      self.session?.submitReset(streamID, errorCode: HTTP2ErrorCode.enhanceYourCalm.rawValue)
      self.markNeedsFlush()
      return
    }
    let headers = self.pendingHeaders
    self.pendingHeaders.removeAll(keepingCapacity: true)
    guard var record = self.streams[streamID] else { return }
    let stream = HTTP2StreamID(streamID)
    if record.headersDelivered {
      self.delegate?.http2HeadersReceived(stream, headers: headers, endStream: endStream)
      return
    }
    record.headersDelivered = true
    if !record.announced {
      record.announced = true
      self.lifecycle.streamOpened()
    }
    self.streams[streamID] = record
    self.delegate?.http2StreamOpened(stream, headers: headers, endStream: endStream)
  }

  func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    guard self.streams[streamID]?.announced == true else {
      // A stream we are resetting: give the window back at once.
      if bytes.count > 0 { self.session?.consume(streamID, bytes: bytes.count) }
      return
    }
    self.streams[streamID]!.unconsumed += bytes.count
    self.delegate?.http2DataReceived(HTTP2StreamID(streamID), bytes: bytes, endStream: endStream)
  }

  func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
    guard let record = self.streams.removeValue(forKey: streamID) else { return }
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
    guard let pull = self.streams[streamID]?.outbound.pull(maxLength: maxLength) else {
      return .data(length: 0, isLast: true)
    }
    if pull == .deferred {
      self.streams[streamID]!.isDeferred = true
    }
    return pull
  }

  func sessionTakeOutbound(streamID: Int32, length: Int, into output: inout ByteBuffer) -> Bool {
    guard let buffered = self.streams[streamID]?.outbound.bufferedBytes, buffered >= length else { return false }
    let change = self.streams[streamID]!.outbound.take(length, into: &output)
    if let change {
      self.delegate?.http2StreamWritabilityChanged(HTTP2StreamID(streamID), isWritable: change)
    }
    return true
  }

  func sessionTrailers(streamID: Int32) -> [HTTP2HeaderField]? {
    if case .trailers(let headers) = self.streams[streamID]?.outbound.end {
      return headers
    }
    return nil
  }
}

import NIOCore

/// HTTP/2 over one nghttp2 session as a single NIO handler, for either role. Streams are not child
/// channels: their events go to an `HTTP2ConnectionDelegate` and the application drives them with
/// the commands in `HTTP2ConnectionHandler+Commands.swift`.
///
/// Place it directly above the byte transport (TCP or TLS). The transport must deliver
/// `channelReadComplete` after reads (NIO sockets and TLS handlers do): output produced while
/// reading goes out in one write+flush at read-complete; commands issued outside a read go out in
/// one write+flush at the end of the event-loop tick (or at once with `flush()`).
///
/// Ownership: the handler holds the delegate strongly until `http2ConnectionClosed` has been
/// delivered, then releases it. A delegate may keep a strong reference to the handler; the cycle
/// lasts only as long as the connection.
///
/// Not Sendable: every command must be issued on the channel's event loop.
public final class HTTP2ConnectionHandler: ChannelDuplexHandler {
  public typealias InboundIn = ByteBuffer
  public typealias InboundOut = ByteBuffer
  public typealias OutboundIn = ByteBuffer
  public typealias OutboundOut = ByteBuffer

  /// Server or client.
  public let role: HTTP2Role
  /// The limits, windows and timers in force.
  public let configuration: HTTP2Configuration

  var delegate: (any HTTP2ConnectionDelegate)?
  var context: ChannelHandlerContext?
  var session: NGHTTP2Session?
  var lifecycle: HTTP2ConnectionStateMachine
  var streams: HTTP2StreamTable

  /// Between channelRead and channelReadComplete: output waits for read-complete.
  var isReading = false
  /// Inside nghttp2 (mem_recv/mem_send): never re-enter it, only mark output as pending.
  var sessionDepth = 0
  var needsFlush = false
  var flushScheduled = false
  var isClosing = false
  var isClosed = false
  /// Why the connection is closing, reported by `http2ConnectionClosed`.
  var closeError: (any Error)?
  /// Server: the last stream id our final GOAWAY carries, from the moment it is submitted.
  var finalGoAwayLastStreamID: Int32?
  /// Bytes from the peer have arrived (the first read is checked for a wrong protocol).
  var sawPeerBytes = false

  var settingsTimer: Scheduled<Void>?
  var idleTimer: Scheduled<Void>?
  var keepaliveTimer: Scheduled<Void>?
  var pingTimeoutTimer: Scheduled<Void>?
  var shutdownTimer: Scheduled<Void>?

  /// Creates the handler.
  /// - Parameters:
  ///   - role: server (accepts streams) or client (starts them).
  ///   - configuration: limits, windows and timers.
  ///   - delegate: receives the connection's events; held strongly until the connection closes.
  public init(
    role: HTTP2Role,
    configuration: HTTP2Configuration = .defaults,
    delegate: any HTTP2ConnectionDelegate
  ) {
    self.role = role
    self.configuration = configuration
    self.delegate = delegate
    self.lifecycle = HTTP2ConnectionStateMachine(role: role, now: .now())
    self.streams = HTTP2StreamTable(role: role, configuration: configuration)
  }

  /// Streams open now (server: announced, client: started) and not yet closed.
  public var openStreamCount: Int { self.lifecycle.openStreams }

  /// A GOAWAY was sent or received: no new streams on this connection.
  public var isGoingAway: Bool { self.lifecycle.isGoingAway }

  /// The connection is closing or closed: streams that close now were cut off by the
  /// connection, not reset by the peer (the gRPC layer reports them as UNAVAILABLE).
  public var isConnectionClosing: Bool { self.isClosing || self.isClosed }

  /// Why the connection is closing, once known (the error from below, e.g. TLS, or ours).
  public var connectionError: (any Error)? { self.closeError }

  /// Hardening options the installed nghttp2 lacks (empty with Debian's 1.52.0-1+deb12u1 or later).
  package var missingHardeningOptions: [String] { self.session?.missingOptions ?? [] }

  // MARK: - Channel events

  public func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive {
      self.start(context: context)
    }
  }

  public func handlerRemoved(context: ChannelHandlerContext) {
    self.finish(context: context)
    self.context = nil
  }

  public func channelActive(context: ChannelHandlerContext) {
    self.start(context: context)
    context.fireChannelActive()
  }

  public func channelInactive(context: ChannelHandlerContext) {
    self.finish(context: context)
    context.fireChannelInactive()
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard let session = self.session, !self.isClosed else { return }
    let buffer = self.unwrapInboundIn(data)
    if !self.sawPeerBytes {
      self.sawPeerBytes = true
      // nghttp2 would only say "bad client magic": say what the peer actually spoke.
      if self.role == .server, let mistake = Self.wrongProtocol(buffer.readableBytesView) {
        self.fail(HTTP2Error(code: .protocolError, message: mistake))
        return
      }
    }
    self.isReading = true
    self.sessionDepth += 1
    let result = buffer.withUnsafeReadableBytes { bytes -> HTTP2Error? in
      do throws(HTTP2Error) {
        try session.receive(bytes)
        return nil
      } catch {
        return error
      }
    }
    self.sessionDepth -= 1
    self.needsFlush = true
    if let result {
      self.fail(result)
    }
  }

  /// What a server connection's first bytes are when they are not HTTP/2 but a protocol a
  /// client commonly sends by mistake; nil when they may be HTTP/2 (or are unrecognised).
  static func wrongProtocol(_ first: ByteBufferView) -> String? {
    // The HTTP/2 preface ("PRI * HTTP/2.0…"): the usual case, settled without building text.
    if first.starts(with: "PRI ".utf8) { return nil }
    let bytes = Array(first.prefix(64))
    // A TLS record: handshake (22), version 3.x.
    if bytes.count >= 3, bytes[0] == 0x16, bytes[1] == 0x03, bytes[2] <= 0x04 {
      return "the peer started a TLS handshake on this plaintext (h2c) port: connect without TLS, or serve TLS here"
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT "].contains(where: text.hasPrefix) {
      let requestLine = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
      return "the peer sent an HTTP/1.x request (\(requestLine)…); gRPC needs HTTP/2"
    }
    return nil
  }

  public func channelReadComplete(context: ChannelHandlerContext) {
    self.isReading = false
    self.flush()
    context.fireChannelReadComplete()
  }

  public func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable && self.needsFlush {
      self.flush()
    }
    context.fireChannelWritabilityChanged()
  }

  public func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if self.closeError == nil {
      self.closeError = error
    }
    self.closeNow()
  }

  // MARK: - Output

  /// Writes everything nghttp2 has ready as one buffer and flushes it. Commands call this
  /// implicitly (at read-complete or at the end of the tick); call it to send at once.
  public func flush() {
    guard let context = self.context, let session = self.session, !self.isClosed else { return }
    if self.sessionDepth > 0 {
      self.needsFlush = true
      return
    }
    guard context.channel.isWritable || self.isClosing else {
      self.needsFlush = true  // resumes in channelWritabilityChanged
      return
    }
    repeat {
      self.needsFlush = false
      self.sessionDepth += 1
      var failure: HTTP2Error?
      do throws(HTTP2Error) {
        try session.send()
      } catch {
        failure = error
      }
      self.sessionDepth -= 1
      if let batch = session.takeOutput() {
        context.writeAndFlush(self.wrapOutboundOut(batch), promise: nil)
      }
      if let failure {
        self.fail(failure)
        return
      }
    } while self.needsFlush
    if !session.wantsRead && !session.wantsWrite {
      // GOAWAY exchanged and nothing left in flight, or a terminal error was sent.
      self.closeNow()
    }
  }

  /// Notes that nghttp2 has output and arranges one flush for it.
  func markNeedsFlush() {
    self.needsFlush = true
    guard !self.isReading, self.sessionDepth == 0, !self.flushScheduled, let context = self.context else { return }
    self.flushScheduled = true
    context.eventLoop.assumeIsolated().execute {
      self.flushScheduled = false
      if self.needsFlush {
        self.flush()
      }
    }
  }

  // MARK: - Start and end

  private func start(context: ChannelHandlerContext) {
    guard self.session == nil, !self.isClosed else { return }
    self.lifecycle = HTTP2ConnectionStateMachine(role: self.role, now: context.eventLoop.now)
    do throws(HTTP2Error) {
      try self.configuration.validate()
      let session = try NGHTTP2Session(
        role: self.role,
        configuration: self.configuration,
        delegate: self,
        allocator: context.channel.allocator
      )
      self.session = session
      try session.submitSettings(self.configuration, role: self.role)
    } catch {
      self.closeError = error
      self.closeNow()
      return
    }
    self.armTimersAtStart()
    self.flush()
  }

  /// Records `error`, sends what nghttp2 queued (its GOAWAY) and closes.
  func fail(_ error: HTTP2Error) {
    if self.closeError == nil {
      self.closeError = error
    }
    guard !self.isClosing else { return }
    self.isClosing = true
    if self.sessionDepth == 0, let session = self.session, let context = self.context {
      self.sessionDepth += 1
      try? session.send()
      self.sessionDepth -= 1
      if let batch = session.takeOutput() {
        context.writeAndFlush(self.wrapOutboundOut(batch), promise: nil)
      }
    }
    self.closeNow()
  }

  func closeNow() {
    guard !self.isClosed, let context = self.context else { return }
    self.isClosing = true
    if self.sessionDepth > 0 {
      // Never close from inside nghttp2; finish on the next tick.
      context.eventLoop.assumeIsolated().execute { self.closeNow() }
      return
    }
    context.close(promise: nil)
  }

  /// Delivers the final events once: open streams close with `.cancel`, then the connection.
  private func finish(context: ChannelHandlerContext) {
    guard !self.isClosed else { return }
    self.isClosed = true
    self.cancelTimers()
    let open = self.streams.announcedStreamIDs
    self.streams.removeAll()
    let delegate = self.delegate
    self.delegate = nil
    for id in open {
      delegate?.http2StreamClosed(HTTP2StreamID(id), errorCode: .cancel)
    }
    delegate?.http2ConnectionClosed(error: self.closeError)
    self.session = nil
  }
}

import NIOCore

/// TLS as a channel handler: ciphertext below, plaintext above.
///
/// The handshake starts when the channel becomes active. Writes made before it completes
/// are kept and sent, in order, right after it. Small writes flushed together are packed
/// into full TLS records and each flush leaves as one network buffer. On success the handler
/// fires ``TLSHandshakeCompleted`` as a user inbound event; on any failure it fires a
/// ``TLSError`` through `errorCaught` and closes the channel. Closing sends close_notify and
/// waits for the peer's at most ``TLSConfiguration/closeNotifyTimeout``; the handshake is
/// bounded by ``TLSConfiguration/handshakeTimeout``.
///
/// ```swift
/// let context = try TLSContext(configuration: .server(certificateChain: .file(crt),
///                                                      privateKey: .file(key)), role: .server)
/// // per accepted channel (one TLSContext shared by all):
/// try channel.pipeline.syncOperations.addHandlers([TLSHandler(context: context), http2Handler])
/// ```
///
/// With TLS 1.3 a client's handshake completes before the server has checked the client's
/// certificate, so under mutual TLS a refused client sees ``TLSHandshakeCompleted`` and then
/// a ``TLSError`` of kind `.peerRejected(alert: "certificate required")` or
/// `.peerRejected(alert: "unknown CA")` on its first read.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
  public typealias InboundIn = ByteBuffer
  public typealias InboundOut = ByteBuffer
  public typealias OutboundIn = ByteBuffer
  public typealias OutboundOut = ByteBuffer

  private typealias PendingWrite = (data: ByteBuffer, promise: EventLoopPromise<Void>?)

  private let tlsContext: TLSContext
  private let serverHostname: String?
  private var connection: TLSConnection?
  private var machine = TLSHandlerStateMachine()
  /// Bounds the wait for the peer's close_notify.
  private var closeTimer: Scheduled<Void>?
  /// Bounds the handshake.
  private var handshakeTimer: Scheduled<Void>?
  /// Application writes, in order; the mark is the last flushed one.
  private var pendingWrites = MarkedCircularBuffer<PendingWrite>(initialCapacity: 16)
  /// Decrypted bytes waiting for channelReadComplete; reused between reads.
  private var plaintext: ByteBuffer?
  /// Small writes gathered into one record before encryption; reused between flushes.
  private var staging: ByteBuffer?
  private var sawFirstBytes = false
  private var closePromise: EventLoopPromise<Void>?

  /// The identity in the peer's certificate, once the handshake has completed.
  public private(set) var peerIdentity: TLSPeerIdentity?
  /// What the handshake agreed on, once it has completed.
  public private(set) var handshakeResult: TLSHandshakeCompleted?

  /// Creates a handler for one connection.
  /// - Parameters:
  ///   - context: the shared context (its role decides server or client).
  ///   - serverHostname: client only: sent as SNI and verified against the server's
  ///     certificate (an IP address verifies against IP SANs and is not sent as SNI). If nil
  ///     and verification is `.full`, the peer's IP address is verified.
  public init(context: TLSContext, serverHostname: String? = nil) {
    self.tlsContext = context
    self.serverHostname = serverHostname
  }

  // MARK: Lifecycle

  public func handlerAdded(context: ChannelHandlerContext) {
    self.plaintext = context.channel.allocator.buffer(capacity: TLSConnection.maximumRecordSize)
    self.staging = context.channel.allocator.buffer(capacity: TLSConnection.maximumRecordSize)
    if context.channel.isActive {
      self.startHandshake(context: context)
    }
  }

  public func handlerRemoved(context: ChannelHandlerContext) {
    self.cancelTimers()
    self.failPendingWrites(ChannelError.ioOnClosedChannel)
    self.connection = nil
  }

  public func channelActive(context: ChannelHandlerContext) {
    context.fireChannelActive()
    self.startHandshake(context: context)
  }

  public func channelInactive(context: ChannelHandlerContext) {
    self.deliverPlaintext(context: context)
    self.cancelTimers()
    switch self.machine.channelInactive() {
    case .reportHandshakeInterrupted:
      context.fireErrorCaught(TLSError(.handshakeFailed, context: "the peer closed the connection during the handshake"))
    case .reportUncleanClose:
      context.fireErrorCaught(TLSError(.peerClosedUncleanly, context: "TCP closed without close_notify"))
    case .cancelCloseTimer, .nothing:
      break
    }
    self.failPendingWrites(ChannelError.ioOnClosedChannel)
    let promise = self.closePromise
    self.closePromise = nil
    promise?.succeed(())
    context.fireChannelInactive()
  }

  private func startHandshake(context: ChannelHandlerContext) {
    guard self.machine.channelActivated() else { return }
    let timeout = self.tlsContext.configuration.handshakeTimeout
    self.handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
      self.handshakeTimer = nil
      guard self.machine.state == .handshaking else { return }
      self.fail(context: context, TLSError(.handshakeTimedOut, context: "no handshake within \(timeout)"))
    }
    do {
      self.connection = try self.makeConnection(remoteAddress: context.channel.remoteAddress)
    } catch {
      self.fail(context: context, error)
      return
    }
    self.handshakeStep(context: context)
  }

  private func makeConnection(remoteAddress: SocketAddress?) throws(TLSError) -> TLSConnection {
    guard self.tlsContext.role == .client else {
      return try TLSConnection(context: self.tlsContext, verifyHost: nil, serverName: nil)
    }
    let serverName = self.serverHostname.flatMap { TLSConnection.isIPAddress($0) ? nil : $0 }
    var verifyHost: String? = nil
    if self.tlsContext.configuration.verification == .full {
      verifyHost = self.serverHostname ?? remoteAddress?.ipAddress
      guard verifyHost != nil else {
        throw TLSError(
          .invalidConfiguration,
          context: "full verification needs a server host name or a peer IP address to check"
        )
      }
    }
    return try TLSConnection(context: self.tlsContext, verifyHost: verifyHost, serverName: serverName)
  }

  // MARK: Handshake

  private func handshakeStep(context: ChannelHandlerContext) {
    guard let connection = self.connection else { return }
    switch connection.handshake() {
    case .incomplete:
      self.sendOutput(context: context, promise: nil)
    case .complete:
      self.completeHandshake(context: context, connection: connection)
    case .failed(let error):
      self.fail(context: context, error)
    }
  }

  private func completeHandshake(context: ChannelHandlerContext, connection: TLSConnection) {
    let configuration = self.tlsContext.configuration
    let negotiated = connection.negotiatedProtocol
    if configuration.requireALPN, !configuration.applicationProtocols.isEmpty, negotiated == nil {
      self.fail(
        context: context,
        TLSError(
          .noApplicationProtocol,
          context: "the peer agreed on none of \(configuration.applicationProtocols) (ALPN is required)"
        )
      )
      return
    }
    guard self.machine.handshakeCompleted() else { return }
    self.handshakeTimer?.cancel()
    self.handshakeTimer = nil
    let result = TLSHandshakeCompleted(
      negotiatedProtocol: negotiated,
      peerIdentity: connection.peerIdentity(),
      protocolVersion: connection.protocolVersion,
      cipher: connection.cipher
    )
    self.peerIdentity = result.peerIdentity
    self.handshakeResult = result
    context.fireUserInboundEventTriggered(result)
    // The last handshake flight and every write flushed meanwhile leave as one buffer.
    self.encryptFlushedWrites(context: context)
    // Application data may have arrived with the handshake's last flight.
    self.decode(context: context)
  }

  // MARK: Reading

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = self.unwrapInboundIn(data)
    if !self.sawFirstBytes, buffer.readableBytes > 0 {
      self.sawFirstBytes = true
      guard Self.startsLikeTLS(buffer, role: self.tlsContext.role) else {
        self.fail(context: context, TLSError(.notTLS, context: "first bytes: \(Self.hexPrefix(buffer))"))
        return
      }
    }
    guard let connection = self.connection else { return }
    switch self.machine.inbound() {
    case .continueHandshake:
      connection.feed(buffer)
      self.handshakeStep(context: context)
    case .decode:
      connection.feed(buffer)
      self.decode(context: context)
    case .drop:
      break
    }
  }

  public func channelReadComplete(context: ChannelHandlerContext) {
    if !self.deliverPlaintext(context: context) {
      let autoRead = (try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead)) ?? true
      if !autoRead { context.read() }
    }
  }

  /// Decrypts everything available into the plaintext buffer and reacts to close_notify
  /// and errors.
  private func decode(context: ChannelHandlerContext) {
    guard let connection = self.connection, var buffer = self.plaintext else { return }
    self.plaintext = nil
    let result = connection.read(into: &buffer)
    self.plaintext = buffer
    switch result {
    case .needMoreData:
      // Post-handshake messages (key updates) may need an answer.
      if connection.hasOutput { self.sendOutput(context: context, promise: nil) }
    case .closeNotify:
      self.deliverPlaintext(context: context)
      self.peerSentCloseNotify(context: context, connection: connection)
    case .failed(let error):
      self.deliverPlaintext(context: context)
      self.fail(context: context, error)
    }
  }

  /// Passes decrypted bytes on. Returns whether there were any.
  @discardableResult
  private func deliverPlaintext(context: ChannelHandlerContext) -> Bool {
    guard var buffer = self.plaintext, buffer.readableBytes > 0 else { return false }
    let delivered = buffer
    // Reuse the storage if the next handler does not keep it (copy-on-write otherwise).
    buffer.clear()
    self.plaintext = buffer
    context.fireChannelRead(self.wrapInboundOut(delivered))
    context.fireChannelReadComplete()
    return true
  }

  /// Whether the first bytes can start a TLS record: a handshake record (0x16, or an alert,
  /// 0x15, from a server) with major version 3.
  static func startsLikeTLS(_ buffer: ByteBuffer, role: TLSRole) -> Bool {
    guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return true }
    let typeOK = type == 0x16 || (role == .client && type == 0x15)
    guard let major = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return typeOK }
    return typeOK && major == 0x03
  }

  private static func hexPrefix(_ buffer: ByteBuffer) -> String {
    let bytes = buffer.getBytes(at: buffer.readerIndex, length: min(8, buffer.readableBytes)) ?? []
    return bytes.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
  }

  // MARK: Writing

  public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard self.machine.acceptsWrites else {
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    self.pendingWrites.append((self.unwrapOutboundIn(data), promise))
  }

  public func flush(context: ChannelHandlerContext) {
    self.pendingWrites.mark()
    if self.machine.canEncrypt {
      self.encryptFlushedWrites(context: context)
    }
  }

  /// Encrypts every flushed write, packing small ones into full records, and sends the
  /// result as one buffer whose promise completes all the writes' promises.
  private func encryptFlushedWrites(context: ChannelHandlerContext) {
    guard let connection = self.connection, var staging = self.staging else { return }
    self.staging = nil
    defer { self.staging = staging }
    let recordSize = TLSConnection.maximumRecordSize
    var combined: EventLoopPromise<Void>? = nil
    var failure: TLSError? = nil

    func encrypt(_ buffer: ByteBuffer) {
      guard failure == nil else { return }
      if case .failed(let error) = connection.write(buffer) { failure = error }
    }

    while self.pendingWrites.hasMark, let write = self.pendingWrites.popFirst() {
      if let promise = write.promise {
        if let combined { combined.futureResult.cascade(to: promise) } else { combined = promise }
      }
      if staging.readableBytes + write.data.readableBytes > recordSize, staging.readableBytes > 0 {
        encrypt(staging)
        staging.clear()
      }
      if write.data.readableBytes >= recordSize {
        encrypt(write.data)
      } else {
        staging.writeImmutableBuffer(write.data)
      }
    }
    if staging.readableBytes > 0 {
      encrypt(staging)
      staging.clear()
    }
    if let failure {
      combined?.fail(failure)
      self.fail(context: context, failure)
      return
    }
    self.sendOutput(context: context, promise: combined)
  }

  /// Writes and flushes all pending ciphertext as one buffer.
  private func sendOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
    guard let output = self.connection?.takeOutput(allocator: context.channel.allocator) else {
      promise?.succeed(())
      return
    }
    context.writeAndFlush(self.wrapOutboundOut(output), promise: promise)
  }

  private func failPendingWrites(_ error: any Error) {
    while let write = self.pendingWrites.popFirst() {
      write.promise?.fail(error)
    }
  }

  // MARK: Closing

  public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    guard mode == .all else {
      promise?.fail(ChannelError.operationUnsupported)
      return
    }
    switch self.machine.closeRequested() {
    case .closeSocket:
      self.failPendingWrites(ChannelError.ioOnClosedChannel)
      context.close(mode: .all, promise: promise)
    case .joinPendingClose:
      if let promise {
        if let existing = self.closePromise { existing.futureResult.cascade(to: promise) } else { self.closePromise = promise }
      }
    case .sendCloseNotify:
      self.closePromise = promise
      self.failPendingWrites(ChannelError.ioOnClosedChannel)
      let timeout = TimeAmount(self.tlsContext.configuration.closeNotifyTimeout)
      self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
        self.closeTimer = nil
        self.finishClose(context: context)
      }
      self.shutdownStep(context: context)
    }
  }

  /// Sends close_notify (or answers the peer's) and closes once both are done.
  private func shutdownStep(context: ChannelHandlerContext) {
    guard let connection = self.connection else { return }
    let step = connection.shutdown()
    self.sendOutput(context: context, promise: nil)
    switch step {
    case .incomplete:
      break
    case .complete, .failed:
      // A failure to shut down cleanly still ends in a closed socket; nothing to report.
      self.finishClose(context: context)
    }
  }

  private func peerSentCloseNotify(context: ChannelHandlerContext, connection: TLSConnection) {
    switch self.machine.closeNotifyReceived() {
    case .answerAndClose:
      self.failPendingWrites(ChannelError.ioOnClosedChannel)
      self.shutdownStep(context: context)
    case .ignore:
      break
    }
  }

  private func cancelTimers() {
    self.closeTimer?.cancel()
    self.closeTimer = nil
    self.handshakeTimer?.cancel()
    self.handshakeTimer = nil
  }

  /// Closes the socket once the close_notify exchange is over (or timed out).
  private func finishClose(context: ChannelHandlerContext) {
    guard self.machine.closeFinished() else { return }
    self.closeTimer?.cancel()
    self.closeTimer = nil
    self.failPendingWrites(ChannelError.ioOnClosedChannel)
    let promise = self.closePromise
    self.closePromise = nil
    context.close(mode: .all, promise: promise)
  }

  /// Sends any alert OpenSSL queued, reports `error` and closes.
  private func fail(context: ChannelHandlerContext, _ error: TLSError) {
    guard self.machine.state != .closed else { return }
    self.sendOutput(context: context, promise: nil)
    _ = self.machine.failed()
    self.cancelTimers()
    self.failPendingWrites(error)
    context.fireErrorCaught(error)
    let promise = self.closePromise
    self.closePromise = nil
    context.close(mode: .all, promise: promise)
  }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}

/// The lifecycle of one TLS connection as a pure value: each event returns what the
/// ``TLSHandler`` must do. No I/O, no OpenSSL, no NIO, so every transition is tested
/// directly.
package struct TLSHandlerStateMachine: Hashable {
  package init() {}

  package enum State: Hashable {
    /// The channel is not active yet.
    case idle
    case handshaking
    case active
    /// We sent close_notify (or are answering the peer's) and wait for the peer's, bounded
    /// by a timer.
    case closing
    case closed
  }

  /// What to do with ciphertext that arrived.
  package enum InboundAction: Hashable {
    case continueHandshake
    case decode
    case drop
  }

  /// What to do when the application closes the channel.
  package enum CloseAction: Hashable {
    /// Close the socket now (nothing to say in TLS yet, or already closed).
    case closeSocket
    /// Send close_notify and start the close timer.
    case sendCloseNotify
    /// A close is already under way: attach the promise to it.
    case joinPendingClose
  }

  /// What to do when the peer's close_notify arrives.
  package enum CloseNotifyAction: Hashable {
    /// Answer it (SSL_shutdown) and, once done, close the socket.
    case answerAndClose
    case ignore
  }

  /// What to report when the socket closes underneath us.
  package enum InactiveAction: Hashable {
    case reportHandshakeInterrupted
    case reportUncleanClose
    /// A close was under way: stop its timer.
    case cancelCloseTimer
    case nothing
  }

  package private(set) var state: State = .idle

  /// Whether application writes are still accepted.
  package var acceptsWrites: Bool {
    switch self.state {
    case .idle, .handshaking, .active: true
    case .closing, .closed: false
    }
  }

  /// Whether flushed writes can be encrypted now.
  package var canEncrypt: Bool { self.state == .active }

  /// The channel became active. Returns whether to start the handshake.
  package mutating func channelActivated() -> Bool {
    guard self.state == .idle else { return false }
    self.state = .handshaking
    return true
  }

  /// Ciphertext arrived.
  package func inbound() -> InboundAction {
    switch self.state {
    case .handshaking: .continueHandshake
    case .active, .closing: .decode
    case .idle, .closed: .drop
    }
  }

  /// The handshake succeeded. Returns whether the connection may go live (false if a close
  /// or failure overtook it).
  package mutating func handshakeCompleted() -> Bool {
    guard self.state == .handshaking else { return false }
    self.state = .active
    return true
  }

  /// A TLS failure. Returns whether to report it and close (false once already closed);
  /// `cancelTimer` says whether a close timer was running.
  package mutating func failed() -> (report: Bool, cancelTimer: Bool) {
    let previous = self.state
    self.state = .closed
    return (previous != .closed, previous == .closing)
  }

  /// The application asked to close.
  package mutating func closeRequested() -> CloseAction {
    switch self.state {
    case .idle, .handshaking, .closed:
      self.state = .closed
      return .closeSocket
    case .active:
      self.state = .closing
      return .sendCloseNotify
    case .closing:
      return .joinPendingClose
    }
  }

  /// The peer sent close_notify.
  package mutating func closeNotifyReceived() -> CloseNotifyAction {
    switch self.state {
    case .active, .closing:
      self.state = .closing
      return .answerAndClose
    case .idle, .handshaking, .closed:
      return .ignore
    }
  }

  /// Both close_notify messages are done, or the close timer fired. Returns whether to
  /// close the socket now.
  package mutating func closeFinished() -> Bool {
    guard self.state == .closing else { return false }
    self.state = .closed
    return true
  }

  /// The socket closed.
  package mutating func channelInactive() -> InactiveAction {
    let previous = self.state
    self.state = .closed
    switch previous {
    case .handshaking: return .reportHandshakeInterrupted
    case .active: return .reportUncleanClose
    case .closing: return .cancelCloseTimer
    case .idle, .closed: return .nothing
    }
  }
}

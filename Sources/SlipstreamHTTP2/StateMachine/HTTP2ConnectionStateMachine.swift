import NIOCore

/// The life of one connection apart from its streams' bytes: the SETTINGS handshake, open-stream
/// count and idleness, keepalive pings and the graceful-shutdown phases. Pure: it returns what to
/// do and the handler does it.
struct HTTP2ConnectionStateMachine {
  /// Where a graceful shutdown stands.
  enum Shutdown: Hashable {
    case none
    /// Server: GOAWAY(2^31-1) and a PING are out; the final GOAWAY follows the PING ACK.
    case noticeSent
    /// The GOAWAY with the real last stream id is out; close once no stream is open.
    case finalSent
  }

  /// What the handler must do after an event.
  enum Action: Hashable {
    case none
    /// Send a PING with this payload (keepalive or shutdown round trip).
    case sendPing(UInt64)
    /// Server: send the shutdown-notice GOAWAY and this PING.
    case sendShutdownNotice(ping: UInt64)
    /// Send the final GOAWAY (last processed stream id, NO_ERROR).
    case sendFinalGoAway
    /// Send GOAWAY(NO_ERROR) and close: the connection sat idle.
    case closeIdle
    /// Re-arm the idle timer for this deadline.
    case rearmIdle(NIODeadline)
    /// Close the connection with this error.
    case close(HTTP2Error)
  }

  /// The PING payload of the graceful-shutdown round trip ("SHUTDOWN" in ASCII).
  static let shutdownPingPayload: UInt64 = 0x5348_5554_444f_574e

  let role: HTTP2Role
  private(set) var peerSettingsReceived = false
  private(set) var ourSettingsAcknowledged = false
  private(set) var shutdown = Shutdown.none
  private(set) var goAwayReceived = false
  private(set) var openStreams = 0
  /// When the open-stream count last dropped to zero; nil while streams are open.
  private(set) var idleSince: NIODeadline?
  /// The payload of the keepalive PING waiting for its ACK.
  private(set) var outstandingPing: UInt64?
  private var nextPingPayload: UInt64 = 1

  /// Creates the state of a connection that has just become active.
  init(role: HTTP2Role, now: NIODeadline) {
    self.role = role
    self.idleSince = now
  }

  /// The handshake is complete: the peer's SETTINGS arrived and it acknowledged ours.
  var isHandshakeComplete: Bool { self.peerSettingsReceived && self.ourSettingsAcknowledged }

  /// A GOAWAY went either way: no new streams.
  var isGoingAway: Bool { self.shutdown != .none || self.goAwayReceived }

  /// The peer's SETTINGS (`ack == false`) or its ACK of ours arrived.
  mutating func settingsReceived(ack: Bool) {
    if ack {
      self.ourSettingsAcknowledged = true
    } else {
      self.peerSettingsReceived = true
    }
  }

  /// The SETTINGS timer fired.
  func settingsTimerFired() -> Action {
    if self.isHandshakeComplete { return .none }
    let missing = self.peerSettingsReceived ? "the ACK of our SETTINGS" : "the peer's preface and SETTINGS"
    return .close(
      HTTP2Error(
        code: .settingsTimeout,
        message: "\(missing) did not arrive within the SETTINGS timeout; is the peer speaking HTTP/2 (h2/h2c prior knowledge)?"
      )
    )
  }

  /// A stream opened.
  mutating func streamOpened() {
    self.openStreams += 1
    self.idleSince = nil
  }

  /// A stream closed. Only idleness is tracked here: the close after a GOAWAY is decided by the
  /// session (GOAWAY exchanged and no stream left), which the handler checks after each flush.
  mutating func streamClosed(now: NIODeadline) {
    precondition(self.openStreams > 0, "stream closed while none open")
    self.openStreams -= 1
    if self.openStreams == 0 {
      self.idleSince = now
    }
  }

  /// The idle timer fired.
  func idleTimerFired(now: NIODeadline, timeout: TimeAmount) -> Action {
    guard let since = self.idleSince else { return .rearmIdle(now + timeout) }
    if since + timeout <= now { return .closeIdle }
    return .rearmIdle(since + timeout)
  }

  /// The application asked for a graceful shutdown.
  mutating func beginGracefulShutdown() -> Action {
    guard self.shutdown == .none else { return .none }
    switch self.role {
    case .server:
      self.shutdown = .noticeSent
      return .sendShutdownNotice(ping: Self.shutdownPingPayload)
    case .client:
      self.shutdown = .finalSent
      return .sendFinalGoAway
    }
  }

  /// The peer acknowledged a PING.
  mutating func pingAcknowledged(_ payload: UInt64) -> Action {
    if payload == Self.shutdownPingPayload {
      return self.sendFinalGoAwayIfNoticeSent()
    }
    if payload == self.outstandingPing {
      self.outstandingPing = nil
    }
    return .none
  }

  /// The timer bounding the shutdown PING round trip fired.
  mutating func shutdownPingTimerFired() -> Action {
    self.sendFinalGoAwayIfNoticeSent()
  }

  private mutating func sendFinalGoAwayIfNoticeSent() -> Action {
    guard self.shutdown == .noticeSent else { return .none }
    self.shutdown = .finalSent
    return .sendFinalGoAway
  }

  /// It is time for a keepalive PING (or the application asked for one).
  mutating func pingDue() -> Action {
    guard self.outstandingPing == nil else { return .none }
    let payload = self.nextPingPayload
    self.nextPingPayload &+= 1
    if self.nextPingPayload == Self.shutdownPingPayload { self.nextPingPayload &+= 1 }
    self.outstandingPing = payload
    return .sendPing(payload)
  }

  /// The ACK timeout of the PING with `payload` fired.
  func pingTimeoutFired(_ payload: UInt64) -> Action {
    guard self.outstandingPing == payload else { return .none }
    return .close(
      HTTP2Error(
        code: .keepaliveTimeout,
        message: "the peer did not acknowledge a PING within the keepalive timeout; the connection is presumed dead"
      )
    )
  }

  /// The peer sent GOAWAY.
  mutating func goAwayFrameReceived() {
    self.goAwayReceived = true
  }
}

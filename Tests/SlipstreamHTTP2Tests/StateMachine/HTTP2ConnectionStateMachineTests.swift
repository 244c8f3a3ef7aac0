import NIOCore
import Testing

@testable import SlipstreamHTTP2

@Suite("HTTP2ConnectionStateMachine")
struct HTTP2ConnectionStateMachineTests {
  static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

  @Test(
    "the SETTINGS timer closes unless both the peer's SETTINGS and the ACK of ours arrived",
    arguments: [
      (false, false, true),
      (true, false, true),
      (false, true, true),
      (true, true, false),
    ]
  )
  func settingsTimer(peerSettings: Bool, ack: Bool, closes: Bool) {
    var machine = HTTP2ConnectionStateMachine(role: .server, now: Self.start)
    if peerSettings { machine.settingsReceived(ack: false) }
    if ack { machine.settingsReceived(ack: true) }
    let action = machine.settingsTimerFired()
    if closes {
      guard case .close(let error) = action else {
        Issue.record("expected close, got \(action)")
        return
      }
      #expect(error.code == .settingsTimeout)
    } else {
      #expect(action == .none)
    }
  }

  @Test("server graceful shutdown: notice + PING, final GOAWAY on the PING ACK, once")
  func serverShutdown() {
    var machine = HTTP2ConnectionStateMachine(role: .server, now: Self.start)
    let payload = HTTP2ConnectionStateMachine.shutdownPingPayload
    #expect(machine.beginGracefulShutdown() == .sendShutdownNotice(ping: payload))
    #expect(machine.isGoingAway)
    #expect(machine.beginGracefulShutdown() == HTTP2ConnectionStateMachine.Action.none)
    #expect(machine.pingAcknowledged(payload) == .sendFinalGoAway)
    #expect(machine.shutdownPingTimerFired() == HTTP2ConnectionStateMachine.Action.none)
    #expect(machine.shutdown == .finalSent)
  }

  @Test("server graceful shutdown: the timer sends the final GOAWAY when the PING ACK is late")
  func serverShutdownTimer() {
    var machine = HTTP2ConnectionStateMachine(role: .server, now: Self.start)
    _ = machine.beginGracefulShutdown()
    #expect(machine.shutdownPingTimerFired() == .sendFinalGoAway)
    #expect(machine.pingAcknowledged(HTTP2ConnectionStateMachine.shutdownPingPayload) == HTTP2ConnectionStateMachine.Action.none)
  }

  @Test("client graceful shutdown sends the final GOAWAY at once")
  func clientShutdown() {
    var machine = HTTP2ConnectionStateMachine(role: .client, now: Self.start)
    #expect(machine.beginGracefulShutdown() == .sendFinalGoAway)
    #expect(machine.shutdown == .finalSent)
  }

  @Test("keepalive: one PING outstanding at a time; its ACK clears it; an unacknowledged one closes")
  func keepalive() {
    var machine = HTTP2ConnectionStateMachine(role: .client, now: Self.start)
    guard case .sendPing(let first) = machine.pingDue() else {
      Issue.record("expected a PING")
      return
    }
    #expect(machine.pingDue() == HTTP2ConnectionStateMachine.Action.none)
    #expect(machine.pingAcknowledged(first) == HTTP2ConnectionStateMachine.Action.none)
    #expect(machine.pingTimeoutFired(first) == HTTP2ConnectionStateMachine.Action.none)
    guard case .sendPing(let second) = machine.pingDue() else {
      Issue.record("expected a second PING")
      return
    }
    #expect(second != first)
    #expect(second != HTTP2ConnectionStateMachine.shutdownPingPayload)
    guard case .close(let error) = machine.pingTimeoutFired(second) else {
      Issue.record("expected close")
      return
    }
    #expect(error.code == .keepaliveTimeout)
  }

  @Test(
    "idle timer: closes only after a full idle period with no stream open",
    arguments: [
      // (streams opened, streams closed, seconds idle before the timer, expected)
      (0, 0, 5, true),
      (1, 0, 5, false),
      (1, 1, 5, true),
      (2, 1, 5, false),
    ]
  )
  func idle(opened: Int, closed: Int, seconds: Int64, closes: Bool) {
    var machine = HTTP2ConnectionStateMachine(role: .server, now: Self.start)
    for _ in 0..<opened { machine.streamOpened() }
    for _ in 0..<closed { machine.streamClosed(now: Self.start) }
    let now = Self.start + .seconds(seconds)
    let action = machine.idleTimerFired(now: now, timeout: .seconds(5))
    #expect(action == (closes ? .closeIdle : .rearmIdle(now + .seconds(5))))
  }

  @Test("idle timer re-arms for the rest of the period when the last stream closed recently")
  func idleRearm() {
    var machine = HTTP2ConnectionStateMachine(role: .server, now: Self.start)
    machine.streamOpened()
    machine.streamClosed(now: Self.start + .seconds(3))
    #expect(machine.idleTimerFired(now: Self.start + .seconds(5), timeout: .seconds(5)) == .rearmIdle(Self.start + .seconds(8)))
  }
}

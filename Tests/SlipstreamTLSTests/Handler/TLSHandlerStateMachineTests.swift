import SlipstreamTLS
import Testing

@Suite("TLSHandlerStateMachine")
struct TLSHandlerStateMachineTests {
  typealias Machine = TLSHandlerStateMachine

  /// A machine driven into `state` through legal events.
  static func machine(in state: Machine.State) -> Machine {
    var machine = Machine()
    switch state {
    case .idle:
      break
    case .handshaking:
      _ = machine.channelActivated()
    case .active:
      _ = machine.channelActivated()
      _ = machine.handshakeCompleted()
    case .closing:
      _ = machine.channelActivated()
      _ = machine.handshakeCompleted()
      _ = machine.closeRequested()
    case .closed:
      _ = machine.failed()
    }
    #expect(machine.state == state)
    return machine
  }

  enum Event: String, Sendable {
    case activated, handshakeCompleted, failed, closeRequested, closeNotifyReceived, closeFinished, inactive
  }

  struct Row: Sendable, CustomTestStringConvertible {
    var from: Machine.State
    var event: Event
    var action: String
    var to: Machine.State
    var testDescription: String { "\(self.from) + \(self.event.rawValue) -> \(self.action), \(self.to)" }
  }

  static func apply(_ event: Event, to machine: inout Machine) -> String {
    switch event {
    case .activated: "\(machine.channelActivated())"
    case .handshakeCompleted: "\(machine.handshakeCompleted())"
    case .failed: "\(machine.failed())"
    case .closeRequested: "\(machine.closeRequested())"
    case .closeNotifyReceived: "\(machine.closeNotifyReceived())"
    case .closeFinished: "\(machine.closeFinished())"
    case .inactive: "\(machine.channelInactive())"
    }
  }

  static let rows: [Row] = [
    Row(from: .idle, event: .activated, action: "true", to: .handshaking),
    Row(from: .handshaking, event: .activated, action: "false", to: .handshaking),
    Row(from: .active, event: .activated, action: "false", to: .active),
    Row(from: .handshaking, event: .handshakeCompleted, action: "true", to: .active),
    Row(from: .closed, event: .handshakeCompleted, action: "false", to: .closed),
    Row(from: .closing, event: .handshakeCompleted, action: "false", to: .closing),
    Row(from: .handshaking, event: .failed, action: "(report: true, cancelTimer: false)", to: .closed),
    Row(from: .active, event: .failed, action: "(report: true, cancelTimer: false)", to: .closed),
    Row(from: .closing, event: .failed, action: "(report: true, cancelTimer: true)", to: .closed),
    Row(from: .closed, event: .failed, action: "(report: false, cancelTimer: false)", to: .closed),
    Row(from: .idle, event: .closeRequested, action: "closeSocket", to: .closed),
    Row(from: .handshaking, event: .closeRequested, action: "closeSocket", to: .closed),
    Row(from: .active, event: .closeRequested, action: "sendCloseNotify", to: .closing),
    Row(from: .closing, event: .closeRequested, action: "joinPendingClose", to: .closing),
    Row(from: .closed, event: .closeRequested, action: "closeSocket", to: .closed),
    Row(from: .active, event: .closeNotifyReceived, action: "answerAndClose", to: .closing),
    Row(from: .closing, event: .closeNotifyReceived, action: "answerAndClose", to: .closing),
    Row(from: .handshaking, event: .closeNotifyReceived, action: "ignore", to: .handshaking),
    Row(from: .closed, event: .closeNotifyReceived, action: "ignore", to: .closed),
    Row(from: .closing, event: .closeFinished, action: "true", to: .closed),
    Row(from: .closed, event: .closeFinished, action: "false", to: .closed),
    Row(from: .active, event: .closeFinished, action: "false", to: .active),
    Row(from: .idle, event: .inactive, action: "nothing", to: .closed),
    Row(from: .handshaking, event: .inactive, action: "reportHandshakeInterrupted", to: .closed),
    Row(from: .active, event: .inactive, action: "reportUncleanClose", to: .closed),
    Row(from: .closing, event: .inactive, action: "cancelCloseTimer", to: .closed),
    Row(from: .closed, event: .inactive, action: "nothing", to: .closed),
  ]

  @Test("transitions", arguments: rows)
  func transition(_ row: Row) {
    var machine = Self.machine(in: row.from)
    #expect(Self.apply(row.event, to: &machine) == row.action)
    #expect(machine.state == row.to)
  }

  @Test(
    "writes are accepted until a close starts; encryption only when active",
    arguments: [
      (Machine.State.idle, true, false), (.handshaking, true, false), (.active, true, true),
      (.closing, false, false), (.closed, false, false),
    ]
  )
  func writes(state: Machine.State, accepts: Bool, encrypts: Bool) {
    let machine = Self.machine(in: state)
    #expect(machine.acceptsWrites == accepts)
    #expect(machine.canEncrypt == encrypts)
  }

  @Test(
    "ciphertext is routed by state",
    arguments: [
      (Machine.State.idle, Machine.InboundAction.drop), (.handshaking, .continueHandshake), (.active, .decode),
      (.closing, .decode), (.closed, .drop),
    ]
  )
  func inbound(state: Machine.State, action: Machine.InboundAction) {
    #expect(Self.machine(in: state).inbound() == action)
  }
}

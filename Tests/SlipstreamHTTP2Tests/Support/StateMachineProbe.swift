@testable import SlipstreamHTTP2

/// Internal constants the black-box tests need.
enum HTTP2ConnectionStateMachineProbe {
  static let shutdownPingPayload = HTTP2ConnectionStateMachine.shutdownPingPayload
}

import NIOCore
import NIOEmbedded
import SlipstreamHTTP2
import Testing

@Suite("HTTP2Configuration")
struct HTTP2ConfigurationTests {
  @Test("the defaults are valid")
  func defaultsValid() throws {
    try HTTP2Configuration.defaults.validate()
  }

  /// One out-of-range value: the property's name and how to set it.
  struct Invalid: Sendable, CustomStringConvertible {
    var name: String
    var change: @Sendable (inout HTTP2Configuration) -> Void
    var description: String { self.name }
  }

  static let invalidValues: [Invalid] = [
    Invalid(name: "maxFrameSize") { $0.maxFrameSize = 16383 },
    Invalid(name: "maxFrameSize") { $0.maxFrameSize = 1 << 24 },
    Invalid(name: "initialStreamWindowSize") { $0.initialStreamWindowSize = Int(Int32.max) + 1 },
    Invalid(name: "connectionWindowSize") { $0.connectionWindowSize = -1 },
    Invalid(name: "maxHeaderListSize") { $0.maxHeaderListSize = 0 },
    Invalid(name: "outboundBufferLowWatermark") { $0.outboundBufferLowWatermark = $0.outboundBufferHighWatermark + 1 },
    Invalid(name: "settingsTimeout") { $0.settingsTimeout = .zero },
    Invalid(name: "idleTimeout") { $0.idleTimeout = .seconds(-1) },
    Invalid(name: "keepalive") { $0.keepalive = .init(interval: .seconds(1), timeout: .zero) },
  ]

  @Test("out-of-range values are rejected with .invalidConfiguration naming the value", arguments: Self.invalidValues)
  func invalid(_ value: Invalid) {
    let name = value.name
    var configuration = HTTP2Configuration.defaults
    value.change(&configuration)
    do throws(HTTP2Error) {
      try configuration.validate()
      Issue.record("accepted an invalid \(name)")
    } catch {
      #expect(error.code == .invalidConfiguration)
      #expect(error.message.contains(name))
    }
  }

  @Test("a handler with an invalid configuration closes its connection with .invalidConfiguration")
  func handlerRejectsInvalidConfiguration() throws {
    var configuration = HTTP2Configuration.test
    configuration.maxFrameSize = 100
    let pair = try EmbeddedPair(client: configuration)
    #expect(!pair.client.isActive)
    #expect(pair.clientRecorder.snapshot.connectionCloseCode == .some(.invalidConfiguration))
  }
}

import NIOCore
import NIOPosix
import SlipstreamHTTP2
import Testing

/// A misbehaving peer on a raw TCP socket: it writes fixed bytes once the server has spoken and
/// then ignores everything it receives.
enum RawPeer {
  enum Script: Sendable, CustomStringConvertible {
    /// Connects and never sends a byte.
    case silent
    /// Sends the client preface and an empty SETTINGS, but never ACKs the server's SETTINGS.
    case prefaceWithoutAck
    /// Sends the preface, SETTINGS and an ACK of the server's SETTINGS, then never answers (no PING ACK).
    case prefaceThenDeaf
    /// Speaks HTTP/1.1 instead of HTTP/2.
    case http1
    /// Completes the handshake, then starts a header block (HEADERS without END_HEADERS) and stalls.
    case incompleteHeaders
    /// Completes the handshake, then sends a HEADERS frame followed by 10 CONTINUATION frames
    /// that never end the header block (CVE-2024-28182).
    case continuationFlood
    /// Completes the handshake, then opens and immediately resets 20 streams (CVE-2023-44487).
    case rapidReset

    var bytes: [UInt8] {
      let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
      let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
      let settingsAck: [UInt8] = [0, 0, 0, 4, 1, 0, 0, 0, 0]
      switch self {
      case .silent: return []
      case .prefaceWithoutAck: return preface + settings
      case .prefaceThenDeaf: return preface + settings + settingsAck
      case .http1: return Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
      case .incompleteHeaders:
        return preface + settings + settingsAck + Self.frame(type: 1, flags: 0, stream: 1, payload: [0x82, 0x86, 0x84])
      case .continuationFlood:
        // HPACK: :method GET, :scheme http, :path /, then literal "x: y" fields.
        var bytes = preface + settings + settingsAck + Self.frame(type: 1, flags: 0, stream: 1, payload: [0x82, 0x86, 0x84])
        for _ in 0..<10 {
          bytes += Self.frame(type: 9, flags: 0, stream: 1, payload: [0x00, 0x01, 0x78, 0x01, 0x79])
        }
        return bytes
      case .rapidReset:
        var bytes = preface + settings + settingsAck
        for index in 0..<20 {
          let stream = UInt32(2 * index + 1)
          // END_HEADERS; :method GET, :scheme http, :path /, :authority a (literal, indexed name 1).
          bytes += Self.frame(type: 1, flags: 0x4, stream: stream, payload: [0x82, 0x86, 0x84, 0x01, 0x01, 0x61])
          bytes += Self.frame(type: 3, flags: 0, stream: stream, payload: [0, 0, 0, 8])  // RST_STREAM(CANCEL)
        }
        return bytes
      }
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
      let length = payload.count
      return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags,
              UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    var description: String {
      switch self {
      case .silent: "silent"
      case .prefaceWithoutAck: "preface without SETTINGS ACK"
      case .prefaceThenDeaf: "preface, then deaf"
      case .http1: "HTTP/1.1"
      case .incompleteHeaders: "incomplete header block"
      case .continuationFlood: "CONTINUATION flood"
      case .rapidReset: "rapid reset"
      }
    }
  }

  final class Handler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let script: Script
    var sent = false

    init(script: Script) { self.script = script }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard !self.sent else { return }  // ignore everything after our one message
      self.sent = true
      let bytes = self.script.bytes
      if !bytes.isEmpty {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
      }
    }
  }

  static func connect(port: Int, script: Script) async throws -> any Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(script: script)) }
      }
      .connect(host: "127.0.0.1", port: port)
      .get()
  }
}

extension RawPeer {
  /// Runs `script` against a fresh server and checks the server closes the connection with
  /// `expected`, and that the close reaches the peer.
  static func expectServerCloses(
    _ script: Script,
    configuration: HTTP2Configuration = .test,
    behaviour: RecordingDelegate.Behaviour = .echo,
    with expected: HTTP2Error.Code,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let server = try await ServerHarness.start(configuration: configuration, behaviour: behaviour)
    let peer = try await RawPeer.connect(port: server.port, script: script)
    try await server.recorder.wait(for: "server closed the connection") { $0.isConnectionClosed }
    #expect(server.recorder.snapshot.connectionCloseCode == .some(expected), sourceLocation: sourceLocation)
    try await peer.closeFuture.get()
    try await server.stop()
  }
}

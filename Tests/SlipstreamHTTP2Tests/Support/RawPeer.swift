import NIOCore
import NIOPosix

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

    var bytes: [UInt8] {
      let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
      let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
      let settingsAck: [UInt8] = [0, 0, 0, 4, 1, 0, 0, 0, 0]
      switch self {
      case .silent: return []
      case .prefaceWithoutAck: return preface + settings
      case .prefaceThenDeaf: return preface + settings + settingsAck
      case .http1: return Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
      }
    }

    var description: String {
      switch self {
      case .silent: "silent"
      case .prefaceWithoutAck: "preface without SETTINGS ACK"
      case .prefaceThenDeaf: "preface, then deaf"
      case .http1: "HTTP/1.1"
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

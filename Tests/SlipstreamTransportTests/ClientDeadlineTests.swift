#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamTransport
import SlipstreamWire
import Synchronization
import Testing

/// The client ends calls at their deadline by itself — on a connection whose server never
/// answers, and while the connection is still being made — and a connection attempt that
/// never completes its TLS handshake ends at the connect timeout.
@Suite("Client deadlines and connect timeouts", .timeLimit(.minutes(1)))
struct ClientDeadlineTests {
  let codec = StringCodec()

  @Test("a unary call ends at its deadline on a server that never answers; the server sees RST_STREAM(CANCEL)")
  func deadlineOnAServerThatNeverAnswers() async throws {
    let server = try await MuteHTTP2Server.start()
    let channel = try GRPCChannel(configuration: GRPCChannelConfiguration(
      endpoints: [.init(host: "127.0.0.1", port: server.port)], security: .plaintext))
    let rpc = RPCClient(transport: channel)
    let codec = self.codec
    // A call with a long deadline first: once the server has its stream, the connection is
    // up (so the calls below time out on it, not while connecting) and its deadline timer is
    // armed for 60 s; the 300 ms calls re-arm it earlier.
    let long = Task {
      try await rpc.unary(Test.echo, request: "long", serializer: codec, deserializer: codec, options: CallOptions(timeout: .seconds(60)))
    }
    await server.openedStreams.wait(for: 1)
    // Twice: the connection's deadline timer re-arms after firing.
    for round in 1...2 {
      let started = ContinuousClock.now
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "anyone?", serializer: codec, deserializer: codec, options: CallOptions(timeout: .milliseconds(300)))
      }
      #expect(error?.code == .deadlineExceeded, "round \(round): \(String(describing: error))")
      #expect(error?.message == "Deadline exceeded.", "round \(round)")
      #expect(started.duration(to: .now) >= .milliseconds(300), "round \(round): not before the deadline")
    }
    long.cancel()
    let error = await expectRPCError { _ = try await long.value }
    #expect(error?.code == .cancelled, "\(String(describing: error))")
    // The long call's RST_STREAM left after everything the rounds sent, so once the server
    // has it, it has seen all of theirs: every stream it was sent was cancelled. (On a loaded
    // machine a round's deadline can pass before its HEADERS leave; nghttp2 then sends
    // neither, and the server never sees that stream.)
    await server.streamCancelled(HTTP2StreamID(1))
    let (opened, cancelled) = server.streams
    #expect(opened == cancelled && opened.contains(1), "opened \(opened.sorted()), cancelled \(cancelled.sorted())")
    await channel.close()
    try await server.stop()
  }

  @Test("a unary call ends at its deadline while the TLS connection is still being made")
  func deadlineWhileConnecting() async throws {
    try await withUnreadyEndpoint(connectTimeout: .seconds(60)) { rpc, _ in
      let started = ContinuousClock.now
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "anyone?", serializer: codec, deserializer: codec, options: CallOptions(timeout: .milliseconds(300)))
      }
      #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
      #expect(error?.message.contains("was not ready in time") == true, "\(String(describing: error))")
      #expect(started.duration(to: .now) >= .milliseconds(300), "not before the deadline")
    }
  }

  @Test("the connect timeout covers the TLS handshake: a server that never answers it fails the call with UNAVAILABLE")
  func connectTimeoutCoversTheTLSHandshake() async throws {
    try await withUnreadyEndpoint(connectTimeout: .milliseconds(300)) { rpc, port in
      let error = await expectRPCError {
        _ = try await rpc.unary(Test.echo, request: "anyone?", serializer: codec, deserializer: codec)
      }
      #expect(error?.code == .unavailable, "\(String(describing: error))")
      #expect(
        error?.message.contains("TCP connection and TLS handshake with 127.0.0.1:\(port) did not complete within 0.3 seconds") == true,
        "\(String(describing: error))")
    }
  }

  /// A TCP connect that never completes is cut by NIO's own connect timer or by the
  /// lifecycle handler's (they have the same length and race): the caller gets the same
  /// message from either.
  @Test("a TCP connect that never completes ends at the connect timeout with the same message as a stalled TLS handshake")
  func connectTimeoutDuringTCP() async throws {
    let listener = try SilentListener(full: true)
    defer { listener.close() }
    let channel = try GRPCChannel(configuration: GRPCChannelConfiguration(
      endpoints: [.init(host: "127.0.0.1", port: listener.port)], security: .plaintext, connectTimeout: .milliseconds(300)))
    let error = await expectRPCError {
      _ = try await RPCClient(transport: channel).unary(Test.echo, request: "anyone?", serializer: codec, deserializer: codec)
    }
    #expect(error?.code == .unavailable, "\(String(describing: error))")
    #expect(
      error?.message == "The TCP connection with 127.0.0.1:\(listener.port) did not complete within 0.3 seconds (connect timeout).",
      "\(String(describing: error))")
    await channel.close()
  }

  @Test("cancelling a call that waits for its connection ends it with CANCELLED")
  func cancelWhileConnecting() async throws {
    let codec = self.codec
    try await withUnreadyEndpoint(connectTimeout: .seconds(60)) { rpc, _ in
      let call = Task { try await rpc.unary(Test.echo, request: "anyone?", serializer: codec, deserializer: codec) }
      call.cancel()
      let error = await expectRPCError { _ = try await call.value }
      #expect(error?.code == .cancelled, "\(String(describing: error))")
    }
  }
}

extension ClientDeadlineTests {
  /// Runs `body` with a client of a TLS endpoint (and its port) whose connections never
  /// become ready: the listener never accepts, so the TLS handshake never gets an answer.
  func withUnreadyEndpoint(connectTimeout: Duration, _ body: (RPCClient, Int) async throws -> Void) async throws {
    let listener = try SilentListener()
    defer { listener.close() }
    let channel = try GRPCChannel(configuration: GRPCChannelConfiguration(
      endpoints: [.init(host: "127.0.0.1", port: listener.port)], security: .tls(try TestPKI().clientTLS()),
      connectTimeout: connectTimeout))
    try await body(RPCClient(transport: channel), listener.port)
    await channel.close()
  }
}

/// A TCP listener that never accepts: the kernel completes the TCP handshake from its
/// backlog, and then nobody ever reads or writes. With `full`, its backlog (of one) is taken
/// by a connection of its own, so the kernel drops further SYNs: a TCP connect to it hangs.
final class SilentListener: Sendable {
  let port: Int
  private let descriptor: Int32
  private let filler: Int32?

  init(full: Bool = false) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let fd = descriptor
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        bind(fd, address, length) == 0 && listen(fd, full ? 0 : 16) == 0 && getsockname(fd, address, &length) == 0
      }
    }
    guard bound else {
      Glibc.close(fd)
      throw Failure(description: "bind/listen: errno \(errno)")
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    guard full else {
      filler = nil
      return
    }
    let other = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(other, $0, length) == 0 }
    }
    guard other >= 0, connected else {
      Glibc.close(fd)
      throw Failure(description: "filling the backlog: errno \(errno)")
    }
    filler = other
  }

  func close() {
    Glibc.close(descriptor)
    if let filler { Glibc.close(filler) }
  }

  struct Failure: Error, CustomStringConvertible { var description: String }
}

/// An HTTP/2 server that completes the connection preface and then answers no stream; it
/// records the streams its clients open and cancel.
final class MuteHTTP2Server: Sendable {
  let port: Int
  /// Counts the streams opened.
  let openedStreams: CountSignal
  private let log: StreamLog
  private let channel: any Channel

  private init(channel: any Channel, opened: CountSignal, log: StreamLog) {
    self.channel = channel
    self.port = channel.localAddress?.port ?? 0
    self.openedStreams = opened
    self.log = log
  }

  static func start() async throws -> MuteHTTP2Server {
    let (opened, log) = (CountSignal(), StreamLog())
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(
            HTTP2ConnectionHandler(role: .server, delegate: MuteDelegate(opened: opened, log: log)))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    return MuteHTTP2Server(channel: channel, opened: opened, log: log)
  }

  /// The ids of the streams opened, and of those the client cancelled (RST_STREAM CANCEL).
  var streams: (opened: Set<Int32>, cancelled: Set<Int32>) { log.state.withLock { ($0.opened, $0.cancelled) } }

  /// Returns once the client has cancelled stream `id`.
  func streamCancelled(_ id: HTTP2StreamID) async {
    await withCheckedContinuation { continuation in
      let now = log.state.withLock { state -> Bool in
        if state.cancelled.contains(id.rawValue) { return true }
        state.waiters.append((id.rawValue, continuation))
        return false
      }
      if now { continuation.resume() }
    }
  }

  func stop() async throws { try await channel.close() }

  private final class StreamLog: Sendable {
    struct State {
      var opened: Set<Int32> = []
      var cancelled: Set<Int32> = []
      var waiters: [(id: Int32, continuation: CheckedContinuation<Void, Never>)] = []
    }
    let state = Mutex(State())
  }

  private final class MuteDelegate: HTTP2ConnectionDelegate {
    let opened: CountSignal
    let log: StreamLog
    init(opened: CountSignal, log: StreamLog) {
      self.opened = opened
      self.log = log
    }
    func http2StreamOpened(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
      log.state.withLock { _ = $0.opened.insert(stream.rawValue) }
      opened.increment()
    }
    func http2HeadersReceived(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {}
    func http2DataReceived(_ stream: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool) {}
    func http2StreamClosed(_ stream: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
      guard errorCode == .cancel else { return }
      let ready = log.state.withLock { state in
        state.cancelled.insert(stream.rawValue)
        let ready = state.waiters.filter { $0.id == stream.rawValue }.map(\.continuation)
        state.waiters.removeAll { $0.id == stream.rawValue }
        return ready
      }
      for continuation in ready { continuation.resume() }
    }
    func http2StreamWritabilityChanged(_ stream: HTTP2StreamID, isWritable: Bool) {}
    func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode) {}
    func http2ConnectionClosed(error: (any Error)?) {}
  }
}

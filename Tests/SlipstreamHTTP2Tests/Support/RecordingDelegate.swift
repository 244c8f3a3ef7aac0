import NIOCore
import SlipstreamHTTP2
import Synchronization

/// A delegate for both roles that records every event. As a server it can also answer:
/// `.echo` sends `:status 200`, echoes request DATA as it arrives and ends with trailers
/// (`x-trailer: done`, `grpc-status: 0`) when the request ends; a request for `/push/<N>` is
/// answered with N pattern bytes, queued only while the stream is writable.
final class RecordingDelegate: HTTP2ConnectionDelegate {
  enum Behaviour { case record, echo }

  let recorder: EventRecorder
  let behaviour: Behaviour
  /// Consume received DATA at once (the normal reader); false models a reader that stopped.
  var autoConsume: Bool
  weak var handler: HTTP2ConnectionHandler?
  private let allocator = ByteBufferAllocator()
  private var pushes: [Int32: (sent: Int, total: Int)] = [:]

  static let pushChunk = 64 * 1024

  init(recorder: EventRecorder, behaviour: Behaviour, autoConsume: Bool = true) {
    self.recorder = recorder
    self.behaviour = behaviour
    self.autoConsume = autoConsume
  }

  func http2StreamOpened(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    self.recorder.record(.opened(stream.rawValue, endStream: endStream), headers: (stream.rawValue, headers))
    if let handler { self.recorder.maxOpenStreams.max(handler.openStreamCount) }
    guard self.behaviour == .echo, let handler else { return }
    let path = headers.first { $0.name == ":path" }?.value ?? ""
    do {
      try handler.sendHeaders(stream, headers: [.init(name: ":status", value: "200"), .init(name: "content-type", value: "application/octet-stream")], endStream: false)
      if path.hasPrefix("/push/"), let total = Int(path.dropFirst("/push/".count)) {
        self.pushes[stream.rawValue] = (0, total)
        self.pump(stream)
      } else if endStream {
        try self.sendTrailers(stream)
      }
    } catch {
      self.recorder.record(.closed(stream.rawValue, .internalError))
    }
  }

  func http2HeadersReceived(_ stream: HTTP2StreamID, headers: [HTTP2HeaderField], endStream: Bool) {
    self.recorder.record(.headers(stream.rawValue, endStream: endStream), headers: (stream.rawValue, headers))
    if self.behaviour == .echo && endStream && self.pushes[stream.rawValue] == nil {
      try? self.sendTrailers(stream)
    }
  }

  func http2DataReceived(_ stream: HTTP2StreamID, bytes: UnsafeRawBufferPointer, endStream: Bool) {
    self.recorder.record(.data(stream.rawValue, count: bytes.count, endStream: endStream), body: (stream.rawValue, bytes))
    guard let handler else { return }
    if self.behaviour == .echo && self.pushes[stream.rawValue] == nil {
      if bytes.count > 0 {
        _ = try? handler.sendData(stream, self.allocator.buffer(bytes: bytes), endStream: false)
      }
      if endStream {
        try? self.sendTrailers(stream)
      }
    }
    if self.autoConsume {
      handler.consume(stream, bytes: bytes.count)
    }
  }

  func http2StreamClosed(_ stream: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    self.pushes[stream.rawValue] = nil
    self.recorder.record(.closed(stream.rawValue, errorCode))
  }

  func http2StreamWritabilityChanged(_ stream: HTTP2StreamID, isWritable: Bool) {
    self.recorder.record(.writability(stream.rawValue, isWritable))
    if isWritable { self.pump(stream) }
  }

  func http2GoAwayReceived(lastStreamID: HTTP2StreamID, errorCode: HTTP2ErrorCode) {
    self.recorder.record(.goAway(last: lastStreamID.rawValue, errorCode))
  }

  func http2ConnectionClosed(error: (any Error)?) {
    self.recorder.record(.connectionClosed((error as? HTTP2Error)?.code))
  }

  private func sendTrailers(_ stream: HTTP2StreamID) throws {
    try self.handler?.sendTrailers(stream, headers: [.init(name: "x-trailer", value: "done"), .init(name: "grpc-status", value: "0")])
  }

  /// Queues push bytes while the stream stays writable.
  private func pump(_ stream: HTTP2StreamID) {
    guard let handler, var push = self.pushes[stream.rawValue] else { return }
    while push.sent < push.total && handler.isWritable(stream) {
      let count = min(Self.pushChunk, push.total - push.sent)
      var chunk = self.allocator.buffer(capacity: count)
      chunk.writeBytes(Pattern.bytes(from: push.sent, count: count))
      push.sent += count
      self.pushes[stream.rawValue] = push
      let buffered = (try? handler.sendData(stream, chunk, endStream: false)) ?? 0
      self.recorder.maxBufferedBytes.max(buffered)
    }
    if push.sent == push.total {
      self.pushes[stream.rawValue] = nil
      try? self.sendTrailers(stream)
    }
  }
}

/// Deterministic body bytes: byte i is (i * 7 + 3) mod 251 (the Python client uses the same rule).
enum Pattern {
  /// One period of the pattern (it repeats every 251 bytes).
  private static let cycle: [UInt8] = (0..<251).map { UInt8(($0 * 7 + 3) % 251) }

  static func bytes(from offset: Int, count: Int) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(count)
    var position = offset % 251
    while result.count < count {
      let run = min(251 - position, count - result.count)
      result.append(contentsOf: Self.cycle[position..<(position + run)])
      position = 0
    }
    return result
  }
}

/// A running maximum shared between the event loop and the test.
final class RunningMax: Sendable {
  private let value = Mutex(0)
  func max(_ candidate: Int) { self.value.withLock { $0 = Swift.max($0, candidate) } }
  var current: Int { self.value.withLock { $0 } }
}

import NIOCore
import SlipstreamRPC
import SlipstreamTestSupport
@testable import SlipstreamTransport
import SlipstreamWire
import Testing

@Suite("Response sources written straight into a DATA frame's buffer")
struct ResponseMessageWriterTests {
  /// The bytes gRPC puts on the wire for `messages`: flag 0, big-endian length, payload.
  private func framed(_ messages: [String]) -> [UInt8] {
    messages.flatMap { message -> [UInt8] in
      let bytes = Array(message.utf8)
      let length = UInt32(bytes.count)
      return [0, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
              UInt8(truncatingIfNeeded: length)] + bytes
    }
  }

  @Test("a source without its own writer is framed from its arrays, in order, in one buffer")
  func defaultWritesTakeReady() throws {
    let source = FeedSource()
    source.start {}
    source.feed(["first", "", String(repeating: "x", count: 70_000)])
    var writer = GRPCMessageBufferWriter(allocator: ByteBufferAllocator())
    source.takeReady(into: &writer)
    #expect(writer.failure == nil)
    let buffer = try #require(writer.buffer)
    #expect(Array(buffer.readableBytesView) == framed(["first", "", String(repeating: "x", count: 70_000)]))
  }

  @Test("nothing ready leaves no buffer (no empty DATA frame is sent)")
  func nothingReady() {
    let source = FeedSource()
    source.start {}
    var writer = GRPCMessageBufferWriter(allocator: ByteBufferAllocator())
    source.takeReady(into: &writer)
    #expect(writer.buffer == nil && writer.failure == nil)
  }

  @Test("a message longer than a gRPC length prefix can say fails the take; nothing after it is written")
  func tooLong() throws {
    var writer = GRPCMessageBufferWriter(allocator: ByteBufferAllocator())
    writer.writeMessage(length: 2) { $0.copyBytes(from: [1, 2]) }
    var called = false
    writer.writeMessage(length: Int(UInt32.max) + 1) { _ in called = true }
    writer.writeMessage(length: 1) { $0.copyBytes(from: [3]) }
    #expect(!called)
    #expect(writer.failure?.kind == .messageTooLarge(length: Int(UInt32.max) + 1, limit: Int(UInt32.max)))
    #expect(Array(try #require(writer.buffer).readableBytesView) == [0, 0, 0, 0, 2, 1, 2])
  }

  @Test("the array writer keeps each message whole")
  func arrayWriter() {
    var writer = ResponseMessageArray()
    writer.writeMessage(length: 3) { $0.copyBytes(from: [7, 8, 9]) }
    writer.writeMessage(length: 0) { _ in }
    #expect(writer.messages == [[7, 8, 9], []])
  }
}

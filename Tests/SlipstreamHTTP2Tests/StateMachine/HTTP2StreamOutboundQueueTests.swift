import NIOCore
import Testing

@testable import SlipstreamHTTP2

@Suite("HTTP2StreamOutboundQueue")
struct HTTP2StreamOutboundQueueTests {
  /// Appends of `sizes` against watermarks 100/20: the writability reported after each append.
  @Test(
    "append reports not-writable exactly once, when the high watermark is reached",
    arguments: [
      ([10, 20, 30], [nil, nil, nil] as [Bool?]),
      ([99, 1], [nil, false]),
      ([100], [false]),
      ([150, 10], [false, nil]),
      ([0, 100], [nil, false]),
    ]
  )
  func appendWatermark(sizes: [Int], expected: [Bool?]) {
    var queue = HTTP2StreamOutboundQueue(highWatermark: 100, lowWatermark: 20)
    let changes = sizes.map { queue.append(ByteBuffer(repeating: 1, count: $0)) }
    #expect(changes == expected)
    #expect(queue.bufferedBytes == sizes.reduce(0, +))
  }

  @Test(
    "take reports writable exactly once, when draining to the low watermark",
    arguments: [
      ([60, 20, 20, 20], [nil, nil, true, nil] as [Bool?]),
      ([81, 19], [nil, true]),
      ([120], [true]),
    ]
  )
  func takeWatermark(takes: [Int], expected: [Bool?]) {
    var queue = HTTP2StreamOutboundQueue(highWatermark: 100, lowWatermark: 20)
    #expect(queue.append(ByteBuffer(repeating: 1, count: 120)) == false)
    var output = ByteBuffer()
    let changes = takes.map { queue.take($0, into: &output) }
    #expect(changes == expected)
    #expect(output.readableBytes == takes.reduce(0, +))
  }

  @Test("take copies bytes in order across buffer boundaries and splits buffers")
  func takeOrder() {
    var queue = HTTP2StreamOutboundQueue(highWatermark: 1000, lowWatermark: 10)
    _ = queue.append(ByteBuffer(bytes: [1, 2, 3]))
    _ = queue.append(ByteBuffer(bytes: [4, 5]))
    _ = queue.append(ByteBuffer(bytes: [6, 7, 8, 9]))
    var output = ByteBuffer()
    _ = queue.take(4, into: &output)
    #expect(Array(output.readableBytesView) == [1, 2, 3, 4])
    _ = queue.take(3, into: &output)
    #expect(Array(output.readableBytesView) == [1, 2, 3, 4, 5, 6, 7])
    #expect(queue.bufferedBytes == 2)
  }

  @Test(
    "pull: deferred while open and empty, the end rides on the last bytes",
    arguments: [
      (0, HTTP2StreamOutboundQueue.End.open, 16, HTTP2StreamOutboundQueue.Pull.deferred),
      (0, .endStream, 16, .data(length: 0, isLast: true)),
      (0, .trailers([]), 16, .data(length: 0, isLast: true)),
      (10, .open, 16, .data(length: 10, isLast: false)),
      (10, .endStream, 16, .data(length: 10, isLast: true)),
      (40, .endStream, 16, .data(length: 16, isLast: false)),
      (16, .endStream, 16, .data(length: 16, isLast: true)),
    ]
  )
  func pull(buffered: Int, end: HTTP2StreamOutboundQueue.End, maxLength: Int, expected: HTTP2StreamOutboundQueue.Pull) {
    var queue = HTTP2StreamOutboundQueue(highWatermark: 100, lowWatermark: 20)
    _ = queue.append(ByteBuffer(repeating: 0, count: buffered))
    if end != .open { queue.finish(end) }
    #expect(queue.pull(maxLength: maxLength) == expected)
  }

  @Test("a queue that is fed while it drains keeps order across compaction")
  func interleavedAppendAndTake() {
    var queue = HTTP2StreamOutboundQueue(highWatermark: 1 << 20, lowWatermark: 0)
    var output = ByteBuffer()
    var expected: [UInt8] = []
    for index in 0..<1000 {
      let bytes = [UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8), 7]
      expected += bytes
      _ = queue.append(ByteBuffer(bytes: bytes))
      _ = queue.take(min(2, queue.bufferedBytes), into: &output)
    }
    _ = queue.take(queue.bufferedBytes, into: &output)
    #expect(Array(output.readableBytesView) == expected)
    #expect(queue.bufferedBytes == 0)
  }

  @Test("bytes come out in the order they were queued, for any mix of appends and partial takes")
  func orderUnderInterleavedAppendsAndTakes() {
    // A deterministic generator: each run interleaves appends of 1–40 distinct bytes with
    // takes of 1–50 bytes (or what is queued), so the inline first buffer, the array behind
    // it and partial reads of both all occur.
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(bound))
    }
    for run in 0..<200 {
      var queue = HTTP2StreamOutboundQueue(highWatermark: 1 << 20, lowWatermark: 0)
      var expected: [UInt8] = []
      var taken: [UInt8] = []
      var counter: UInt8 = 0
      for _ in 0..<60 {
        if next(3) > 0 {
          let bytes = (0..<(1 + next(40))).map { _ in counter &+= 1; return counter }
          expected += bytes
          _ = queue.append(ByteBuffer(bytes: bytes))
        } else if queue.bufferedBytes > 0 {
          var output = ByteBuffer()
          let length = min(queue.bufferedBytes, 1 + next(50))
          _ = queue.take(length, into: &output)
          #expect(output.readableBytes == length)
          taken += output.readableBytesView
        }
      }
      var rest = ByteBuffer()
      let remaining = queue.bufferedBytes
      if remaining > 0 { _ = queue.take(remaining, into: &rest) }
      taken += rest.readableBytesView
      #expect(taken == expected, "run \(run)")
      #expect(queue.bufferedBytes == 0)
    }
  }
}

@testable import SlipstreamRPC
import Testing

@Suite("RPCStreamBuffer")
struct RPCStreamBufferTests {
  @Test func deliversInOrderThenTheEnd() async throws {
    let buffer = RPCStreamBuffer<Int>()
    for i in 0..<1000 { buffer.yield(i) }
    buffer.finish()
    var seen: [Int] = []
    while let value = try await buffer.next() { seen.append(value) }
    #expect(seen == Array(0..<1000))
    #expect(try await buffer.next() == nil)
  }

  @Test func errorComesAfterTheBufferedElements() async throws {
    struct Boom: Error {}
    let buffer = RPCStreamBuffer<Int>()
    buffer.yield(1)
    buffer.yield(2)
    buffer.finish(throwing: Boom())
    #expect(try await buffer.next() == 1)
    #expect(try await buffer.next() == 2)
    await #expect(throws: Boom.self) { try await buffer.next() }
  }

  @Test func yieldReportsTheHighWatermarkAndDemandComesBackBelowTheLow() async throws {
    let demand = Signal()
    let buffer = RPCStreamBuffer<Int>(highWatermark: 10, lowWatermark: 4, onDemand: { demand.fire() })
    #expect(buffer.yield(1, cost: 6) == .enqueued(aboveHighWatermark: false))
    #expect(buffer.yield(2, cost: 6) == .enqueued(aboveHighWatermark: true))
    _ = try await buffer.next()  // 6 left: above the low watermark
    #expect(!demand.hasFired)
    _ = try await buffer.next()  // 0 left
    #expect(demand.hasFired)
  }

  @Test func sendSuspendsWhileFullAndResumesWhenDrained() async throws {
    let buffer = RPCStreamBuffer<Int>(highWatermark: 2, lowWatermark: 1)
    buffer.yield(1, cost: 3)  // above the high watermark
    let producer = Task { try await buffer.send(2, cost: 1) }
    while !buffer.hasSuspendedProducer { await Task.yield() }
    #expect(try await buffer.next() == 1)
    try await producer.value
    #expect(try await buffer.next() == 2)
  }

  @Test func waitingConsumerIsReleasedByCancellation() async throws {
    let buffer = RPCStreamBuffer<Int>()
    let consumer = Task { try await buffer.next() }
    consumer.cancel()
    await #expect(throws: CancellationError.self) { try await consumer.value }
  }

  @Test func yieldAfterTheConsumerLeftIsDropped() async throws {
    let buffer = RPCStreamBuffer<Int>()
    buffer.yield(1)
    buffer.consumerFinished()
    #expect(buffer.yield(2) == .consumerGone)
    #expect(buffer.bufferedCost == 0)
    await #expect(throws: RPCStreamBufferClosed.self) {
      let full = RPCStreamBuffer<Int>(highWatermark: 0, lowWatermark: 0)
      full.consumerFinished()
      try await full.send(1)
    }
  }
}

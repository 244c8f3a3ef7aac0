@testable import SlipstreamRPC
@testable import SlipstreamTransport
import SlipstreamWire
import Testing

@Suite("ResponseQueue")
struct ResponseQueueTests {
  @Test func writesReturnAtOnceUntilTheWatermarkAndOneDrainIsScheduledPerBurst() throws {
    let queue = ResponseQueue(highWatermark: 10)
    let first = try queue.enqueue(.message([1, 2, 3], headers: [:]), cost: 3)
    #expect(first.scheduleDrain && !first.mustWait)
    let second = try queue.enqueue(.message(Array(repeating: 0, count: 8), headers: nil), cost: 8)
    #expect(!second.scheduleDrain && second.mustWait)  // 11 > 10
    #expect(Array(queue.takeAll()).count == 2)
    let third = try queue.enqueue(.message([9], headers: nil), cost: 1)
    #expect(third.scheduleDrain && !third.mustWait)
  }

  @Test func aWaitingWriterContinuesWhenTheLoopDrainsAndTheStreamIsWritable() async throws {
    let queue = ResponseQueue(highWatermark: 1)
    _ = try queue.enqueue(.message([1, 2], headers: nil), cost: 2)
    let writer = Task { try await queue.waitForRoom() }
    while queue.waitingWriterCount == 0 { await Task.yield() }
    _ = queue.takeAll()
    queue.setWritable(false)  // drained, but HTTP/2 still holds too much
    #expect(queue.waitingWriterCount == 1)
    queue.setWritable(true)
    try await writer.value
  }

  @Test func closingFailsWaitingAndLaterWritersWithTheStreamsError() async throws {
    let queue = ResponseQueue(highWatermark: 1)
    _ = try queue.enqueue(.message([1, 2], headers: nil), cost: 2)
    let writer = Task { try await queue.waitForRoom() }
    while queue.waitingWriterCount == 0 { await Task.yield() }
    let error = RPCError(code: .cancelled, message: "The stream was closed before the response was sent.")
    queue.close(error)
    await #expect(throws: RPCError.self) { try await writer.value }
    #expect(throws: RPCError.self) { try queue.enqueue(.message([3], headers: nil), cost: 1) }
    #expect(Array(queue.takeAll()).isEmpty)
  }

  @Test func waitingForTheEndThrowsTheErrorTheStreamEndedWith() async throws {
    let queue = ResponseQueue(highWatermark: 1)
    let handler = Task { try await queue.waitUntilClosed() }
    queue.close(RPCError(code: .cancelled, message: "The stream was closed before the response was sent."))
    let error = await #expect(throws: RPCError.self) { try await handler.value }
    #expect(error?.code == .cancelled)
    #expect(error?.message == "The stream was closed before the response was sent.")
  }

  @Test func waitingForTheEndStopsWhenTheTaskIsCancelled() async throws {
    let queue = ResponseQueue(highWatermark: 1)
    let handler = Task { try await queue.waitUntilClosed() }
    handler.cancel()
    await #expect(throws: CancellationError.self) { try await handler.value }
  }
}

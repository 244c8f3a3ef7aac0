import SlipstreamHTTP2
import SlipstreamRPC
import SlipstreamWire
import Synchronization

/// Responses of one server stream on their way from the handler's task to the event loop.
///
/// A write appends to the queue and returns at once while the stream is writable and the
/// queue holds less than its high watermark; only then does the handler suspend. The event
/// loop drains the whole queue in one turn, so a burst of messages costs one hop and one
/// flush instead of one of each per message. Order is kept: headers, messages and the end
/// of the call leave in the order the handler produced them.
final class ResponseQueue: Sendable {
  enum Item {
    case headers(Metadata)
    case message([UInt8], headers: Metadata?)
    case finish(headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata)
    /// From here on the event loop takes the stream's messages from `source`; `wake`
    /// schedules a drain of the stream.
    case source(any ResponseSource, headers: Metadata?, wake: @Sendable () -> Void)
  }

  /// What one ``takeAll()`` took, oldest first.
  struct Batch: Sequence {
    fileprivate var single: Item?
    fileprivate var rest: [Item]

    func makeIterator() -> Iterator { Iterator(single: single, rest: rest.makeIterator()) }

    struct Iterator: IteratorProtocol {
      fileprivate var single: Item?
      fileprivate var rest: IndexingIterator<[Item]>

      mutating func next() -> Item? {
        if let item = single {
          single = nil
          return item
        }
        return rest.next()
      }
    }
  }

  private struct State {
    /// The oldest item while it is the only one: a unary call's response (one `finish`)
    /// never allocates the array below.
    var single: Item?
    /// The items after `single`.
    var items: [Item] = []
    var queuedBytes = 0
    var drainScheduled = false
    var streamWritable = true
    var closed: RPCError?
    var waiters: [CheckedContinuation<Void, any Error>] = []
    /// The handler that handed over a source, waiting for the end of the stream.
    var endWaiter: CheckedContinuation<Void, any Error>?
    var endWaitCancelled = false
    /// The handed-over source has produced its last message, and it was sent.
    var sourceFinished = false

    var hasRoom: Bool { streamWritable && queuedBytes <= highWatermark }
    let highWatermark: Int
  }

  private let state: Mutex<State>

  /// The stream this queue feeds, and where it asks the event loop for work (nil in tests).
  private let id: HTTP2StreamID
  private let drains: PendingDrains?

  /// - Parameters:
  ///   - highWatermark: Bytes queued here before writers wait for the event loop.
  ///   - id: The stream.
  ///   - drains: The connection's drain scheduler (nil in tests: nothing is asked of a loop).
  init(highWatermark: Int, id: HTTP2StreamID = HTTP2StreamID(0), drains: PendingDrains? = nil) {
    state = Mutex(State(highWatermark: highWatermark))
    self.id = id
    self.drains = drains
  }

  /// Asks the event loop to send what is queued (after ``enqueue(_:cost:)`` said to).
  func requestDrain() {
    drains?.request(id)
  }

  /// The request side's consumer drained its buffer: the loop may read the stream again.
  /// A closure that calls this captures only this queue (no allocation per stream).
  func requestMoreInput() {
    drains?.resumeReading(id)
  }

  /// Queues an item.
  /// - Returns: whether the caller must schedule a drain, and whether it must wait for room.
  /// - Throws: the error the stream ended with.
  func enqueue(_ item: Item, cost: Int) throws(RPCError) -> (scheduleDrain: Bool, mustWait: Bool) {
    let outcome: Result<(Bool, Bool), RPCError> = state.withLock { state in
      if let closed = state.closed { return .failure(closed) }
      if state.single == nil && state.items.isEmpty {
        state.single = item
      } else {
        state.items.append(item)
      }
      state.queuedBytes += cost
      let schedule = !state.drainScheduled
      state.drainScheduled = true
      return .success((schedule, !state.hasRoom))
    }
    return try outcome.get()
  }

  /// Suspends until the queue has room again or the stream ends.
  func waitForRoom() async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      let now: Result<Void, RPCError>? = state.withLock { state in
        if let closed = state.closed { return .failure(closed) }
        if state.hasRoom { return .success(()) }
        state.waiters.append(continuation)
        return nil
      }
      if let now { continuation.resume(with: now.mapError { $0 as any Error }) }
    }
  }

  /// Suspends until the stream ends or the handed-over source finished (the handler handed
  /// its messages to a source).
  /// - Throws: the error the stream ended with, or `CancellationError` when the task is
  ///   cancelled first; returns normally only after ``finishSource()``.
  func waitUntilClosed() async throws {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let now: Result<Void, any Error>? = state.withLock { state in
          if let closed = state.closed { return .failure(closed) }
          if state.endWaitCancelled { return .failure(CancellationError()) }
          if state.sourceFinished { return .success(()) }
          state.endWaiter = continuation
          return nil
        }
        if let now { continuation.resume(with: now) }
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
        state.endWaitCancelled = true
        defer { state.endWaiter = nil }
        return state.endWaiter
      }
      waiter?.resume(throwing: CancellationError())
    }
  }

  /// Event loop: the handed-over source sent its last message; the handler waiting in
  /// ``waitUntilClosed()`` goes on (to end the call), the stream stays open for it.
  func finishSource() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
      state.sourceFinished = true
      defer { state.endWaiter = nil }
      return state.endWaiter
    }
    waiter?.resume()
  }

  /// Writers waiting for room (for tests).
  var waitingWriterCount: Int { state.withLock { $0.waiters.count } }

  /// Event loop: takes everything queued.
  func takeAll() -> Batch {
    state.withLock { state in
      defer {
        state.single = nil
        state.items = []
        state.queuedBytes = 0
        state.drainScheduled = false
      }
      return Batch(single: state.single, rest: state.items)
    }
  }

  /// Event loop: records the stream's writability and releases writers when there is room.
  func setWritable(_ writable: Bool) {
    let waiters: [CheckedContinuation<Void, any Error>] = state.withLock { state in
      state.streamWritable = writable
      guard state.hasRoom else { return [] }
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Ends the queue: waiting and later writers get `error`; queued items are dropped.
  func close(_ error: RPCError) {
    let waiters: [CheckedContinuation<Void, any Error>] = state.withLock { state in
      if state.closed == nil { state.closed = error }
      state.single = nil
      state.items = []
      state.queuedBytes = 0
      defer {
        state.waiters = []
        state.endWaiter = nil
      }
      return state.waiters + (state.endWaiter.map { [$0] } ?? [])
    }
    for waiter in waiters { waiter.resume(throwing: error) }
  }
}

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
  }

  private struct State {
    var items: [Item] = []
    var queuedBytes = 0
    var drainScheduled = false
    var streamWritable = true
    var closed: RPCError?
    var waiters: [CheckedContinuation<Void, any Error>] = []

    var hasRoom: Bool { streamWritable && queuedBytes <= highWatermark }
    let highWatermark: Int
  }

  private let state: Mutex<State>

  /// - Parameter highWatermark: Bytes queued here before writers wait for the event loop.
  init(highWatermark: Int) {
    state = Mutex(State(highWatermark: highWatermark))
  }

  /// Queues an item.
  /// - Returns: whether the caller must schedule a drain, and whether it must wait for room.
  /// - Throws: the error the stream ended with.
  func enqueue(_ item: Item, cost: Int) throws(RPCError) -> (scheduleDrain: Bool, mustWait: Bool) {
    let outcome: Result<(Bool, Bool), RPCError> = state.withLock { state in
      if let closed = state.closed { return .failure(closed) }
      state.items.append(item)
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

  /// Writers waiting for room (for tests).
  var waitingWriterCount: Int { state.withLock { $0.waiters.count } }

  /// Event loop: takes everything queued.
  func takeAll() -> [Item] {
    state.withLock { state in
      defer {
        state.items = []
        state.queuedBytes = 0
        state.drainScheduled = false
      }
      return state.items
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
      state.items = []
      state.queuedBytes = 0
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(throwing: error) }
  }
}

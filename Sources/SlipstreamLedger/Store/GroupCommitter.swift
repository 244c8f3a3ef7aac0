import Synchronization

/// How a ``GroupCommitter`` builds batches and commits them.
///
/// Batches form a two-stage pipeline: while one batch commits, the next is open and takes in
/// new requests one by one (``add(_:to:)`` prepares each as far as it can without the
/// database); once the commit returns, the open batch is sealed and committed. The calls for
/// one committer never overlap except that ``add(_:to:)`` and ``seal(_:)`` of the open batch
/// run while ``commit(_:)`` of the previous batch is in flight; a batch is sealed only after
/// the previous batch's commit returned or threw.
package protocol GroupCommitPipeline<Request, Response>: Sendable {
  associatedtype Request: Sendable
  associatedtype Response: Sendable
  /// A batch being filled, then committed.
  associatedtype Batch: Sendable

  /// A new, empty batch.
  func openBatch() -> Batch
  /// Adds a request to an open batch.
  func add(_ request: Request, to batch: inout Batch)
  /// Closes a batch to new requests, just before it is committed.
  func seal(_ batch: inout Batch)
  /// Commits a sealed batch in one transaction and returns one result per request, in order;
  /// throws if the transaction as a whole failed (nothing of it was committed).
  func commit(_ batch: Batch) async throws -> [Result<Response, LedgerError>]
}

/// A pipeline whose batch is the list of requests and whose commit is a closure.
package struct ClosureCommitPipeline<Request: Sendable, Response: Sendable>: GroupCommitPipeline {
  package let commitRequests: @Sendable ([Request]) async throws -> [Result<Response, LedgerError>]

  package func openBatch() -> [Request] { [] }
  package func add(_ request: Request, to batch: inout [Request]) { batch.append(request) }
  package func seal(_ batch: inout [Request]) {}
  package func commit(_ batch: [Request]) async throws -> [Result<Response, LedgerError>] { try await commitRequests(batch) }
}

/// Collects concurrent writes into batches committed in one transaction each, so many writes
/// share one fsync.
///
/// A write waits in a queue; one drain task at a time moves queued writes into the open batch
/// (at most `maximumBatchSize`), commits it with the pipeline, and only then answers each
/// caller. No timer is involved: while one batch commits, later writes gather in the next, and
/// the pipeline prepares them meanwhile, so the batch size follows the load and a lone write
/// is committed at once.
///
/// If a batch's transaction fails, every write of it is retried alone so that one bad write
/// cannot fail its neighbours. A write that has been queued is committed even if its caller
/// is cancelled meanwhile (the caller then does not learn the outcome; a retry is idempotent).
package final class GroupCommitter<Pipeline: GroupCommitPipeline>: Sendable {
  package typealias Request = Pipeline.Request
  package typealias Response = Pipeline.Response

  private struct Waiter {
    var request: Request
    var continuation: CheckedContinuation<Result<Response, LedgerError>, Never>
  }

  private struct State {
    var queue: [Waiter] = []
    /// Writes in the open batch (taken from the queue, not yet committing).
    var openCount = 0
    var draining = false
    /// Whether the commit in flight has returned (the drain has not yet collected it).
    var commitReturned = false
    /// The drain task, while it waits for a write or for the commit in flight.
    var drainWaiting: CheckedContinuation<Void, Never>?
    var closed = false
    var drained: [CheckedContinuation<Void, Never>] = []
  }

  /// Writes the drain adds to the open batch between two looks at the commit in flight, so a
  /// commit that returns waits at most this many preparations before the next batch starts.
  private static var addChunk: Int { 64 }

  private let state = Mutex(State())
  private let maximumBatchSize: Int
  private let pipeline: Pipeline

  /// Creates a committer.
  /// - Parameters:
  ///   - maximumBatchSize: The most writes committed in one transaction (at least 1).
  ///   - pipeline: Builds and commits batches.
  package init(maximumBatchSize: Int, pipeline: Pipeline) {
    self.maximumBatchSize = max(1, maximumBatchSize)
    self.pipeline = pipeline
  }

  /// Creates a committer whose batches are plain lists of requests.
  /// - Parameters:
  ///   - maximumBatchSize: The most writes committed in one transaction (at least 1).
  ///   - commit: Commits a batch in one transaction and returns one result per request, in
  ///     order; throws if the transaction as a whole failed.
  package convenience init<Request, Response>(
    maximumBatchSize: Int,
    commit: @escaping @Sendable ([Request]) async throws -> [Result<Response, LedgerError>]
  ) where Pipeline == ClosureCommitPipeline<Request, Response> {
    self.init(maximumBatchSize: maximumBatchSize, pipeline: ClosureCommitPipeline(commitRequests: commit))
  }

  /// Writes accepted and not yet committing: queued, or in the open batch.
  package var queuedCount: Int {
    state.withLock { $0.queue.count + $0.openCount }
  }

  /// Queues a write and returns its result once its transaction committed.
  /// - Throws: The write's own `LedgerError`, `LedgerError.storage` if its transaction
  ///   failed, `LedgerError.closed` after ``close()``.
  package func submit(_ request: Request) async throws(LedgerError) -> Response {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, LedgerError>, Never>) in
      let (start, wake) = state.withLock { state -> (Bool?, CheckedContinuation<Void, Never>?) in
        guard !state.closed else { return (nil, nil) }
        state.queue.append(Waiter(request: request, continuation: continuation))
        guard !state.draining else {
          defer { state.drainWaiting = nil }
          return (false, state.drainWaiting)
        }
        state.draining = true
        return (true, nil)
      }
      wake?.resume()
      switch start {
      case nil: continuation.resume(returning: .failure(.closed))
      // Above the callers' priority, so that a busy pool of callers does not hold the batch
      // that would answer them.
      case true?: Task(priority: .high) { await self.drain() }
      case false?: break
      }
    }
    return try result.get()
  }

  /// Refuses new writes and returns once the writes queued before are committed.
  package func close() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let idle = state.withLock { state -> Bool in
        state.closed = true
        guard state.draining else { return true }
        state.drained.append(continuation)
        return false
      }
      if idle { continuation.resume() }
    }
  }

  private func drain() async {
    var open = pipeline.openBatch()
    var openWaiters: [Waiter] = []
    var inFlight: (task: Task<[Result<Response, LedgerError>], Never>, waiters: [Waiter])?
    while true {
      // Prepare queued writes in the open batch: all of them when nothing commits, else a
      // chunk at a time so that a returned commit is noticed soon.
      let room = maximumBatchSize - openWaiters.count
      let take = inFlight == nil ? room : min(room, Self.addChunk)
      let taken = state.withLock { state -> [Waiter] in
        let taken = Array(state.queue.prefix(take))
        state.queue.removeFirst(taken.count)
        state.openCount += taken.count
        return taken
      }
      for waiter in taken { pipeline.add(waiter.request, to: &open) }
      openWaiters += taken

      // The answers of the batch that committed are sent once the next batch is on its way.
      var answered: (waiters: [Waiter], results: [Result<Response, LedgerError>]) = ([], [])
      if let flight = inFlight {
        guard await commitReturnedOrWritesQueued(canTakeMore: openWaiters.count < maximumBatchSize) else { continue }
        answered = (flight.waiters, await flight.task.value)
        inFlight = nil
      }
      defer { Self.answer(answered.waiters, answered.results) }

      // A lone write with nothing else queued is committed right here: the drain would only
      // wait for it, and a separate commit task would cost a lone writer one more task
      // switch per write. Under load the open batch holds more, and commits pipeline.
      if openWaiters.count == 1, state.withLock({ $0.queue.isEmpty }) {
        Self.answer(answered.waiters, answered.results)
        answered = ([], [])
        pipeline.seal(&open)
        state.withLock { $0.openCount = 0 }
        Self.answer(openWaiters, await commitOrSplit(open, requests: openWaiters.map(\.request)))
        open = pipeline.openBatch()
        openWaiters = []
        continue
      }

      if openWaiters.isEmpty {
        let drained = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
          guard state.queue.isEmpty else { return nil }
          state.draining = false
          defer { state.drained = [] }
          return state.drained
        }
        guard let drained else { continue }
        for continuation in drained { continuation.resume() }
        return
      }
      pipeline.seal(&open)
      let batch = open
      let requests = openWaiters.map(\.request)
      state.withLock { state in
        state.openCount = 0
        state.commitReturned = false
      }
      // Started at once on this task's thread: the commit hands its transaction to the store
      // before the drain goes on, instead of queueing behind the callers it is about to wake.
      let task = Task.immediate {
        let results = await self.commitOrSplit(batch, requests: requests)
        let wake = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
          state.commitReturned = true
          defer { state.drainWaiting = nil }
          return state.drainWaiting
        }
        wake?.resume()
        return results
      }
      inFlight = (task, openWaiters)
      open = pipeline.openBatch()
      openWaiters = []
    }
  }

  /// Resumes each waiter with its result.
  private static func answer(_ waiters: [Waiter], _ results: [Result<Response, LedgerError>]) {
    for (waiter, result) in zip(waiters, results) {
      waiter.continuation.resume(returning: result)
    }
  }

  /// Waits until the commit in flight returned (true) or, if the open batch has room, until a
  /// write is queued (false).
  private func commitReturnedOrWritesQueued(canTakeMore: Bool) async -> Bool {
    func ready(_ state: State) -> Bool? {
      if state.commitReturned { return true }
      if canTakeMore && !state.queue.isEmpty { return false }
      return nil
    }
    while true {
      if let ready = state.withLock({ ready($0) }) { return ready }
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let waits = state.withLock { state -> Bool in
          guard ready(state) == nil else { return false }
          state.drainWaiting = continuation
          return true
        }
        if !waits { continuation.resume() }
      }
    }
  }

  private func commitOrSplit(_ batch: Pipeline.Batch, requests: [Request]) async -> [Result<Response, LedgerError>] {
    do {
      let results = try await pipeline.commit(batch)
      guard results.count == requests.count else {
        return requests.map { _ in .failure(.storage(reason: "the commit answered \(results.count) of \(requests.count) writes")) }
      }
      return results
    } catch {
      guard requests.count > 1 else {
        return [.failure((error as? LedgerError) ?? .storage(reason: String(describing: error)))]
      }
      var results: [Result<Response, LedgerError>] = []
      for request in requests {
        var single = pipeline.openBatch()
        pipeline.add(request, to: &single)
        pipeline.seal(&single)
        results += await commitOrSplit(single, requests: [request])
      }
      return results
    }
  }
}

import Synchronization

/// Collects concurrent writes into batches committed in one transaction each, so many writes
/// share one fsync.
///
/// A write waits in a queue; one drain task at a time takes up to `maximumBatchSize` queued
/// writes, commits them with `commit`, and only then answers each caller. No timer is
/// involved: while one batch commits, later writes gather for the next, so the batch size
/// follows the load and a lone write is committed at once.
///
/// If a batch's transaction fails, every write of it is retried alone so that one bad write
/// cannot fail its neighbours. A write that has been queued is committed even if its caller
/// is cancelled meanwhile (the caller then does not learn the outcome; a retry is idempotent).
package final class GroupCommitter<Request: Sendable, Response: Sendable>: Sendable {
  /// Commits a batch in one transaction and returns one result per request, in order;
  /// throws if the transaction as a whole failed (nothing of it was committed).
  package typealias Commit = @Sendable ([Request]) async throws -> [Result<Response, LedgerError>]

  private struct Waiter {
    var request: Request
    var continuation: CheckedContinuation<Result<Response, LedgerError>, Never>
  }

  private struct State {
    var queue: [Waiter] = []
    var draining = false
    var closed = false
    var drained: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())
  private let maximumBatchSize: Int
  private let commit: Commit

  /// Creates a committer.
  /// - Parameters:
  ///   - maximumBatchSize: The most writes committed in one transaction (at least 1).
  ///   - commit: Commits one batch.
  package init(maximumBatchSize: Int, commit: @escaping Commit) {
    self.maximumBatchSize = max(1, maximumBatchSize)
    self.commit = commit
  }

  /// Writes queued and not yet taken into a batch.
  package var queuedCount: Int {
    state.withLock { $0.queue.count }
  }

  /// Queues a write and returns its result once its transaction committed.
  /// - Throws: The write's own `LedgerError`, `LedgerError.storage` if its transaction
  ///   failed, `LedgerError.closed` after ``close()``.
  package func submit(_ request: Request) async throws(LedgerError) -> Response {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, LedgerError>, Never>) in
      let start = state.withLock { state -> Bool? in
        guard !state.closed else { return nil }
        state.queue.append(Waiter(request: request, continuation: continuation))
        guard !state.draining else { return false }
        state.draining = true
        return true
      }
      switch start {
      case nil: continuation.resume(returning: .failure(.closed))
      case true?: Task { await self.drain() }
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
    while true {
      let (batch, drained) = state.withLock { state -> ([Waiter], [CheckedContinuation<Void, Never>]) in
        let batch = Array(state.queue.prefix(maximumBatchSize))
        state.queue.removeFirst(batch.count)
        guard batch.isEmpty else { return (batch, []) }
        state.draining = false
        defer { state.drained = [] }
        return (batch, state.drained)
      }
      guard !batch.isEmpty else {
        for continuation in drained { continuation.resume() }
        return
      }
      let results = await commitOrSplit(batch.map(\.request))
      for (waiter, result) in zip(batch, results) {
        waiter.continuation.resume(returning: result)
      }
    }
  }

  private func commitOrSplit(_ requests: [Request]) async -> [Result<Response, LedgerError>] {
    do {
      let results = try await commit(requests)
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
        results += await commitOrSplit([request])
      }
      return results
    }
  }
}

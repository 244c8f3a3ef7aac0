import Synchronization

/// A counter whose waiters resume once it reaches their number (or their task is cancelled,
/// e.g. by the suite's time limit, so a test that fails does not hang the run).
package final class CountSignal: Sendable {
  private struct State {
    var count = 0
    var nextID = 0
    var waiters: [(id: Int, target: Int, continuation: CheckedContinuation<Void, Never>)] = []
  }
  private let state = Mutex(State())

  package init() {}

  /// The count so far.
  package var count: Int { state.withLock { $0.count } }

  package func increment() {
    let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.count += 1
      let count = state.count
      let ready = state.waiters.filter { $0.target <= count }.map(\.continuation)
      state.waiters.removeAll { $0.target <= count }
      return ready
    }
    for continuation in ready { continuation.resume() }
  }

  /// Returns once the count is at least `target`, or the task is cancelled.
  package func wait(for target: Int) async {
    let id = state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let now = state.withLock { state -> Bool in
          if state.count >= target || Task.isCancelled { return true }
          state.waiters.append((id, target, continuation))
          return false
        }
        if now { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { state in
        state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
      }
      waiter?.continuation.resume()
    }
  }
}

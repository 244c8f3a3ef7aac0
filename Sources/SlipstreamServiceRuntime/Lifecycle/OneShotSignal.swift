import Synchronization

/// An event that happens once; any number of tasks can wait for it. (`package`: the
/// tests await events with it too.)
package final class OneShotSignal: Sendable {
  private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  /// Marks the event as happened and wakes every waiter (later calls do nothing).
  package init() {}

  package func fire() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.fired = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once ``fire()`` has been called.
  package func wait() async {
    await withCheckedContinuation { continuation in
      let now = state.withLock { state -> Bool in
        if state.fired { return true }
        state.waiters.append(continuation)
        return false
      }
      if now { continuation.resume() }
    }
  }
}

import Synchronization

/// An event that happens once; any number of tasks can wait for it, before or after it
/// happens. (`package`: the service runtime uses it, and the tests await events with it
/// instead of sleeping.)
package final class OneShotSignal: Sendable {
  private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  package init() {}

  /// Whether ``fire()`` has been called.
  package var hasFired: Bool { state.withLock { $0.fired } }

  /// Marks the event as happened and wakes every waiter (later calls do nothing).
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

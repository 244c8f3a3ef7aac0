import Synchronization

/// A one-shot signal a test can await instead of sleeping: `wait()` returns once `fire()` has
/// been called, before or after.
public final class Signal: Sendable {
  private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  public init() {}

  /// Whether `fire()` has been called.
  public var hasFired: Bool { state.withLock { $0.fired } }

  /// Releases every waiter, now and later.
  public func fire() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.fired = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once the signal has fired.
  public func wait() async {
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

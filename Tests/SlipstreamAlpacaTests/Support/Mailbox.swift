import Synchronization

/// A queue between a producer and one awaiting consumer: `put` never blocks, `take` waits
/// for the next element, or returns nil once the producer has finished and all were taken.
final class Mailbox<Element: Sendable>: Sendable {
  private struct State {
    var buffered: [Element] = []
    var waiter: CheckedContinuation<Element?, Never>?
    var finished = false
  }
  private let state = Mutex(State())

  func put(_ element: Element) {
    let waiter = state.withLock { state -> CheckedContinuation<Element?, Never>? in
      if let waiter = state.waiter {
        state.waiter = nil
        return waiter
      }
      state.buffered.append(element)
      return nil
    }
    waiter?.resume(returning: element)
  }

  func finish() {
    let waiter = state.withLock { state -> CheckedContinuation<Element?, Never>? in
      state.finished = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(returning: nil)
  }

  func take() async -> Element? {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state -> Element?? in
        if !state.buffered.isEmpty { return .some(state.buffered.removeFirst()) }
        if state.finished { return .some(nil) }
        state.waiter = continuation
        return .none
      }
      if let ready { continuation.resume(returning: ready) }
    }
  }
}

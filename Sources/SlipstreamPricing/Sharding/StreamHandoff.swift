import Synchronization

/// Hands messages from several producers to one consumer, one at a time: ``put(_:)`` returns
/// only once the consumer has taken the message. A slow consumer therefore holds the
/// producers back (and, behind them, the network streams they read, whose servers conflate)
/// instead of piling messages up in memory.
final class StreamHandoff<Element: Sendable>: Sendable {
  private struct Offer {
    let id: UInt64
    let element: Element
    let taken: CheckedContinuation<Void, Never>
  }

  private struct State {
    var offers: [Offer] = []
    var nextID: UInt64 = 0
    var taker: CheckedContinuation<Element?, any Error>?
    /// Set once no more messages will come: success ends the consumer's sequence, failure
    /// is thrown to it (after the messages already offered).
    var end: Result<Void, any Error>?
  }

  /// What `put` does once it has looked at the state (outside the lock).
  private enum PutAction {
    case deliver(CheckedContinuation<Element?, any Error>)
    case drop
    case wait
  }

  /// What `take` does once it has looked at the state (outside the lock).
  private enum TakeAction {
    case deliver(Offer)
    case end(Result<Void, any Error>)
    case cancelled
    case wait
  }

  private let state = Mutex(State())

  init() {}

  /// Offers `element` and waits until the consumer takes it; returns at once, dropping it,
  /// when the handoff has ended or the calling task is cancelled.
  func put(_ element: Element) async {
    let id = state.withLock { state in
      defer { state.nextID += 1 }
      return state.nextID
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (taken: CheckedContinuation<Void, Never>) in
        let action = state.withLock { state -> PutAction in
          if state.end != nil || Task.isCancelled { return .drop }
          if let taker = state.taker {
            state.taker = nil
            return .deliver(taker)
          }
          state.offers.append(Offer(id: id, element: element, taken: taken))
          return .wait
        }
        switch action {
        case .deliver(let taker):
          taker.resume(returning: element)
          taken.resume()
        case .drop:
          taken.resume()
        case .wait:
          break
        }
      }
    } onCancel: {
      let offer = state.withLock { state -> Offer? in
        guard let index = state.offers.firstIndex(where: { $0.id == id }) else { return nil }
        return state.offers.remove(at: index)
      }
      offer?.taken.resume()
    }
  }

  /// The next message, oldest offer first; nil once the handoff ended and every offered
  /// message was taken.
  /// - Throws: The error the handoff ended with, or `CancellationError` when the calling
  ///   task is cancelled.
  func take() async throws -> Element? {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (taker: CheckedContinuation<Element?, any Error>) in
        let action = state.withLock { state -> TakeAction in
          if !state.offers.isEmpty { return .deliver(state.offers.removeFirst()) }
          if let end = state.end { return .end(end) }
          if Task.isCancelled { return .cancelled }
          state.taker = taker
          return .wait
        }
        switch action {
        case .deliver(let offer):
          taker.resume(returning: offer.element)
          offer.taken.resume()
        case .end(.success):
          taker.resume(returning: nil)
        case .end(.failure(let error)):
          taker.resume(throwing: error)
        case .cancelled:
          taker.resume(throwing: CancellationError())
        case .wait:
          break
        }
      }
    } onCancel: {
      let taker = state.withLock { state in
        defer { state.taker = nil }
        return state.taker
      }
      taker?.resume(throwing: CancellationError())
    }
  }

  /// Ends the handoff: the consumer gets the messages already offered, then nil (or `error`).
  func finish(throwing error: (any Error)? = nil) {
    let taker = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
      guard state.end == nil else { return nil }
      state.end = error.map { .failure($0) } ?? .success(())
      guard state.offers.isEmpty else { return nil }
      defer { state.taker = nil }
      return state.taker
    }
    if let error { taker?.resume(throwing: error) } else { taker?.resume(returning: nil) }
  }
}

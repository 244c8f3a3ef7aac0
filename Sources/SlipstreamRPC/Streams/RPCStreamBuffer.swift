import Synchronization

/// A bounded hand-off between one producer (a transport, usually on an event loop) and one
/// async consumer (a handler or a client call), with high/low watermarks for backpressure.
///
/// The producer either calls ``yield(_:cost:)``, which never suspends and reports whether the
/// buffer is above its high watermark (an event-loop producer then stops granting the peer
/// flow-control credit until ``BackpressureHandler`` says there is demand again), or
/// ``send(_:cost:)``, which suspends while the buffer is full. The consumer iterates.
///
/// Elements are not lost: everything yielded before ``finish(throwing:)`` is delivered before
/// the end (or the error) is seen.
public final class RPCStreamBuffer<Element: Sendable>: Sendable {
  /// Called, outside any lock, when the consumer drains the buffer below the low watermark
  /// after a ``yield(_:cost:)`` reported it above the high watermark.
  public typealias BackpressureHandler = @Sendable () -> Void

  /// What a producer learns from ``yield(_:cost:)``.
  public enum YieldResult: Sendable, Equatable {
    /// Buffered; `true` when the buffer is now above its high watermark.
    case enqueued(aboveHighWatermark: Bool)
    /// The consumer is gone (finished or cancelled); the element was dropped.
    case consumerGone
  }

  private enum Terminal {
    case finished
    case failed(any Error)
  }

  private struct State: ~Copyable {
    /// The oldest element while it is the only one: a unary call's single message never
    /// allocates the array below.
    var single: (Element, Int)?
    /// The elements after `single` (or all of them once it is taken), from `head` on.
    var elements: [(Element, Int)] = []
    var head = 0
    var bufferedCost = 0
    var terminal: Terminal?
    var consumerGone = false
    var reportedAboveHigh = false
    var consumer: CheckedContinuation<Element?, any Error>?
    var producer: CheckedContinuation<Void, any Error>?

    var isEmpty: Bool { single == nil && head == elements.count }

    mutating func append(_ item: (Element, Int)) {
      if single == nil && head == elements.count {
        single = item
      } else {
        elements.append(item)
      }
      bufferedCost += item.1
    }

    mutating func pop() -> (Element, Int) {
      if let item = single {
        single = nil
        bufferedCost -= item.1
        return item
      }
      let item = elements[head]
      head += 1
      if head == elements.count {
        elements.removeAll(keepingCapacity: true)
        head = 0
      } else if head >= 64 && head * 2 >= elements.count {
        elements.removeFirst(head)
        head = 0
      }
      bufferedCost -= item.1
      return item
    }
  }

  private enum Step {
    case element(Element, demand: Bool, producer: CheckedContinuation<Void, any Error>?)
    case end
    case fail(any Error)
    case wait
  }

  private enum Now {
    case wait
    case value(Element?, demand: Bool, producer: CheckedContinuation<Void, any Error>?)
    case fail(any Error)
  }

  private let state: Mutex<State>
  private let highWatermark: Int
  private let lowWatermark: Int
  private let onDemand: BackpressureHandler?

  /// Creates a buffer.
  /// - Parameters:
  ///   - highWatermark: Buffered cost (e.g. bytes) above which producers are told to stop.
  ///   - lowWatermark: Buffered cost below which they are told to resume.
  ///   - onDemand: Called when the consumer has drained below `lowWatermark` after the
  ///     producer was told the buffer was above `highWatermark`.
  @_specialize(exported: true, where Element == [UInt8])
  @_specialize(exported: true, where Element == ClientResponsePart)
  public init(highWatermark: Int = 1 << 20, lowWatermark: Int = 1 << 18, onDemand: BackpressureHandler? = nil) {
    precondition(lowWatermark <= highWatermark, "lowWatermark must not exceed highWatermark")
    self.highWatermark = highWatermark
    self.lowWatermark = lowWatermark
    self.onDemand = onDemand
    self.state = Mutex(State())
  }

  // MARK: Producer

  /// Buffers an element without suspending.
  /// - Parameters:
  ///   - element: The element.
  ///   - cost: Its weight against the watermarks (bytes for messages).
  @_specialize(exported: true, where Element == [UInt8])
  @_specialize(exported: true, where Element == ClientResponsePart)
  @discardableResult
  public func yield(_ element: Element, cost: Int = 1) -> YieldResult {
    let (result, waiter): (YieldResult, CheckedContinuation<Element?, any Error>?) = state.withLock { state in
      if state.consumerGone || state.terminal != nil { return (.consumerGone, nil) }
      if let consumer = state.consumer {
        state.consumer = nil
        return (.enqueued(aboveHighWatermark: false), consumer)
      }
      state.append((element, cost))
      let above = state.bufferedCost > highWatermark
      if above { state.reportedAboveHigh = true }
      return (.enqueued(aboveHighWatermark: above), nil)
    }
    waiter?.resume(returning: element)
    return result
  }

  /// Buffers an element, suspending first while the buffer is above its high watermark.
  /// - Throws: `CancellationError` if the task is cancelled while waiting, or
  ///   ``RPCStreamBufferClosed`` when the consumer is gone.
  public func send(_ element: Element, cost: Int = 1) async throws {
    while true {
      let full = state.withLock { $0.bufferedCost > highWatermark && !$0.consumerGone }
      if !full { break }
      try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
          let resumeNow = state.withLock { state -> Bool in
            if state.bufferedCost <= highWatermark || state.consumerGone || Task.isCancelled { return true }
            state.producer = continuation
            return false
          }
          if resumeNow { continuation.resume() }
        }
      } onCancel: {
        let waiter = state.withLock { state in
          defer { state.producer = nil }
          return state.producer
        }
        waiter?.resume(throwing: CancellationError())
      }
      try Task.checkCancellation()
    }
    if case .consumerGone = yield(element, cost: cost) { throw RPCStreamBufferClosed() }
  }

  /// Ends the stream: the consumer sees the buffered elements, then the end (nil) or `error`.
  /// Later calls have no effect.
  @_specialize(exported: true, where Element == [UInt8])
  @_specialize(exported: true, where Element == ClientResponsePart)
  public func finish(throwing error: (any Error)? = nil) {
    let waiter: CheckedContinuation<Element?, any Error>? = state.withLock { state in
      guard state.terminal == nil else { return nil }
      state.terminal = error.map { .failed($0) } ?? .finished
      defer { state.consumer = nil }
      return state.consumer
    }
    if let waiter {
      if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }
  }

  /// Whether the consumer has stopped listening.
  public var isConsumerGone: Bool { state.withLock { $0.consumerGone } }

  /// Whether a producer is suspended in ``send(_:cost:)`` waiting for room (for tests).
  package var hasSuspendedProducer: Bool { state.withLock { $0.producer != nil } }

  /// Buffered cost not yet taken by the consumer.
  public var bufferedCost: Int { state.withLock { $0.bufferedCost } }

  // MARK: Consumer

  /// The next element, nil at the end.
  /// - Throws: the error passed to ``finish(throwing:)``, or `CancellationError` when the
  ///   consuming task is cancelled while waiting.
  @_specialize(exported: true, where Element == [UInt8])
  @_specialize(exported: true, where Element == ClientResponsePart)
  public nonisolated(nonsending) func next() async throws -> Element? {
    let step: Step = state.withLock { state in
      if !state.isEmpty {
        let (element, demand, producer) = self.take(&state)
        return .element(element, demand: demand, producer: producer)
      }
      switch state.terminal {
      case .finished: return .end
      case .failed(let error): return .fail(error)
      case nil: return .wait
      }
    }
    switch step {
    case .element(let element, let demand, let producer):
      producer?.resume()
      if demand { onDemand?() }
      return element
    case .end:
      return nil
    case .fail(let error):
      throw error
    case .wait:
      return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
          let now: Now = state.withLock { state in
            if !state.isEmpty {
              let (element, demand, producer) = self.take(&state)
              return .value(element, demand: demand, producer: producer)
            }
            switch state.terminal {
            case .finished: return .value(nil, demand: false, producer: nil)
            case .failed(let error): return .fail(error)
            case nil: break
            }
            if Task.isCancelled { return .fail(CancellationError()) }
            state.consumer = continuation
            return .wait
          }
          switch now {
          case .wait: break
          case .value(let value, let demand, let producer):
            producer?.resume()
            if demand { onDemand?() }
            continuation.resume(returning: value)
          case .fail(let error): continuation.resume(throwing: error)
          }
        }
      } onCancel: {
        let waiter = state.withLock { state in
          defer { state.consumer = nil }
          return state.consumer
        }
        waiter?.resume(throwing: CancellationError())
      }
    }
  }

  /// Pops the head element and works out whether the producer should be told to resume.
  private func take(
    _ state: inout State
  ) -> (Element, demand: Bool, producer: CheckedContinuation<Void, any Error>?) {
    let (element, _) = state.pop()
    var demand = false
    if state.bufferedCost <= lowWatermark && state.reportedAboveHigh {
      state.reportedAboveHigh = false
      demand = true
    }
    var producer: CheckedContinuation<Void, any Error>?
    if state.bufferedCost <= highWatermark {
      producer = state.producer
      state.producer = nil
    }
    return (element, demand, producer)
  }

  /// Tells the producer the consumer will not read any more; buffered elements are dropped
  /// and a producer suspended in ``send(_:cost:)`` is released.
  public func consumerFinished() {
    let producer: CheckedContinuation<Void, any Error>? = state.withLock { state in
      state.consumerGone = true
      state.single = nil
      state.elements.removeAll()
      state.head = 0
      state.bufferedCost = 0
      defer { state.producer = nil }
      return state.producer
    }
    producer?.resume()
  }
}

/// Thrown by ``RPCStreamBuffer/send(_:cost:)`` when the consumer has gone away.
public struct RPCStreamBufferClosed: Error, Hashable, Sendable {
  public init() {}
}

public import SlipstreamWire
import Synchronization

/// Response messages a server-streaming handler leaves for the transport to collect.
///
/// Instead of writing each message from its own task, a handler hands a source to
/// ``RPCWriter/send(from:)``: the source calls `wake` when it has messages again, and the
/// transport calls ``takeReady()`` when the stream can take them (a network transport does
/// so on its event loop, for every stream of a connection in one pass). No task wakes up
/// per message, and a source that conflates (keeps only the latest of something) keeps
/// doing so while the peer reads slowly, since nothing is taken while the stream is full.
public protocol ResponseSource: AnyObject, Sendable {
  /// Called once by the transport before its first ``takeReady()``.
  /// - Parameter wake: Call it (from any thread, cheaply, without holding a lock the
  ///   transport might need) whenever messages become ready after a ``takeReady()`` left
  ///   none; extra calls are harmless.
  func start(wake: @escaping @Sendable () -> Void)

  /// The serialized messages ready now, oldest first (empty when there are none). Called by
  /// one thread at a time.
  func takeReady() -> [[UInt8]]

  /// Writes the messages ready now through `writer`, oldest first (nothing when there are
  /// none). Called by one thread at a time, instead of ``takeReady()`` by transports that
  /// frame messages straight into their output. The default writes ``takeReady()``'s
  /// messages; a source that builds its messages can write them in place (no array per
  /// message, none per take).
  func takeReady(into writer: inout some ResponseMessageWriter)

  /// True once the source has no message left and will produce none: checked after
  /// ``takeReady()`` (whose messages are sent first), it makes `send(from:)` return so the
  /// handler can end the call. A source that only ends with its call keeps the default,
  /// false.
  var isFinished: Bool { get }
}

extension ResponseSource {
  /// Never finished: the source sends until the call ends.
  public var isFinished: Bool { false }

  public func takeReady(into writer: inout some ResponseMessageWriter) {
    for message in takeReady() {
      writer.writeMessage(length: message.count) { out in
        message.withUnsafeBytes { out.copyMemory(from: $0) }
      }
    }
  }
}

/// Where a ``ResponseSource`` writes its ready messages (``ResponseSource/takeReady(into:)``):
/// each call appends one whole serialized message, which the writer frames.
public protocol ResponseMessageWriter {
  /// Appends one message of exactly `length` bytes.
  /// - Parameters:
  ///   - length: The message's size in bytes.
  ///   - body: Writes the message into the buffer it is given, whose count is `length`;
  ///     it must set every byte.
  mutating func writeMessage(length: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void)
}

/// A ``ResponseMessageWriter`` that keeps each message as an array of its own: what
/// ``ResponseSource/takeReady()`` returns, for a source that implements
/// ``ResponseSource/takeReady(into:)`` and for tests.
public struct ResponseMessageArray: ResponseMessageWriter {
  /// The messages written, oldest first.
  public var messages: [[UInt8]] = []

  public init() {}

  public mutating func writeMessage(length: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
    messages.append([UInt8](unsafeUninitializedCapacity: length) { buffer, count in
      body(UnsafeMutableRawBufferPointer(buffer))
      count = length
    })
  }
}

extension ServerCallResponder {
  /// Sends `source`'s messages until the call ends or the source is finished, from the
  /// calling task: the fallback for transports without a cheaper way (each `wake` resumes the
  /// task, which writes what is ready).
  /// - Parameters:
  ///   - source: Where the messages come from.
  ///   - headers: Initial metadata to send first, when they have not gone out yet.
  /// - Throws: the error of the failed write when the stream is gone, or `CancellationError`.
  public func send(from source: any ResponseSource, headers: Metadata?) async throws {
    if let headers { try await sendHeaders(headers) }
    let signal = ResponseReadySignal()
    source.start(wake: { signal.fire() })
    while !source.isFinished {
      try await signal.wait()
      for message in source.takeReady() { try await write(message, headers: nil) }
    }
  }
}

/// A one-slot wake-up between a ``ResponseSource`` and the task that writes its messages:
/// fires coalesce until the task waits again. Starts fired, so the first wait returns at once.
final class ResponseReadySignal: Sendable {
  private struct State {
    var fired = true
    var cancelled = false
    var waiter: CheckedContinuation<Void, any Error>?
  }

  private let state = Mutex(State())

  /// Marks the source ready and resumes the waiting task, if any.
  func fire() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
      guard let waiter = state.waiter else {
        state.fired = true
        return nil
      }
      state.waiter = nil
      return waiter
    }
    waiter?.resume()
  }

  /// Returns once fired since the last wait.
  /// - Throws: `CancellationError` when the task is cancelled.
  func wait() async throws {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let now: Result<Void, any Error>? = state.withLock { state in
          if state.cancelled { return .failure(CancellationError()) }
          if state.fired {
            state.fired = false
            return .success(())
          }
          state.waiter = continuation
          return nil
        }
        if let now { continuation.resume(with: now) }
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
        state.cancelled = true
        defer { state.waiter = nil }
        return state.waiter
      }
      waiter?.resume(throwing: CancellationError())
    }
  }
}

public import SlipstreamRPC
import Synchronization

/// A ``ResponseSource`` a test feeds from its own task: `feed` queues UTF-8 strings and wakes
/// the transport when the queue was empty, the way the pricing hub wakes a subscriber.
public final class FeedSource: ResponseSource {
  private struct State {
    var pending: [[UInt8]] = []
    var wake: (@Sendable () -> Void)?
  }

  private let state = Mutex(State())
  /// Counts the transport's starts (one); its waiters also stop when cancelled, so a source
  /// the transport never starts (the call failed first) strands no task.
  private let starts = CountSignal()

  public init() {}

  public func start(wake: @escaping @Sendable () -> Void) {
    state.withLock { $0.wake = wake }
    starts.increment()
  }

  /// Returns once the transport has started the source (true) or the task is cancelled
  /// (false).
  package func waitUntilStarted() async -> Bool {
    await starts.wait(for: 1)
    return !Task.isCancelled
  }

  /// Whether the transport has started the source.
  package var wasStarted: Bool { starts.count > 0 }

  /// Queues messages; wakes the transport (outside the lock) when nothing was queued.
  public func feed(_ messages: [String]) {
    let wake = state.withLock { state -> (@Sendable () -> Void)? in
      let wasEmpty = state.pending.isEmpty
      state.pending.append(contentsOf: messages.map { Array($0.utf8) })
      return wasEmpty ? state.wake : nil
    }
    wake?()
  }

  public func takeReady() -> [[UInt8]] {
    state.withLock { state in
      defer { state.pending = [] }
      return state.pending
    }
  }
}

extension FeedSource {
  /// Feeds "0" … "count-1" from a task once the transport has started the source, yielding
  /// now and then so the transport takes them in several batches.
  /// - Returns: the feeding task (cancel it when the call ends; it then ends even if the
  ///   transport never started the source).
  public func feedNumbers(upTo count: Int) -> Task<Void, Never> {
    Task {
      guard await waitUntilStarted() else { return }
      for first in stride(from: 0, to: count, by: 7) {
        feed((first..<min(first + 7, count)).map(String.init))
        await Task.yield()
      }
    }
  }
}

extension RPCRouter {
  /// Registers a server-streaming `method` that answers "N" with "0" … "N-1" handed to the
  /// transport through a ``FeedSource`` (``RPCWriter/send(from:)``); fires `ended` when the
  /// handler returns (the call ended).
  package mutating func registerNumbersFromSource(_ method: MethodDescriptor, ended: Signal) {
    let codec = StringCodec()
    registerServerStreaming(method, deserializer: codec, serializer: codec) { request, writer, _ in
      let source = FeedSource()
      let feeder = source.feedNumbers(upTo: Int(request) ?? 0)
      defer {
        feeder.cancel()
        ended.fire()
      }
      try await writer.send(from: source)
    }
  }
}

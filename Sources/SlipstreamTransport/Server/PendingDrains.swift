import SlipstreamHTTP2
import Synchronization

/// The streams of one connection whose response queues hold items for the event loop.
///
/// A stream lands here when its ``ResponseQueue`` asks for a drain (once per burst); only the
/// first stream since the event loop last looked schedules a hop to it. A quote fanned out to
/// a hundred streams of one connection then costs one hop and one loop task, not a hundred.
/// Order within a stream is the queue's; streams are drained in the order they asked.
final class PendingDrains: Sendable {
  private struct State {
    var streams: [HTTP2StreamID] = []
    var hopScheduled = false
  }

  private let state = Mutex(State())

  /// Records that `stream` has items to send.
  /// - Returns: true when the caller must schedule ``takeAll()`` on the event loop.
  func add(_ stream: HTTP2StreamID) -> Bool {
    state.withLock { state in
      state.streams.append(stream)
      defer { state.hopScheduled = true }
      return !state.hopScheduled
    }
  }

  /// Event loop: the streams to drain now; a later ``add(_:)`` schedules a new hop.
  func takeAll() -> [HTTP2StreamID] {
    state.withLock { state in
      defer {
        state.streams.removeAll(keepingCapacity: true)
        state.hopScheduled = false
      }
      return state.streams
    }
  }
}

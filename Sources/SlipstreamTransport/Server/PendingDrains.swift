import NIOCore
import SlipstreamHTTP2
import Synchronization

/// The streams of one connection whose response queues hold items for the event loop, and
/// the hop that drains them.
///
/// A stream lands here when its ``ResponseQueue`` asks for a drain (once per burst); only the
/// first stream since the event loop last looked schedules a hop to it. A quote fanned out to
/// a hundred streams of one connection then costs one hop and one loop task, not a hundred.
/// Order within a stream is the queue's; streams are drained in the order they asked.
///
/// It holds its connection from ``attach(_:)`` until ``detach()`` (the connection closed),
/// which ends the reference cycle between them; responders of calls that outlive the
/// connection then schedule nothing.
final class PendingDrains: Sendable {
  private struct State {
    var streams: [HTTP2StreamID] = []
    /// An emptied array whose storage the next batch reuses.
    var spare: [HTTP2StreamID] = []
    var hopScheduled = false
    var connection: NIOLoopBound<GRPCServerConnection>?
  }

  private let state = Mutex(State())
  private let eventLoop: any EventLoop

  init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  /// Event loop: from now on a drain request reaches `connection`.
  func attach(_ connection: GRPCServerConnection) {
    let bound = NIOLoopBound(connection, eventLoop: eventLoop)
    state.withLock { $0.connection = bound }
  }

  /// Event loop: the connection closed; later requests are dropped.
  func detach() {
    state.withLock { state in
      state.connection = nil
      state.streams.removeAll()
    }
  }

  /// Records that `stream` has items to send; the first stream since the loop last looked
  /// schedules the hop (a loop task holding only this object: no allocation). Any thread.
  func request(_ stream: HTTP2StreamID) {
    let schedule = state.withLock { state -> Bool in
      guard state.connection != nil else { return false }
      state.streams.append(stream)
      defer { state.hopScheduled = true }
      return !state.hopScheduled
    }
    if schedule { eventLoop.execute { self.drainOnLoop() } }
  }

  /// Asks the loop to read `stream` again (its request buffer drained). Rare: only after the
  /// buffer went over its high watermark. Any thread.
  func resumeReading(_ stream: HTTP2StreamID) {
    guard let connection = state.withLock({ $0.connection }) else { return }
    eventLoop.execute { connection.value.resumeReading(stream) }
  }

  /// Event loop: drains every stream that asked since the last hop, in the order they asked.
  private func drainOnLoop() {
    let (connection, batch) = state.withLock { state -> (NIOLoopBound<GRPCServerConnection>?, [HTTP2StreamID]) in
      var batch: [HTTP2StreamID] = []
      swap(&batch, &state.spare)
      swap(&batch, &state.streams)
      state.hopScheduled = false
      return (state.connection, batch)
    }
    guard let connection = connection?.value else { return }
    for id in batch { connection.drain(id) }
    var emptied = batch
    emptied.removeAll(keepingCapacity: true)
    state.withLock { state in
      if state.spare.capacity < emptied.capacity { swap(&state.spare, &emptied) }
    }
  }
}

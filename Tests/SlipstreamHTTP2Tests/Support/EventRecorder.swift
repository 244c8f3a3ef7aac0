import Synchronization
import SlipstreamHTTP2

/// One delegate event, as a value tests can compare.
enum RecordedEvent: Hashable, Sendable {
  case opened(Int32, endStream: Bool)
  case headers(Int32, endStream: Bool)
  case data(Int32, count: Int, endStream: Bool)
  case closed(Int32, HTTP2ErrorCode)
  case writability(Int32, Bool)
  case goAway(last: Int32, HTTP2ErrorCode)
  case connectionClosed(HTTP2Error.Code?)
}

struct RecorderTimeout: Error, CustomStringConvertible {
  var what: String
  var events: [RecordedEvent]
  var description: String { "timed out waiting for \(what); events so far: \(events)" }
}

/// Collects delegate events from the event loop and lets async tests await a condition on them.
final class EventRecorder: Sendable {
  private struct State {
    var events: [RecordedEvent] = []
    var headers: [Int32: [[HTTP2HeaderField]]] = [:]
    var bodies: [Int32: [UInt8]] = [:]
    var connectionError: String?
    var waiters: [(id: Int, predicate: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, any Error>)] = []
    var nextWaiter = 0
  }

  /// What a predicate sees.
  struct Snapshot: Sendable {
    var events: [RecordedEvent]
    var headers: [Int32: [[HTTP2HeaderField]]]
    var bodies: [Int32: [UInt8]]

    func closed(_ stream: Int32) -> HTTP2ErrorCode? {
      for case .closed(stream, let code) in self.events { return code }
      return nil
    }

    var isConnectionClosed: Bool {
      self.events.contains { if case .connectionClosed = $0 { true } else { false } }
    }

    var connectionCloseCode: HTTP2Error.Code?? {
      for case .connectionClosed(let code) in self.events { return .some(code) }
      return nil
    }
  }

  private let state = Mutex(State())
  /// Largest `openStreamCount` seen when a stream opened (server side).
  let maxOpenStreams = RunningMax()
  /// Largest buffered byte count a push stream reached.
  let maxBufferedBytes = RunningMax()

  func record(_ event: RecordedEvent, headers: (Int32, [HTTP2HeaderField])? = nil, body: (Int32, UnsafeRawBufferPointer)? = nil) {
    let ready: [CheckedContinuation<Void, any Error>] = self.state.withLock { state in
      state.events.append(event)
      if let (id, fields) = headers { state.headers[id, default: []].append(fields) }
      if let (id, bytes) = body { state.bodies[id, default: []].append(contentsOf: bytes) }
      let snapshot = Snapshot(events: state.events, headers: state.headers, bodies: state.bodies)
      var ready: [CheckedContinuation<Void, any Error>] = []
      state.waiters.removeAll { waiter in
        guard waiter.predicate(snapshot) else { return false }
        ready.append(waiter.continuation)
        return true
      }
      return ready
    }
    for continuation in ready { continuation.resume() }
  }

  var snapshot: Snapshot {
    self.state.withLock { Snapshot(events: $0.events, headers: $0.headers, bodies: $0.bodies) }
  }

  /// Waits until `predicate` holds; the timeout only guards against a hang.
  func wait(
    for what: String,
    timeout: Duration = .seconds(20),
    _ predicate: @escaping @Sendable (Snapshot) -> Bool
  ) async throws {
    let id = self.state.withLock { state -> Int in
      state.nextWaiter += 1
      return state.nextWaiter
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        try await withCheckedThrowingContinuation { continuation in
          let satisfied = self.state.withLock { state -> Bool in
            let snapshot = Snapshot(events: state.events, headers: state.headers, bodies: state.bodies)
            if predicate(snapshot) { return true }
            state.waiters.append((id, predicate, continuation))
            return false
          }
          if satisfied { continuation.resume() }
        }
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
          guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
          return state.waiters.remove(at: index).continuation
        }
        let error = RecorderTimeout(what: what, events: self.snapshot.events)
        continuation?.resume(throwing: error)
        throw error
      }
      try await group.next()
      group.cancelAll()
    }
  }
}

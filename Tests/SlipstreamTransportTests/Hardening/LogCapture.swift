import Logging
import Synchronization

/// A LogHandler that keeps every message so a test can await a line.
final class LogCapture: Sendable {
  private struct State {
    var lines: [String] = []
    var waiters: [(predicate: @Sendable (String) -> Bool, continuation: CheckedContinuation<String, Never>)] = []
  }

  private let state = Mutex(State())

  var logger: Logger {
    var logger = Logger(label: "test.transport") { _ in Handler(capture: self) }
    logger.logLevel = .debug
    return logger
  }

  var lines: [String] { state.withLock { $0.lines } }

  /// Waits for the first line (past or future) matching `predicate`.
  func line(where predicate: @escaping @Sendable (String) -> Bool) async -> String {
    await withCheckedContinuation { continuation in
      let found = state.withLock { state -> String? in
        if let line = state.lines.first(where: predicate) { return line }
        state.waiters.append((predicate, continuation))
        return nil
      }
      if let found { continuation.resume(returning: found) }
    }
  }

  fileprivate func append(_ line: String) {
    let ready = state.withLock { state -> [CheckedContinuation<String, Never>] in
      state.lines.append(line)
      let ready = state.waiters.filter { $0.predicate(line) }.map(\.continuation)
      state.waiters.removeAll { $0.predicate(line) }
      return ready
    }
    for continuation in ready { continuation.resume(returning: line) }
  }

  private struct Handler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
      capture.append("\(event.level) \(event.message) \(fields)")
    }
  }
}

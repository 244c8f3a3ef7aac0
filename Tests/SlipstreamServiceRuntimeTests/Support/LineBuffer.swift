import SlipstreamServiceRuntime
import Synchronization

/// Collects log lines written to a ``LogOutput``.
final class LineBuffer: Sendable {
  private let storage = Mutex<[String]>([])

  var lines: [String] { storage.withLock { $0 } }
  var output: LogOutput { LogOutput { line in self.storage.withLock { $0.append(line) } } }
}

import SlipstreamRPC

/// Client request writers suspended until their HTTP/2 stream is writable again;
/// event-loop confined. (Server responses go through ``ResponseQueue``.)
struct PendingWriters {
  private var waiting: [CheckedContinuation<Void, any Error>] = []

  /// Parks a writer until ``resumeAll()`` or ``failAll(_:)``.
  mutating func append(_ writer: CheckedContinuation<Void, any Error>) {
    waiting.append(writer)
  }

  /// The stream became writable: every parked writer continues.
  mutating func resumeAll() {
    let writers = waiting
    waiting = []
    for writer in writers { writer.resume() }
  }

  /// The stream is over: every parked writer gets `error`.
  mutating func failAll(_ error: RPCError) {
    let writers = waiting
    waiting = []
    for writer in writers { writer.resume(throwing: error) }
  }
}

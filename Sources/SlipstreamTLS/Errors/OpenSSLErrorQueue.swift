import COpenSSL

/// The calling thread's OpenSSL error queue. OpenSSL keeps it per thread, so it is drained
/// right after every failing call, before anything else can run on the event loop.
enum OpenSSLErrorQueue {
  /// One drained entry: its packed code and readable text.
  struct Entry {
    var code: UInt
    var text: String
  }

  /// Removes and returns every queued error, oldest first.
  static func drain() -> [Entry] {
    var entries: [Entry] = []
    while true {
      let code = ERR_get_error()
      if code == 0 { return entries }
      let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
        ERR_error_string_n(code, buffer.baseAddress, buffer.count)
        return String(cString: buffer.baseAddress!)
      }
      entries.append(Entry(code: code, text: text))
    }
  }

  /// Drains the queue into a ``TLSError``.
  /// - Parameters:
  ///   - kind: what went wrong.
  ///   - context: what we were doing.
  static func error(_ kind: TLSError.Kind, _ context: String) -> TLSError {
    TLSError(kind, context: context, openSSLErrors: drain().map(\.text))
  }
}

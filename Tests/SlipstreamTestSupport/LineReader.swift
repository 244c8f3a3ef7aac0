public import Foundation

/// Reads `handle` line by line on a thread of its own until EOF: no thread of the cooperative
/// pool blocks, and no pipe readability handler is involved (with every suite running in
/// parallel, libdispatch's event loop crashed on those).
/// - Parameters:
///   - handle: The read end of a child's output pipe.
///   - line: Called for each complete line (without its newline), in order.
///   - end: Called once the output ended (an unfinished last line is dropped).
public func readLines(
  from handle: FileHandle, line: @escaping @Sendable (String) -> Void, end: @escaping @Sendable () -> Void
) {
  Thread {
    var pending: [UInt8] = []
    while true {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      pending.append(contentsOf: chunk)
      var start = 0
      while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
        line(String(decoding: pending[start..<newline], as: UTF8.self))
        start = newline + 1
      }
      pending.removeFirst(start)
    }
    end()
  }.start()
}

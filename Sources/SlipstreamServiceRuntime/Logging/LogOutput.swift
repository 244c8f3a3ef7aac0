import Foundation

/// Where log lines go: standard error, or anything that takes a line (tests use a buffer).
public struct LogOutput: Sendable {
  private let writeLine: @Sendable (String) -> Void

  /// An output calling `write` with each line, newline included.
  public init(_ write: @escaping @Sendable (String) -> Void) {
    self.writeLine = write
  }

  /// Standard error, one `write(2)` per line so lines from many threads do not interleave.
  public static let standardError = LogOutput { line in writeAll(line, to: 2) }

  /// Standard output, unbuffered: one `write(2)` per line, so a script reading the
  /// "listening on" line gets it at once.
  public static let standardOutput = LogOutput { line in writeAll(line, to: 1) }

  func write(_ line: String) { writeLine(line) }
}

/// Writes all of `text` to a file descriptor, retrying on EINTR; drops it on other errors
/// (a logger has nowhere to report them).
func writeAll(_ text: String, to descriptor: Int32) {
  var text = text
  text.withUTF8 { bytes in
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written <= 0 {
        if written < 0, errno == EINTR { continue }
        return
      }
      offset += written
    }
  }
}

/// Formatting shared by the log handlers.
enum LogFormatting {
  /// `2026-11-21T14:31:09.123Z`: ISO 8601, UTC, milliseconds.
  static func timestamp(_ date: Date) -> String {
    let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
    var millis = Int(milliseconds.quotientAndRemainder(dividingBy: 1000).remainder)
    if millis < 0 {
      millis += 1000
      seconds -= 1
    }
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
      + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)).\(pad(millis, 3))Z"
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// Appends `text` as a JSON string literal (quotes and escapes included).
  static func appendJSONString(_ text: String, to output: inout String) {
    output.append("\"")
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output.append("\\\"")
      case "\\": output.append("\\\\")
      case "\n": output.append("\\n")
      case "\r": output.append("\\r")
      case "\t": output.append("\\t")
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      default: output.unicodeScalars.append(scalar)
      }
    }
    output.append("\"")
  }
}

import Foundation

/// A directory removed when the value goes away.
final class TemporaryDirectory {
  let path: String

  init() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-runtime-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    self.path = url.path
  }

  /// Writes `text` to `name` (directories made as needed) and returns the full path.
  @discardableResult
  func write(_ text: String, to name: String) throws -> String {
    let full = path + "/" + name
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent,
      withIntermediateDirectories: true
    )
    try text.write(toFile: full, atomically: true, encoding: .utf8)
    return full
  }

  deinit {
    try? FileManager.default.removeItem(atPath: self.path)
  }
}

import Foundation

/// A directory removed when the value goes away.
final class TemporaryDirectory {
  let path: String

  init() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    self.path = url.path
  }

  deinit {
    try? FileManager.default.removeItem(atPath: self.path)
  }
}

import Foundation

/// Where the repository's proto-spec/ and the test's Python helper are.
enum ProtoSpec {
  /// The repository root, found from this source file's path.
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // SlipstreamAPITests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The proto-spec/ folder.
  static let directory = repositoryRoot.appendingPathComponent("proto-spec")

  /// Tests/SlipstreamAPITests/python/compat.py.
  static let compatScript = repositoryRoot
    .appendingPathComponent("Tests/SlipstreamAPITests/python/compat.py")

  /// Every .proto file under proto-spec/, relative to it, sorted.
  static func protoFiles() throws -> [String] {
    let base = directory.standardizedFileURL.path + "/"
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var files: [String] = []
    while let relative = walker.nextObject() as? String {
      if relative.hasPrefix(".build") {
        walker.skipDescendants()
        continue
      }
      if relative.hasSuffix(".proto") { files.append(relative) }
    }
    return files.sorted()
  }

  /// The install hint for the Python gRPC tools.
  static let pythonInstallHint = "python3 with `pip install grpcio grpcio-tools`"
  /// The install hint for protoc.
  static let protocInstallHint = "`apt-get install protobuf-compiler`"
}

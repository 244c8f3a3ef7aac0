import Foundation

/// The merged configuration: one JSON tree, and for each key the source that set it last.
struct ConfigurationTree: Sendable {
  private(set) var root: ConfigurationValue = .object([:])
  private var origins: [ConfigurationPath: ConfigurationSource] = [:]

  /// Sets `value` at `path` (every leaf below it is now from `source`).
  mutating func set(_ value: ConfigurationValue, at path: ConfigurationPath, from source: ConfigurationSource) {
    root.set(value, at: path.keys)
    for key in origins.keys where key.keys.starts(with: path.keys) { origins[key] = nil }
    for leaf in value.leafPaths(under: path) { origins[leaf] = source }
    origins[path] = source
  }

  /// Merges an object into the tree key by key (so the file's `server.tls.cert` and the
  /// environment's `SERVER__PORT` both survive).
  mutating func merge(_ value: ConfigurationValue, at path: ConfigurationPath, from source: ConfigurationSource) {
    if case .object(let members) = value, !members.isEmpty {
      for (key, member) in members { merge(member, at: path.appending(key), from: source) }
    } else {
      set(value, at: path, from: source)
    }
  }

  /// The value at `path`, if set.
  subscript(path: ConfigurationPath) -> ConfigurationValue? { root[path.keys] }

  /// Who set the value at `path` (or the nearest enclosing object).
  func source(of path: ConfigurationPath) -> ConfigurationSource? {
    var current: ConfigurationPath? = path
    while let candidate = current {
      if let source = origins[candidate] { return source }
      current = candidate.parent
    }
    return nil
  }

  /// An error about the value at `path`, naming its source.
  func error(at path: ConfigurationPath, _ problem: String) -> ConfigurationError {
    .value(at: path, from: source(of: path), problem)
  }
}

extension ConfigurationTree {
  /// Reads a JSON config file: a top-level object.
  /// - Parameters:
  ///   - path: Where the file is.
  ///   - shown: The path as the user gave it, for messages.
  /// - Throws: ``ConfigurationError`` when the file cannot be read, is not JSON, or is not an object.
  static func readFile(_ path: String, shown: String) throws(ConfigurationError) -> ConfigurationValue {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      var isDirectory: ObjCBool = false
      let why =
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
          "no such file"
        } else if isDirectory.boolValue {
          "it is a directory"
        } else if !FileManager.default.isReadableFile(atPath: path) {
          "permission denied"
        } else {
          reason(error)
        }
      throw ConfigurationError("config \(shown): cannot read the file: \(why)")
    }
    let value: ConfigurationValue
    do {
      value = try JSONDecoder().decode(ConfigurationValue.self, from: data)
    } catch {
      throw ConfigurationError("config \(shown): not valid JSON: \(describeJSONError(in: data))")
    }
    guard case .object = value else {
      throw ConfigurationError("config \(shown): expected a JSON object at the top level, found \(value.shown)")
    }
    return value
  }

  /// What is wrong with the JSON, with the line and column when the parser says where.
  private static func describeJSONError(in data: Data) -> String {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return "not a JSON value"
    } catch {
      let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
      guard let range = detail.range(of: #"around character (\d+)"#, options: .regularExpression),
        let offset = Int(detail[range].split(separator: " ").last!)
      else { return detail }
      var line = 1
      var column = 1
      for byte in data.prefix(offset) {
        if byte == UInt8(ascii: "\n") {
          line += 1
          column = 1
        } else if byte & 0xC0 != 0x80 {
          column += 1
        }
      }
      return detail.replacingCharacters(in: range, with: "at line \(line), column \(column)")
        .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
  }
}

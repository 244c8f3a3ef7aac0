import Foundation

extension ServiceConfiguration {
  /// Decodes a service's own section (e.g. `"pricing": {...}` in the config file) with
  /// environment overrides (`PRICING__CAPACITY=50`, `PRICING__LIMITS__EQUITY=0.1`) applied.
  /// Keys are snake_case in the file and decoded with `.convertFromSnakeCase`. A missing
  /// section decodes from an empty object, so types whose properties all have defaults work.
  ///
  /// - Parameters:
  ///   - name: The section's key, e.g. `pricing`.
  ///   - type: The section's type.
  /// - Throws: ``ConfigurationError`` naming the source and key of a value that does not fit.
  public func section<Section: Decodable>(_ name: String, as type: Section.Type = Section.self) throws(ConfigurationError) -> Section {
    var tree = self.tree
    let root = ConfigurationPath([name])
    let prefix = root.environmentName + "__"
    for (variable, text) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix(prefix) {
      let keys = variable.split(separator: "__", omittingEmptySubsequences: false).map { $0.lowercased() }
      tree.set(.environmentValue(text), at: ConfigurationPath(keys), from: .environment(variable))
    }
    if tree[root] == nil || tree[root] == .null {
      tree.set(.object([:]), at: root, from: .defaults)
    }
    // The environment cannot say whether `PRICING__SYMBOL=123` is a number or a string;
    // when the type wants a string there, use the variable's text and try again.
    for _ in 0...environment.count {
      do {
        let data = try JSONEncoder().encode(tree[root]!)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Section.self, from: data)
      } catch let error as DecodingError {
        let (path, problem) = describe(error, in: tree, under: root)
        if case .typeMismatch(let expected, _) = error, expected == String.self,
          case .environment(let variable) = tree.source(of: path),
          let text = environment[variable], tree[path] != .string(text)
        {
          tree.set(.string(text), at: path, from: .environment(variable))
          continue
        }
        throw problem
      } catch {
        throw ConfigurationError("\(name): \(error)")
      }
    }
    throw ConfigurationError("\(name): cannot be decoded")
  }

  /// The configuration path of a decoding error and a message naming its source.
  private func describe(
    _ error: DecodingError,
    in tree: ConfigurationTree,
    under root: ConfigurationPath
  ) -> (ConfigurationPath, ConfigurationError) {
    switch error {
    case .typeMismatch(let type, let context):
      let path = resolve(context.codingPath, in: tree, under: root)
      let found = tree[path]?.shown ?? "nothing"
      return (path, tree.error(at: path, "expected \(describeType(type)), found \(found)"))
    case .valueNotFound(let type, let context):
      let path = resolve(context.codingPath, in: tree, under: root)
      return (path, tree.error(at: path, "expected \(describeType(type)), found null"))
    case .keyNotFound(let key, let context):
      let parent = resolve(context.codingPath, in: tree, under: root)
      let path = parent.appending(snakeCase(key.stringValue))
      let file = configFile.map { "in config \($0)" } ?? "in a config file"
      return (path, ConfigurationError("\(path): required but not set (set it \(file) or with \(path.environmentName))"))
    case .dataCorrupted(let context):
      let path = resolve(context.codingPath, in: tree, under: root)
      return (path, tree.error(at: path, context.debugDescription))
    @unknown default:
      return (root, ConfigurationError("\(root): \(error)"))
    }
  }

  /// Maps a coding path (camelCase keys) back to the tree's snake_case keys.
  private func resolve(_ codingPath: [any CodingKey], in tree: ConfigurationTree, under root: ConfigurationPath) -> ConfigurationPath {
    var path = root
    for key in codingPath {
      if let index = key.intValue, case .array = tree[path] {
        path = path.appending(String(index))
        continue
      }
      let name = key.stringValue
      if case .object(let members) = tree[path],
        let match = members.keys.first(where: { $0 == name || camelCase($0) == name })
      {
        path = path.appending(match)
      } else {
        path = path.appending(snakeCase(name))
      }
    }
    return path
  }
}

/// "an integer", "a number", ... for the types configuration values decode to.
private func describeType(_ type: Any.Type) -> String {
  switch type {
  case is String.Type, is Substring.Type: "a string"
  case is Bool.Type: "true or false"
  case is any BinaryInteger.Type: "an integer"
  case is any BinaryFloatingPoint.Type, is Decimal.Type: "a number"
  case is [String: Any].Type: "an object"
  case is [Any].Type: "an array"
  default:
    String(describing: type).hasPrefix("Array<") ? "an array" : (String(describing: type).hasPrefix("Dictionary<") ? "an object" : "a \(type)")
  }
}

/// `max_spread_pct` → `maxSpreadPct`, as `.convertFromSnakeCase` does.
private func camelCase(_ key: String) -> String {
  let parts = key.split(separator: "_")
  guard let first = parts.first else { return key }
  return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
}

/// `maxSpreadPct` → `max_spread_pct`.
private func snakeCase(_ key: String) -> String {
  var result = ""
  for character in key {
    if character.isUppercase {
      if !result.isEmpty { result += "_" }
      result += character.lowercased()
    } else {
      result.append(character)
    }
  }
  return result
}

import Foundation

/// A JSON value of the configuration tree (file, environment and flags merged).
enum ConfigurationValue: Sendable, Hashable, Codable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([ConfigurationValue])
  case object([String: ConfigurationValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([ConfigurationValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: ConfigurationValue].self))
    }
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// Parses an environment value: a JSON literal (number, boolean, array, object, quoted
  /// string) when it parses as one, otherwise the text itself as a string.
  static func environmentValue(_ text: String) -> ConfigurationValue {
    (try? JSONDecoder().decode(ConfigurationValue.self, from: Data(text.utf8))) ?? .string(text)
  }

  /// The value at `keys`, if any.
  subscript(keys: some Collection<String>) -> ConfigurationValue? {
    guard let first = keys.first else { return self }
    switch self {
    case .object(let members): return members[first]?[keys.dropFirst()]
    case .array(let elements):
      guard let index = Int(first), elements.indices.contains(index) else { return nil }
      return elements[index][keys.dropFirst()]
    default: return nil
    }
  }

  /// Sets the value at `keys`, making objects on the way (replacing non-objects).
  mutating func set(_ value: ConfigurationValue, at keys: some Collection<String>) {
    guard let first = keys.first else {
      self = value
      return
    }
    var members: [String: ConfigurationValue] = [:]
    if case .object(let existing) = self { members = existing }
    var member = members[first] ?? .null
    member.set(value, at: keys.dropFirst())
    members[first] = member
    self = .object(members)
  }

  /// How the value is shown in messages: JSON for scalars (strings quoted).
  var shown: String {
    switch self {
    case .null: "null"
    case .bool(let value): "\(value)"
    case .integer(let value): "\(value)"
    case .number(let value): "\(value)"
    case .string(let value): "\"\(value)\""
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// Every path below (and including) this value that holds a non-object.
  func leafPaths(under path: ConfigurationPath) -> [ConfigurationPath] {
    guard case .object(let members) = self, !members.isEmpty else { return [path] }
    return members.flatMap { key, value in value.leafPaths(under: path.appending(key)) }
  }
}

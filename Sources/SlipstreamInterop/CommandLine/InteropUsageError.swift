/// A command line the interop executables cannot run with; `description` says what to fix.
public enum InteropUsageError: Error, Sendable, Hashable, CustomStringConvertible {
  /// An option neither executable knows.
  case unknownOption(String)
  /// An option given without its value.
  case missingValue(option: String)
  /// A value that does not parse, with what was expected.
  case invalidValue(option: String, value: String, expected: String)
  /// A required option is absent.
  case missingOption(String)
  /// Two options that only make sense together (or apart) were given wrongly.
  case inconsistentOptions(String)

  public var description: String {
    switch self {
    case .unknownOption(let option): "unknown option '\(option)'; see --help"
    case .missingValue(let option): "option '\(option)' needs a value"
    case .invalidValue(let option, let value, let expected): "'\(value)' is not a valid value for '\(option)': expected \(expected)"
    case .missingOption(let option): "option '\(option)' is required; see --help"
    case .inconsistentOptions(let problem): problem
    }
  }
}

/// Splits `--name value`, `--name=value` and bare `--flag` arguments. Underscores in names
/// are read as dashes, so the grpc interop runners' spelling (`--server_port`) works too.
struct InteropArguments {
  private(set) var values: [String: String] = [:]
  private(set) var flags: Set<String> = []

  /// - Parameters:
  ///   - arguments: The arguments after the program name.
  ///   - valued: Option names that take a value.
  ///   - flags: Option names that take none (`--flag=true|false` is accepted too).
  /// - Throws: ``InteropUsageError``.
  init(_ arguments: [String], valued: Set<String>, flags knownFlags: Set<String>) throws(InteropUsageError) {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("--") else { throw .unknownOption(argument) }
      let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = "--" + parts[0].replacingOccurrences(of: "_", with: "-")
      let inline = parts.count == 2 ? String(parts[1]) : nil
      if knownFlags.contains(name) {
        switch inline {
        case nil, "true": flags.insert(name)
        case "false": flags.remove(name)
        case let value?: throw .invalidValue(option: name, value: value, expected: "true or false")
        }
      } else if valued.contains(name) {
        if let inline {
          values[name] = inline
        } else {
          guard index < arguments.count else { throw .missingValue(option: name) }
          values[name] = arguments[index]
          index += 1
        }
      } else {
        throw .unknownOption(name)
      }
    }
  }

  /// The value of `option` as a port number (0...65535), nil when absent.
  func port(_ option: String) throws(InteropUsageError) -> Int? {
    guard let text = values[option] else { return nil }
    guard let port = Int(text), (0...65535).contains(port) else {
      throw .invalidValue(option: option, value: text, expected: "a port number 0...65535")
    }
    return port
  }
}

/// A configuration problem a user can fix: names where the value came from (config file,
/// environment variable or command-line flag), the key, and what was wrong, e.g.
/// `environment SERVER__PORT: port 70000 is out of range 0…65535`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The whole message, ready to print.
  public let message: String

  /// Creates an error with a complete message.
  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }

  /// An error about the value at `path`, prefixed with where that value came from.
  static func value(at path: ConfigurationPath, from source: ConfigurationSource?, _ problem: String) -> ConfigurationError {
    switch source {
    case .file(let file): ConfigurationError("config \(file): \(path): \(problem)")
    case .environment(let name): ConfigurationError("environment \(name): \(problem)")
    case .flag(let name): ConfigurationError("\(name): \(problem)")
    case .defaults, nil: ConfigurationError("\(path): \(problem)")
    }
  }
}

/// Where a configuration value came from.
enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
  /// The built-in default.
  case defaults
  /// The JSON config file at this path.
  case file(String)
  /// This environment variable.
  case environment(String)
  /// This command-line flag, e.g. `--port`.
  case flag(String)

  var description: String {
    switch self {
    case .defaults: "default"
    case .file(let path): "config \(path)"
    case .environment(let name): "environment \(name)"
    case .flag(let name): name
    }
  }

  /// How a key is spelled in this kind of source: `--tls-cert`, `SERVER__TLS__CERT` or
  /// `server.tls.cert`.
  func spelling(of path: ConfigurationPath) -> String {
    switch self {
    case .flag: CoreFlags.flagName(for: path) ?? path.description
    case .environment: path.environmentName
    case .file, .defaults: path.description
    }
  }

  /// A key as it was given, for messages naming two keys: `--tls-cert`,
  /// `SERVER__TLS__CERT`, or `server.tls.cert in config FILE`.
  func naming(_ path: ConfigurationPath) -> String {
    switch self {
    case .file(let file): "\(path) in config \(file)"
    default: spelling(of: path)
    }
  }
}

/// A dotted key path into the configuration, e.g. `server.tls.cert`.
struct ConfigurationPath: Sendable, Hashable, CustomStringConvertible {
  var keys: [String]

  init(_ keys: [String]) { self.keys = keys }
  init(_ dotted: String) { self.keys = dotted.split(separator: ".").map(String.init) }

  var description: String { keys.joined(separator: ".") }
  /// `SERVER__TLS__CERT` for `server.tls.cert`.
  var environmentName: String {
    keys.map { $0.uppercased().replacingOccurrences(of: "-", with: "_") }.joined(separator: "__")
  }

  func appending(_ key: String) -> ConfigurationPath { ConfigurationPath(keys + [key]) }
  var parent: ConfigurationPath? { keys.isEmpty ? nil : ConfigurationPath(Array(keys.dropLast())) }
}

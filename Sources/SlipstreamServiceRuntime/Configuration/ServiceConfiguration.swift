public import Foundation
import Logging

/// A service's configuration: built-in defaults < JSON config file < environment <
/// command-line flags, validated. The `server` section is parsed at once into
/// ``server``; service sections are decoded on demand with ``section(_:as:)``.
public struct ServiceConfiguration: Sendable {
  /// The service's name, e.g. `pricing-service`.
  public let service: String
  /// The config file that was read, if any.
  public let configFile: String?
  /// The validated server settings.
  public let server: ServerSettings
  let tree: ConfigurationTree
  let environment: [String: String]

  /// Loads and validates a service's configuration.
  ///
  /// - Parameters:
  ///   - service: The service's name; the default config file is `services/<service>/config.json`.
  ///   - flags: The parsed core flags.
  ///   - defaults: Built-in defaults for host and ports.
  ///   - environment: Environment variables (`SERVER__PORT=6000`, `PRICING__CAPACITY=50`).
  ///   - workingDirectory: Where the config file (`--config` or the default) is looked up;
  ///     the process's current directory when nil. Certificate paths and the state directory
  ///     stay relative to the process's current directory.
  /// - Throws: ``ConfigurationError`` naming the source and key of the first problem.
  public static func load(
    service: String,
    flags: CoreFlags,
    defaults: ServerDefaults = ServerDefaults(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    workingDirectory: String? = nil
  ) throws(ConfigurationError) -> ServiceConfiguration {
    var tree = ConfigurationTree()
    let configFile = try Self.configFile(service: service, flags: flags, workingDirectory: workingDirectory)
    if let configFile {
      let source = ConfigurationSource.file(configFile.shown)
      let contents = try ConfigurationTree.readFile(configFile.path, shown: configFile.shown)
      if let server = contents[["server"]] {
        try checkServerKeys(server, at: ConfigurationPath(["server"]), source: source)
      }
      tree.merge(contents, at: ConfigurationPath([]), from: source)
    }
    for (name, text) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("SERVER__") {
      let path = ConfigurationPath(name.split(separator: "__", omittingEmptySubsequences: false).map { $0.lowercased() })
      let value = ConfigurationValue.environmentValue(text)
      try checkServerKeys(value, at: path, source: .environment(name))
      tree.set(value, at: path, from: .environment(name))
    }
    for (path, value) in flags.givenValues {
      tree.set(value, at: path, from: .flag(CoreFlags.flagName(for: path) ?? path.description))
    }
    let server = try ServerSettings(tree: tree, defaults: defaults, environment: environment)
    return ServiceConfiguration(
      service: service,
      configFile: configFile?.shown,
      server: server,
      tree: tree,
      environment: environment
    )
  }

  /// The config file to read: `--config`, else `services/<service>/config.json` when it exists.
  private static func configFile(
    service: String,
    flags: CoreFlags,
    workingDirectory: String?
  ) throws(ConfigurationError) -> (path: String, shown: String)? {
    let base = workingDirectory ?? FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : base + "/" + path }
    if let given = flags.config {
      return (absolute(given), given)
    }
    let conventional = "services/\(service)/config.json"
    return FileManager.default.fileExists(atPath: absolute(conventional)) ? (absolute(conventional), conventional) : nil
  }

  /// The keys the `server` section knows; anything else is a typo.
  static let serverKeys = ["host", "port", "plaintext", "tls", "metrics_port", "log_format", "log_level", "state_dir", "handlers"]
  static let tlsKeys = ["cert", "key", "ca"]

  /// Rejects unknown keys under `server` (and `server.tls`), listing the known ones.
  private static func checkServerKeys(
    _ value: ConfigurationValue,
    at path: ConfigurationPath,
    source: ConfigurationSource
  ) throws(ConfigurationError) {
    let known: [String]
    switch path.keys.count {
    case 1: known = serverKeys
    case 2 where path.keys[1] == "tls": known = tlsKeys
    case 2:
      guard serverKeys.contains(path.keys[1]) else {
        throw .value(at: path, from: source, "unknown key \(path) (known keys: \(serverKeys.map { "server." + $0 }.joined(separator: ", ")))")
      }
      return
    case 3 where path.keys[1] == "tls":
      guard tlsKeys.contains(path.keys[2]) else {
        throw .value(at: path, from: source, "unknown key \(path) (known keys: \(tlsKeys.map { "server.tls." + $0 }.joined(separator: ", ")))")
      }
      return
    default:
      throw .value(at: path, from: source, "unknown key \(path)")
    }
    guard case .object(let members) = value else {
      if source.isEnvironment { return }  // a whole section from the environment is checked when parsed
      throw .value(at: path, from: source, "expected an object, found \(value.shown)")
    }
    for (key, member) in members.sorted(by: { $0.key < $1.key }) {
      let child = path.appending(key)
      guard known.contains(key) else {
        let listed = known.map { path.appending($0).description }.joined(separator: ", ")
        throw .value(at: child, from: source, "unknown key \(child) (known keys: \(listed))")
      }
      if key == "tls" { try checkServerKeys(member, at: child, source: source) }
    }
  }
}

extension ConfigurationSource {
  var isEnvironment: Bool {
    if case .environment = self { return true }
    return false
  }
}

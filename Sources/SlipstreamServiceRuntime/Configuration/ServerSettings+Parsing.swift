import Foundation
import Logging
import SlipstreamTransport

extension ServerSettings {
  /// Parses and validates the `server` section of a merged configuration.
  /// - Throws: ``ConfigurationError`` naming the source and key of the first problem.
  init(tree: ConfigurationTree, defaults: ServerDefaults, environment: [String: String]) throws(ConfigurationError) {
    let reader = SettingReader(tree: tree, environment: environment)
    for key in ["server", "server.tls"] {
      let path = ConfigurationPath(key)
      if let value = tree[path], value != .null {
        guard case .object = value else { throw tree.error(at: path, "expected an object, found \(value.shown)") }
      }
    }
    let host = try reader.string("server.host") ?? defaults.host
    guard !host.isEmpty else { throw tree.error(at: ConfigurationPath("server.host"), "the host is empty") }
    let port = try reader.port("server.port", what: "port") ?? defaults.port
    let metricsPort = try reader.metricsPort() ?? defaults.metricsPort
    let logFormat = try reader.choice("server.log_format", what: "log format", LogFormat.allCases.map(\.rawValue))
      .map { LogFormat(rawValue: $0)! } ?? .text
    let levels = Logger.Level.allCases.map(\.rawValue)
    let logLevel = try reader.choice("server.log_level", what: "log level", levels)
      .map { Logger.Level(rawValue: $0)! } ?? .info
    let stateDirectory = try reader.string("server.state_dir") ?? ".slipstream"
    guard !stateDirectory.isEmpty else {
      throw tree.error(at: ConfigurationPath("server.state_dir"), "the state directory is empty")
    }
    let names = HandlerExecution.configurationNames
    let handlers = try reader.choice("server.handlers", what: "handler placement", names.map(\.name))
      .map { chosen in names.first { $0.name == chosen }!.execution } ?? .concurrentPool
    let transport = try reader.transport()
    self.init(
      host: host,
      port: port,
      transport: transport,
      metricsPort: metricsPort,
      logFormat: logFormat,
      logLevel: logLevel,
      stateDirectory: stateDirectory,
      handlers: handlers
    )
  }
}

/// Reads typed settings out of the tree, with errors naming each value's source.
private struct SettingReader {
  let tree: ConfigurationTree
  let environment: [String: String]

  func value(_ key: String) -> (ConfigurationPath, ConfigurationValue)? {
    let path = ConfigurationPath(key)
    guard let value = tree[path], value != .null else { return nil }
    return (path, value)
  }

  func string(_ key: String) throws(ConfigurationError) -> String? {
    guard let (path, value) = value(key) else { return nil }
    switch value {
    case .string(let text): return text
    // The environment reads `SERVER__HOST=10` as a number; a string is what was meant.
    case .integer, .number, .bool:
      if case .environment(let name) = tree.source(of: path), let text = environment[name] { return text }
      throw tree.error(at: path, "expected a string, found \(value.shown)")
    default: throw tree.error(at: path, "expected a string, found \(value.shown)")
    }
  }

  func port(_ key: String, what: String) throws(ConfigurationError) -> Int? {
    guard let (path, value) = value(key) else { return nil }
    guard case .integer(let port) = value else {
      throw tree.error(at: path, "expected an integer, found \(value.shown)")
    }
    guard (0...65535).contains(port) else {
      throw tree.error(at: path, "\(what) \(port) is out of range 0…65535")
    }
    return port
  }

  func metricsPort() throws(ConfigurationError) -> MetricsPort? {
    guard let (path, value) = value("server.metrics_port") else { return nil }
    switch value {
    case .integer: return try port("server.metrics_port", what: "metrics port").map(MetricsPort.port)
    case .string("off"), .bool(false): return .disabled
    default: throw tree.error(at: path, "expected a port number or \"off\", found \(value.shown)")
    }
  }

  func choice(_ key: String, what: String, _ allowed: [String]) throws(ConfigurationError) -> String? {
    guard let (path, value) = value(key) else { return nil }
    guard case .string(let text) = value, allowed.contains(text) else {
      let list = allowed.dropLast().joined(separator: ", ") + (allowed.count > 2 ? "," : "") + " or " + allowed.last!
      throw tree.error(at: path, "unknown \(what) \(value.shown) (expected \(list))")
    }
    return text
  }

  func bool(_ key: String) throws(ConfigurationError) -> Bool? {
    guard let (path, value) = value(key) else { return nil }
    guard case .bool(let flag) = value else {
      throw tree.error(at: path, "expected true or false, found \(value.shown)")
    }
    return flag
  }

  /// Plaintext, TLS files, or development TLS, with the combinations checked.
  func transport() throws(ConfigurationError) -> TransportMode {
    let plaintext = try bool("server.plaintext") ?? false
    let cert = try file("server.tls.cert")
    let key = try file("server.tls.key")
    let ca = try file("server.tls.ca")
    let given = [cert, key, ca].compactMap { $0 }
    if plaintext, let first = given.first {
      let plaintextName = naming("server.plaintext")
      throw ConfigurationError("\(plaintextName) cannot be combined with \(naming(first.key)): plaintext turns TLS off")
    }
    if plaintext { return .plaintext }
    switch (cert, key) {
    case (let cert?, let key?):
      return .tls(TLSFiles(certificate: cert.path, privateKey: key.path, clientCA: ca?.path))
    case (let cert?, nil):
      throw ConfigurationError("\(naming(cert.key)) given without \(spelling("server.tls.key", like: cert.key))")
    case (nil, let key?):
      throw ConfigurationError("\(naming(key.key)) given without \(spelling("server.tls.cert", like: key.key))")
    case (nil, nil):
      if let ca {
        let needed = spelling("server.tls.cert", like: ca.key) + " and " + spelling("server.tls.key", like: ca.key)
        throw ConfigurationError("\(naming(ca.key)) given without \(needed)")
      }
      return .developmentTLS
    }
  }

  /// A readable file path setting.
  private func file(_ key: String) throws(ConfigurationError) -> (key: String, path: String)? {
    guard let path = try string(key) else { return nil }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw tree.error(at: ConfigurationPath(key), "cannot read \(path) (no such file, or not readable)")
    }
    return (key, path)
  }

  /// `--tls-cert`, `SERVER__TLS__CERT`, or `server.tls.cert in config FILE`.
  private func naming(_ key: String) -> String {
    let path = ConfigurationPath(key)
    return tree.source(of: path)?.naming(path) ?? key
  }

  /// `key` spelled as the source of `other` spells keys.
  private func spelling(_ key: String, like other: String) -> String {
    let path = ConfigurationPath(key)
    return tree.source(of: ConfigurationPath(other))?.spelling(of: path) ?? key
  }
}

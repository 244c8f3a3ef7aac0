import ArgumentParser
import Foundation
import SlipstreamServiceRuntime
import Testing

/// A working directory with an optional `services/test-service/config.json`, and
/// certificate-shaped files (`cert.pem`, `key.pem`, `ca.pem`) for path checks.
struct ConfigurationFixture {
  static let service = "test-service"
  let directory: TemporaryDirectory
  let cert: String
  let key: String
  let ca: String

  init(file: String? = nil) throws {
    directory = try TemporaryDirectory()
    cert = try directory.write("cert", to: "cert.pem")
    key = try directory.write("key", to: "key.pem")
    ca = try directory.write("ca", to: "ca.pem")
    if let file {
      try directory.write(file, to: "services/\(Self.service)/config.json")
    }
  }

  /// Loads with these command-line arguments and environment.
  func load(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> ServiceConfiguration {
    let flags = try CoreFlags.parse(arguments)
    return try ServiceConfiguration.load(
      service: Self.service,
      flags: flags,
      environment: environment,
      workingDirectory: directory.path
    )
  }

  /// The configuration error loading throws, or nil.
  func error(_ arguments: [String] = [], environment: [String: String] = [:]) -> String? {
    do {
      _ = try load(arguments, environment: environment)
      return nil
    } catch let error as ConfigurationError {
      return error.message
    } catch {
      return "not a ConfigurationError: \(error)"
    }
  }
}

let fileName = "services/test-service/config.json"

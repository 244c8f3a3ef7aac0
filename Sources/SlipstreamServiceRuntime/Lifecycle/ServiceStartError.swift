import Foundation
import NIOCore

/// A service could not start: a listener could not be bound, or its TLS files are
/// unusable. The message names the address and the setting to change.
public struct ServiceStartError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The whole message, ready to print.
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }

  /// `cannot listen on 127.0.0.1:9464 for metrics (--metrics-port, server.metrics_port): Address already in use`.
  static func listening(_ what: String, host: String, port: Int, setting: String, _ error: any Error) -> ServiceStartError {
    let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    let reason: String =
      if let error = error as? IOError { String(cString: strerror(error.errnoCode)) } else { String(describing: error) }
    return ServiceStartError("cannot listen on \(address) for \(what) (\(setting)): \(reason)")
  }
}

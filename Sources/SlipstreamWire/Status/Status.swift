/// The outcome of an RPC: a code and a human-readable message.
public struct Status: Hashable, Sendable, CustomStringConvertible {
  /// The gRPC status code.
  public var code: StatusCode
  /// A message for the developer; empty when there is nothing to add.
  public var message: String

  /// Creates a status.
  ///
  /// - Parameters:
  ///   - code: The gRPC status code.
  ///   - message: A message for the developer (any Unicode; it is percent-encoded on the wire).
  public init(code: StatusCode, message: String = "") {
    self.code = code
    self.message = message
  }

  /// A successful outcome with no message.
  public static let ok = Status(code: .ok)

  /// A call whose deadline passed: what servers and clients of this library report.
  public static let deadlineExceeded = Status(code: .deadlineExceeded, message: "Deadline exceeded.")

  public var description: String {
    self.message.isEmpty ? self.code.name : "\(self.code.name): \(self.message)"
  }
}

/// Reading and writing the `grpc-status` / `grpc-message` trailers.
public enum GRPCStatusHeaders {
  /// The name of the trailer carrying the numeric status code.
  public static let statusName = "grpc-status"
  /// The name of the trailer carrying the percent-encoded status message.
  public static let messageName = "grpc-message"

  /// Parses the status trailers of a response.
  ///
  /// A numeric code that is not a known gRPC code becomes `.unknown` (as the gRPC spec asks of
  /// clients), keeping the message. A missing `grpc-message` is an empty message.
  ///
  /// - Parameters:
  ///   - status: The value of `grpc-status`, or `nil` if the trailer is absent.
  ///   - message: The value of `grpc-message`, or `nil` if absent; percent-decoded leniently.
  /// - Returns: The decoded status.
  /// - Throws: `WireError.Kind.invalidStatus` if `grpc-status` is missing, empty, has anything but
  ///   ASCII digits, or does not fit in an `Int`.
  public static func parse(status: String?, message: String?) throws(WireError) -> Status {
    guard let status else {
      throw WireError(.invalidStatus("missing grpc-status"))
    }
    guard let value = ASCIIDigits.parse(status.utf8, maxDigits: 10) else {
      throw WireError(.invalidStatus(status))
    }
    let code = StatusCode(rawValue: value) ?? .unknown
    let decoded = message.map { GRPCStatusMessage.decode($0) } ?? ""
    return Status(code: code, message: decoded)
  }

  /// The trailer fields that carry `status`.
  ///
  /// - Parameter status: The status to send.
  /// - Returns: `grpc-status`, then `grpc-message` (percent-encoded) when the message is not empty.
  public static func fields(for status: Status) -> [(name: String, value: String)] {
    var fields: [(name: String, value: String)] = [(self.statusName, String(status.code.rawValue))]
    if !status.message.isEmpty {
      fields.append((self.messageName, GRPCStatusMessage.encode(status.message)))
    }
    return fields
  }
}

/// Parsing of short runs of ASCII digits without Foundation and without accepting a sign.
enum ASCIIDigits {
  /// The value of `bytes` if it is 1...`maxDigits` ASCII digits, otherwise `nil`.
  static func parse(_ bytes: some Collection<UInt8>, maxDigits: Int) -> Int? {
    guard !bytes.isEmpty, bytes.count <= maxDigits else { return nil }
    var value = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte &- UInt8(ascii: "0"))
    }
    return value
  }
}

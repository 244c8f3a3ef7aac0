/// The identifier of one HTTP/2 stream on a connection (odd: client-initiated, even: server-initiated).
public struct HTTP2StreamID: Hashable, Sendable, CustomStringConvertible {
  /// The 31-bit stream identifier as it appears on the wire.
  public let rawValue: Int32

  /// Wraps a wire stream identifier.
  /// - Parameter rawValue: the identifier; 0 names the connection itself.
  public init(_ rawValue: Int32) {
    self.rawValue = rawValue
  }

  /// The largest stream identifier HTTP/2 allows (2^31 - 1); a shutdown-notice GOAWAY carries it.
  public static let maxID = HTTP2StreamID(Int32.max)

  public var description: String { "stream \(self.rawValue)" }
}

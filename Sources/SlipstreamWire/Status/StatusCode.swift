/// A gRPC status code.
///
/// A struct over an internal enum so that codes can be added without breaking
/// exhaustive `switch` statements in client code.
public struct StatusCode: Hashable, Sendable, CustomStringConvertible {
  enum Wrapped: Int, CaseIterable, Sendable {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case internalError = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16
  }

  let wrapped: Wrapped

  init(_ wrapped: Wrapped) {
    self.wrapped = wrapped
  }

  /// Creates a code from its numeric value on the wire.
  ///
  /// - Parameter rawValue: The value of a `grpc-status` header, 0...16.
  /// - Returns: `nil` if `rawValue` is not a known gRPC status code.
  public init?(rawValue: Int) {
    guard let wrapped = Wrapped(rawValue: rawValue) else { return nil }
    self.wrapped = wrapped
  }

  /// The numeric value sent in `grpc-status`.
  public var rawValue: Int { self.wrapped.rawValue }

  /// The canonical upper-case name, such as `"OK"` or `"DEADLINE_EXCEEDED"`.
  public var name: String {
    switch self.wrapped {
    case .ok: "OK"
    case .cancelled: "CANCELLED"
    case .unknown: "UNKNOWN"
    case .invalidArgument: "INVALID_ARGUMENT"
    case .deadlineExceeded: "DEADLINE_EXCEEDED"
    case .notFound: "NOT_FOUND"
    case .alreadyExists: "ALREADY_EXISTS"
    case .permissionDenied: "PERMISSION_DENIED"
    case .resourceExhausted: "RESOURCE_EXHAUSTED"
    case .failedPrecondition: "FAILED_PRECONDITION"
    case .aborted: "ABORTED"
    case .outOfRange: "OUT_OF_RANGE"
    case .unimplemented: "UNIMPLEMENTED"
    case .internalError: "INTERNAL"
    case .unavailable: "UNAVAILABLE"
    case .dataLoss: "DATA_LOSS"
    case .unauthenticated: "UNAUTHENTICATED"
    }
  }

  /// The name and numeric value, for example `"NOT_FOUND (5)"`.
  public var description: String { "\(self.name) (\(self.rawValue))" }

  /// Every known status code, in numeric order.
  public static let allCases: [StatusCode] = Wrapped.allCases.map(StatusCode.init)

  public static let ok = StatusCode(.ok)
  public static let cancelled = StatusCode(.cancelled)
  public static let unknown = StatusCode(.unknown)
  public static let invalidArgument = StatusCode(.invalidArgument)
  public static let deadlineExceeded = StatusCode(.deadlineExceeded)
  public static let notFound = StatusCode(.notFound)
  public static let alreadyExists = StatusCode(.alreadyExists)
  public static let permissionDenied = StatusCode(.permissionDenied)
  public static let resourceExhausted = StatusCode(.resourceExhausted)
  public static let failedPrecondition = StatusCode(.failedPrecondition)
  public static let aborted = StatusCode(.aborted)
  public static let outOfRange = StatusCode(.outOfRange)
  public static let unimplemented = StatusCode(.unimplemented)
  public static let internalError = StatusCode(.internalError)
  public static let unavailable = StatusCode(.unavailable)
  public static let dataLoss = StatusCode(.dataLoss)
  public static let unauthenticated = StatusCode(.unauthenticated)
}

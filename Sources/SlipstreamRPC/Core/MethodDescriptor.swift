/// Names one RPC method: `/package.Service/Method` on the wire.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
  /// The fully qualified service name, e.g. `slipstream.pricing.v1.PricingService`.
  public let service: String
  /// The method name, e.g. `GetQuote`.
  public let method: String
  /// The HTTP/2 `:path`, computed once.
  public let path: String

  /// Creates a descriptor.
  /// - Parameters:
  ///   - service: The fully qualified service name.
  ///   - method: The method name.
  public init(service: String, method: String) {
    self.service = service
    self.method = method
    self.path = "/\(service)/\(method)"
  }

  /// Parses a `:path` of the form `/service/method`; nil for anything else.
  public init?(path: some StringProtocol) {
    guard path.first == "/" else { return nil }
    let rest = path.dropFirst()
    guard let slash = rest.lastIndex(of: "/") else { return nil }
    let service = rest[..<slash]
    let method = rest[rest.index(after: slash)...]
    guard !service.isEmpty, !method.isEmpty else { return nil }
    self.init(service: String(service), method: String(method))
  }

  public var description: String { path }
}

/// The four shapes of a gRPC call.
public enum RPCKind: Sendable, Hashable {
  case unary
  case clientStreaming
  case serverStreaming
  case bidirectionalStreaming
}

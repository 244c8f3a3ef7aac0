/// What kind of identifier an ``Identifier`` is, and its length limit.
public protocol IdentifierKind: Sendable {
  /// Human name used in error messages (`order id`).
  static var name: String { get }
  /// Longest accepted identifier in UTF-8 bytes.
  static var maximumLength: Int { get }
}

/// A validated, non-empty, bounded identifier; the `Kind` makes each ID a distinct type
/// (``OrderID`` cannot be passed as a ``TradeID``).
///
/// Accepted: 1 to `Kind.maximumLength` printable ASCII characters without spaces
/// (letters, digits and punctuation such as `-`, `_`, `:`, `.`).
public struct Identifier<Kind: IdentifierKind>: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let rawValue: String

  /// Validates an identifier.
  /// - Throws: ``IdentifierError`` if it is empty, too long or has spaces, control or
  ///   non-ASCII characters.
  public init(_ rawValue: String) throws(IdentifierError) {
    guard !rawValue.isEmpty else { throw .empty(kind: Kind.name) }
    guard rawValue.utf8.count <= Kind.maximumLength else {
      throw .tooLong(kind: Kind.name, length: rawValue.utf8.count, maximum: Kind.maximumLength)
    }
    guard rawValue.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw .invalidCharacters(kind: Kind.name, value: rawValue)
    }
    self.rawValue = rawValue
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String { rawValue }
}

/// Why a text is not a valid identifier.
public enum IdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
  case empty(kind: String)
  case tooLong(kind: String, length: Int, maximum: Int)
  case invalidCharacters(kind: String, value: String)

  public var description: String {
    switch self {
    case .empty(let kind): return "\(kind) must not be empty"
    case .tooLong(let kind, let length, let maximum):
      return "\(kind) is \(length) bytes long; the maximum is \(maximum)"
    case .invalidCharacters(let kind, let value):
      return "\(kind) '\(value)' may only contain printable ASCII without spaces"
    }
  }
}

/// Broker-assigned (or platform-assigned) order identifier.
public typealias OrderID = Identifier<OrderIDKind>
/// Client-chosen idempotency key of an order submission.
public typealias ClientOrderID = Identifier<ClientOrderIDKind>
/// Identifier of one execution (fill).
public typealias TradeID = Identifier<TradeIDKind>
/// Tenant (organisation) identifier.
public typealias TenantID = Identifier<TenantIDKind>
/// User identifier.
public typealias UserID = Identifier<UserIDKind>
/// Strategy identifier.
public typealias StrategyID = Identifier<StrategyIDKind>
/// Broker identifier (`alpaca`, `paper`...).
public typealias BrokerID = Identifier<BrokerIDKind>

public enum OrderIDKind: IdentifierKind {
  public static let name = "order id"
  public static let maximumLength = 64
}
public enum ClientOrderIDKind: IdentifierKind {
  public static let name = "client order id"
  public static let maximumLength = 128
}
public enum TradeIDKind: IdentifierKind {
  public static let name = "trade id"
  public static let maximumLength = 64
}
public enum TenantIDKind: IdentifierKind {
  public static let name = "tenant id"
  public static let maximumLength = 64
}
public enum UserIDKind: IdentifierKind {
  public static let name = "user id"
  public static let maximumLength = 128
}
public enum StrategyIDKind: IdentifierKind {
  public static let name = "strategy id"
  public static let maximumLength = 64
}
public enum BrokerIDKind: IdentifierKind {
  public static let name = "broker id"
  public static let maximumLength = 32
}

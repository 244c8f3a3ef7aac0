/// Custom metadata of an RPC: an ordered multimap from key to value, sent as HTTP/2 headers or
/// trailers.
///
/// Rules, from the gRPC over HTTP/2 spec:
/// - Keys are `[0-9a-z_.-]+`. Upper-case ASCII letters are **lower-cased on insert** (HTTP field
///   names are case-insensitive and HTTP/2 sends them in lower case); any other character is
///   refused with `invalidMetadataKey`. Lookups lower-case the key the same way.
/// - Keys ending in `-bin` hold binary values (base64 on the wire); all other keys hold string
///   values of printable ASCII (`0x20...0x7E`). A value of the wrong kind is refused with
///   `invalidMetadataValue`.
/// - Order is kept, including the order of repeated keys; two `Metadata` are equal when they
///   hold the same entries in the same order.
///
/// Whether a key may be set by an application is a separate check,
/// ``validateUserKey(_:)`` / ``validateUserKeys()``, which the RPC core applies to metadata
/// coming from the application (the library itself may add `grpc-status-details-bin`, say).
public struct Metadata: Sendable, Hashable {
  /// A metadata value.
  public enum Value: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// A printable ASCII value, for a key without the `-bin` suffix.
    case string(String)
    /// Arbitrary bytes, for a key ending in `-bin`.
    case binary([UInt8])

    public init(stringLiteral value: String) {
      self = .string(value)
    }

    public var description: String {
      switch self {
      case .string(let string): string
      case .binary(let bytes): Base64.encode(bytes, padded: false)
      }
    }
  }

  struct Entry: Sendable, Hashable {
    var key: String
    var value: Value
  }

  var entries: [Entry]

  /// Creates empty metadata.
  public init() {
    self.entries = []
  }

  /// The number of entries (a key with two values counts twice).
  public var count: Int { self.entries.count }

  /// Whether there are no entries.
  public var isEmpty: Bool { self.entries.isEmpty }

  /// Appends a string value.
  ///
  /// - Parameters:
  ///   - value: Printable ASCII (`0x20...0x7E`).
  ///   - key: A key not ending in `-bin`; upper case is lower-cased.
  /// - Throws: `invalidMetadataKey` for a bad key; `invalidMetadataValue` for a `-bin` key or a
  ///   non-printable value.
  public mutating func addString(_ value: String, forKey key: String) throws(WireError) {
    try self.add(.string(value), forKey: key)
  }

  /// Appends a binary value.
  ///
  /// - Parameters:
  ///   - value: Any bytes.
  ///   - key: A key ending in `-bin`; upper case is lower-cased.
  /// - Throws: `invalidMetadataKey` for a bad key; `invalidMetadataValue` if the key does not
  ///   end in `-bin`.
  public mutating func addBinary(_ value: some Collection<UInt8>, forKey key: String)
    throws(WireError)
  {
    try self.add(.binary(Array(value)), forKey: key)
  }

  /// Appends a value of either kind.
  ///
  /// - Parameters:
  ///   - value: The value; its kind must match the key (see the type's rules).
  ///   - key: The key; upper case is lower-cased.
  /// - Throws: `invalidMetadataKey` or `invalidMetadataValue`.
  public mutating func add(_ value: Value, forKey key: String) throws(WireError) {
    let key = try Self.validateKey(key)
    try Self.validate(value, forNormalizedKey: key)
    self.entries.append(Entry(key: key, value: value))
  }

  /// Appends every entry of `other`, in order.
  public mutating func add(contentsOf other: Metadata) {
    self.entries.append(contentsOf: other.entries)
  }

  /// Removes every value stored under `key` (letter case ignored).
  public mutating func removeAll(key: String) {
    let key = Self.lowercased(key)
    self.entries.removeAll { $0.key == key }
  }

  /// All values stored under `key` (letter case ignored), in order.
  public func values(forKey key: String) -> [Value] {
    let key = Self.lowercased(key)
    return self.entries.compactMap { $0.key == key ? $0.value : nil }
  }

  /// The string values stored under `key`, in order; empty if none.
  public subscript(stringValues key: String) -> [String] {
    self.values(forKey: key).compactMap {
      if case .string(let string) = $0 { string } else { nil }
    }
  }

  /// The binary values stored under `key` (a `-bin` key), in order; empty if none.
  public subscript(binaryValues key: String) -> [[UInt8]] {
    self.values(forKey: key).compactMap {
      if case .binary(let bytes) = $0 { bytes } else { nil }
    }
  }

  /// The first string value stored under `key`, if any.
  public func firstString(forKey key: String) -> String? {
    self[stringValues: key].first
  }

  /// Whether any value is stored under `key` (letter case ignored).
  public func contains(key: String) -> Bool {
    let key = Self.lowercased(key)
    return self.entries.contains { $0.key == key }
  }
}

extension Metadata: Sequence {
  public typealias Element = (key: String, value: Value)

  /// Iterates over entries in insertion order.
  public struct Iterator: IteratorProtocol {
    var base: IndexingIterator<[Entry]>

    public mutating func next() -> Element? {
      self.base.next().map { ($0.key, $0.value) }
    }
  }

  public func makeIterator() -> Iterator {
    Iterator(base: self.entries.makeIterator())
  }

  public var underestimatedCount: Int { self.entries.count }
}

extension Metadata: ExpressibleByDictionaryLiteral {
  /// Creates metadata from a literal such as `["trace-id": "abc", "blob-bin": .binary([1])]`.
  ///
  /// A literal is code, so an invalid key or value is a programmer error and traps with the
  /// error's description; use ``add(_:forKey:)`` for keys or values known only at run time.
  public init(dictionaryLiteral elements: (String, Value)...) {
    self.init()
    for (key, value) in elements {
      do {
        try self.add(value, forKey: key)
      } catch {
        preconditionFailure("invalid metadata literal: \(error)")
      }
    }
  }
}

/// A map from HTTP/2 stream ids to values, for the per-connection stream tables.
///
/// A `Dictionary` hashes every key with SipHash (seeded, built for keys an attacker picks).
/// Stream ids need none of that: a connection holds at most its concurrent-stream limit of them
/// at a time, a peer must open them in increasing order, and they are looked up several times
/// per call on both the HTTP/2 and the gRPC layer — those hashes were ~4 % of a unary call's
/// server time. This is an open-addressing table with linear probing and a multiplicative
/// (Fibonacci) hash, at most half full, deleting by shifting later entries back (no
/// tombstones), so every lookup stays a few probes without a hasher.
///
/// Id 0 (the connection itself) is never a key. Iteration order is unspecified.
public struct StreamIDMap<Value> {
  /// Keys by slot; 0 marks an empty slot.
  @usableFromInline var keys: [Int32]
  @usableFromInline var values: [Value?]
  /// `keys.count - 1`; the capacity is a power of two.
  @usableFromInline var mask: Int
  /// The right shift that turns the 32-bit product into a slot number.
  @usableFromInline var shift: UInt32
  @usableFromInline var storedCount = 0
  /// How many keys have values.
  @inlinable public var count: Int { storedCount }

  /// An empty map.
  @inlinable
  public init() {
    self.keys = Array(repeating: 0, count: 8)
    self.values = Array(repeating: nil, count: 8)
    self.mask = 7
    self.shift = 32 - 3
  }

  @inlinable
  public var isEmpty: Bool { count == 0 }

  @inlinable @inline(__always)
  func home(_ key: Int32) -> Int {
    Int(truncatingIfNeeded: (UInt32(bitPattern: key) &* 0x9E37_79B1) >> shift)
  }

  /// The slot holding `key`, or nil (always for 0, which is never a key).
  @inlinable @inline(__always)
  func slot(of key: Int32) -> Int? {
    if key == 0 { return nil }
    var index = home(key)
    while true {
      let found = keys[index]
      if found == key { return index }
      if found == 0 { return nil }
      index = (index &+ 1) & mask
    }
  }

  /// Whether `key` has a value.
  @inlinable
  public func contains(_ key: Int32) -> Bool { slot(of: key) != nil }

  /// The value for `key`; setting nil removes it. Reading copies the value out of the
  /// storage (see ``read(_:_:)`` and ``withValue(forKey:_:)`` for access in place).
  @inlinable
  public subscript(_ key: Int32) -> Value? {
    _read {
      if let index = slot(of: key) { yield values[index] } else { yield nil }
    }
    set {
      if let newValue { updateValue(newValue, forKey: key) } else { removeValue(forKey: key) }
    }
  }

  /// Runs `body` on the address of the value for `key` (no copy of the value: read a field
  /// with `pointer.pointee?.field`), or returns nil when absent. Reading the value through
  /// the subscript copies it out of the storage array (a retain and release of everything it
  /// references); this does not.
  @inlinable
  public func read<Result>(_ key: Int32, _ body: (UnsafePointer<Value?>) -> Result) -> Result? {
    guard let index = slot(of: key) else { return nil }
    return values.withUnsafeBufferPointer { body($0.baseAddress! + index) }
  }

  /// Runs `body` on the value for `key` in place (no copy of it), or returns nil when absent.
  @inlinable
  public mutating func withValue<Result, Failure: Error>(
    forKey key: Int32,
    _ body: (inout Value) throws(Failure) -> Result
  ) throws(Failure) -> Result? {
    guard let index = slot(of: key) else { return nil }
    return try body(&values[index]!)
  }

  /// Sets the value for `key` (not 0: stream id 0 is the connection).
  @inlinable
  public mutating func updateValue(_ value: Value, forKey key: Int32) {
    precondition(key != 0, "stream id 0 is the connection, not a stream")
    if let index = slot(of: key) {
      values[index] = value
      return
    }
    if (storedCount + 1) * 2 > keys.count { grow() }
    var index = home(key)
    while keys[index] != 0 { index = (index &+ 1) & mask }
    keys[index] = key
    values[index] = value
    storedCount += 1
  }

  /// Removes and returns the value for `key`.
  @inlinable @discardableResult
  public mutating func removeValue(forKey key: Int32) -> Value? {
    guard var hole = slot(of: key) else { return nil }
    let removed = values[hole].take()
    keys[hole] = 0
    storedCount -= 1
    // Backward-shift deletion: move every later entry of the probe run that may live in the
    // hole (its home is not cyclically between the hole and its slot) into it.
    var index = (hole &+ 1) & mask
    while keys[index] != 0 {
      let home = self.home(keys[index])
      let distanceToHole = (index &- hole) & mask
      let distanceToHome = (index &- home) & mask
      if distanceToHome >= distanceToHole {
        keys[hole] = keys[index]
        values[hole] = values[index].take()
        keys[index] = 0
        hole = index
      }
      index = (index &+ 1) & mask
    }
    return removed
  }

  /// Removes everything, keeping the storage.
  @inlinable
  public mutating func removeAll() {
    for index in keys.indices where keys[index] != 0 {
      keys[index] = 0
      values[index] = nil
    }
    storedCount = 0
  }

  /// The keys, in unspecified order.
  @inlinable
  public var allKeys: [Int32] { keys.filter { $0 != 0 } }

  /// The values, in unspecified order.
  @inlinable
  public var allValues: [Value] { values.compactMap { $0 } }

  @inlinable mutating func grow() {
    let oldKeys = keys
    var oldValues = values
    let capacity = keys.count * 2
    keys = Array(repeating: 0, count: capacity)
    values = Array(repeating: nil, count: capacity)
    mask = capacity - 1
    shift -= 1
    for index in oldKeys.indices where oldKeys[index] != 0 {
      var slot = home(oldKeys[index])
      while keys[slot] != 0 { slot = (slot &+ 1) & mask }
      keys[slot] = oldKeys[index]
      values[slot] = oldValues[index].take()
    }
  }
}

extension StreamIDMap: Sendable where Value: Sendable {}

import Synchronization

/// The life of the client connection a call arrived on, so services can tie state to it (a
/// quote subscription that ends when its client disconnects).
///
/// A transport makes one per connection and calls ``close()`` when the connection is gone;
/// handlers register work with ``onClose(_:)``. Closing runs each callback exactly once.
public final class ConnectionLifetime: Sendable, Hashable, CustomStringConvertible {
  private struct State {
    var closed = false
    var nextToken = 0
    var callbacks: [Int: @Sendable () -> Void] = [:]
  }

  private static let counter = Atomic<UInt64>(0)

  /// A process-unique number for the connection (for logs and maps).
  public let id: UInt64
  private let state = Mutex(State())

  public init() {
    id = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
  }

  /// Whether the connection has closed.
  public var isClosed: Bool { state.withLock { $0.closed } }

  /// Runs `callback` once when the connection closes, or now if it already has.
  /// - Returns: A token for ``cancelOnClose(_:)``, or nil when the callback already ran.
  @discardableResult
  public func onClose(_ callback: @escaping @Sendable () -> Void) -> Int? {
    let token: Int? = state.withLock { state in
      guard !state.closed else { return nil }
      state.nextToken += 1
      state.callbacks[state.nextToken] = callback
      return state.nextToken
    }
    if token == nil { callback() }
    return token
  }

  /// Drops a callback registered with ``onClose(_:)``.
  public func cancelOnClose(_ token: Int) {
    _ = state.withLock { $0.callbacks.removeValue(forKey: token) }
  }

  /// Marks the connection closed and runs the registered callbacks (in registration order).
  /// Later calls do nothing.
  public func close() {
    let callbacks = state.withLock { state -> [@Sendable () -> Void] in
      guard !state.closed else { return [] }
      state.closed = true
      defer { state.callbacks = [:] }
      return state.callbacks.sorted { $0.key < $1.key }.map(\.value)
    }
    for callback in callbacks { callback() }
  }

  public static func == (lhs: ConnectionLifetime, rhs: ConnectionLifetime) -> Bool { lhs === rhs }
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
  public var description: String { "connection #\(id)" }
}

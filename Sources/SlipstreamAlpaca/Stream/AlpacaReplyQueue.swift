/// Matches the server's control replies to outstanding requests.
///
/// Alpaca's requests carry no ids: control replies come in the order of the requests. The
/// welcome answers the connection, `authenticated` the auth, a subscription message a
/// subscribe or unsubscribe, and an error the oldest outstanding request of any kind —
/// except 407 slow client, which the server sends on its own. A pure value: the stream
/// owns the waiting callers and time limits.
package struct AlpacaReplyQueue: Sendable {
  /// What a request waits for.
  package enum Kind: Sendable, Hashable {
    case welcome
    case authentication
    case subscription

    /// The step a time limit on this reply names.
    package var step: AlpacaStreamError.Step {
      switch self {
      case .welcome: return .welcome
      case .authentication: return .authentication
      case .subscription: return .subscription
      }
    }
  }

  private var pending: [(id: Int, kind: Kind)] = []
  private var lastID = 0

  package init() {}

  /// Whether no request waits.
  package var isEmpty: Bool { pending.isEmpty }

  /// Adds a request waiting for a reply of `kind` and returns its id.
  package mutating func register(_ kind: Kind) -> Int {
    lastID += 1
    pending.append((lastID, kind))
    return lastID
  }

  /// The request `message` answers, removed from the queue, with its reply; nil when the
  /// message answers nothing (it is unsolicited, or not a control reply).
  package mutating func match(_ message: AlpacaMessage) -> (id: Int, reply: Result<AlpacaMessage, AlpacaStreamError>)? {
    let kind: Kind?
    let reply: Result<AlpacaMessage, AlpacaStreamError>
    switch message {
    case .connected:
      (kind, reply) = (.welcome, .success(message))
    case .authenticated:
      (kind, reply) = (.authentication, .success(message))
    case .subscription:
      (kind, reply) = (.subscription, .success(message))
    case .error(let code, let text):
      guard code != .slowClient else { return nil }
      (kind, reply) = (nil, .failure(.server(code: code, message: text)))
    case .success, .quote, .other, .malformed:
      return nil
    }
    guard let index = pending.firstIndex(where: { kind == nil || $0.kind == kind }) else { return nil }
    return (pending.remove(at: index).id, reply)
  }

  /// Removes request `id` (its time ran out); returns its kind, or nil if it was answered.
  package mutating func remove(_ id: Int) -> Kind? {
    guard let index = pending.firstIndex(where: { $0.id == id }) else { return nil }
    return pending.remove(at: index).kind
  }

  /// Removes every request (the session ended) and returns their ids, oldest first.
  package mutating func removeAll() -> [Int] {
    defer { pending.removeAll() }
    return pending.map(\.id)
  }
}

/// Where an order is in its lifecycle.
public enum OrderStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Created, not yet acknowledged by the broker.
  case new
  /// Working at the broker, nothing filled.
  case accepted
  /// Working at the broker, partly filled.
  case partiallyFilled
  /// Completely filled (terminal).
  case filled
  /// A cancel was requested and not yet confirmed.
  case pendingCancel
  /// Cancelled; any partial fills stand (terminal).
  case cancelled
  /// Refused by the broker or a check (terminal).
  case rejected
  /// Its time in force ran out (terminal).
  case expired
  /// Replaced by another order (terminal).
  case replaced

  /// Whether no event can change the order any more.
  public var isTerminal: Bool {
    switch self {
    case .filled, .cancelled, .rejected, .expired, .replaced: true
    case .new, .accepted, .partiallyFilled, .pendingCancel: false
    }
  }

  /// Whether the order may still trade at the broker.
  public var isOpen: Bool { !isTerminal }

  public var description: String { rawValue }
}

/// What an event does to an order's status, before looking at quantities.
public enum OrderTransition: Sendable, Hashable {
  /// Move to this status.
  case to(OrderStatus)
  /// A fill: to ``OrderStatus/filled`` if it completes the order, else to `partial`.
  case fill(partial: OrderStatus)
  /// Back to working: ``OrderStatus/partiallyFilled`` if anything is filled, else
  /// ``OrderStatus/accepted``.
  case resumeWorking
}

extension OrderStatus {
  /// The lifecycle table: the transition of every allowed (status, event) pair; `nil` for every
  /// other pair (including every event on a terminal status).
  ///
  /// | from | accept | reject | fill | requestCancel | cancel | cancelRejected | expire | replace |
  /// |---|---|---|---|---|---|---|---|---|
  /// | new | accepted | rejected | partiallyFilled/filled | – | cancelled | – | – | – |
  /// | accepted | – | – | partiallyFilled/filled | pendingCancel | cancelled | – | expired | replaced |
  /// | partiallyFilled | – | – | partiallyFilled/filled | pendingCancel | cancelled | – | expired | replaced |
  /// | pendingCancel | – | – | pendingCancel/filled | – | cancelled | accepted or partiallyFilled | expired | – |
  public static func transition(from status: OrderStatus, on event: OrderEvent.Kind) -> OrderTransition? {
    switch (status, event) {
    case (.new, .accept): .to(.accepted)
    case (.new, .reject): .to(.rejected)
    case (.new, .fill), (.accepted, .fill), (.partiallyFilled, .fill): .fill(partial: .partiallyFilled)
    case (.new, .cancel), (.accepted, .cancel), (.partiallyFilled, .cancel), (.pendingCancel, .cancel): .to(.cancelled)
    case (.accepted, .requestCancel), (.partiallyFilled, .requestCancel): .to(.pendingCancel)
    case (.accepted, .expire), (.partiallyFilled, .expire), (.pendingCancel, .expire): .to(.expired)
    case (.accepted, .replace), (.partiallyFilled, .replace): .to(.replaced)
    case (.pendingCancel, .fill): .fill(partial: .pendingCancel)
    case (.pendingCancel, .cancelRejected): .resumeWorking
    default: nil
    }
  }
}

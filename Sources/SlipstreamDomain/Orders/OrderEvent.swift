/// One execution of (part of) an order.
public struct Fill: Sendable, Hashable {
  public let tradeID: TradeID
  public let orderID: OrderID
  public let quantity: Quantity
  public let price: Price
  public let timestamp: Timestamp
  /// Commission or fee charged for this fill, if known.
  public let fee: Money?

  public init(
    tradeID: TradeID, orderID: OrderID, quantity: Quantity, price: Price, timestamp: Timestamp, fee: Money? = nil
  ) {
    self.tradeID = tradeID
    self.orderID = orderID
    self.quantity = quantity
    self.price = price
    self.timestamp = timestamp
    self.fee = fee
  }
}

/// Something that happened to an order, as reported by the broker or the platform.
public enum OrderEvent: Sendable, Hashable {
  /// The broker acknowledged the order.
  case accept
  /// The order was refused.
  case reject(reason: String)
  /// (Part of) the order executed.
  case fill(Fill)
  /// The platform asked the broker to cancel.
  case requestCancel
  /// The order was cancelled (on request or by the broker, e.g. an IOC remainder).
  case cancel
  /// The broker refused a cancel request; the order keeps working.
  case cancelRejected(reason: String)
  /// The time in force ran out.
  case expire
  /// The order was replaced by another one.
  case replace(by: OrderID)

  /// The event without its payload, as used by the lifecycle table.
  public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case accept, reject, fill, requestCancel, cancel, cancelRejected, expire, replace
    public var description: String { rawValue }
  }

  public var kind: Kind {
    switch self {
    case .accept: .accept
    case .reject: .reject
    case .fill: .fill
    case .requestCancel: .requestCancel
    case .cancel: .cancel
    case .cancelRejected: .cancelRejected
    case .expire: .expire
    case .replace: .replace
    }
  }
}

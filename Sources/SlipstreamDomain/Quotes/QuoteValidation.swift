/// Why a quote must not be used for pricing.
public enum QuoteRejection: Error, Sendable, Hashable, CustomStringConvertible {
  /// Which side of the book.
  public enum Side: String, Sendable, Hashable { case bid, ask }

  /// A price is zero or negative.
  case nonPositivePrice(side: Side, price: Price)
  /// A size is negative.
  case negativeSize(side: Side, size: Quantity)
  /// The bid is above the ask.
  case crossed(bid: Price, ask: Price)
  /// The bid equals the ask.
  case locked(price: Price)
  /// The quote is older than allowed.
  case stale(age: Duration, maximumAge: Duration)
  /// Computing with the quote overflowed.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .nonPositivePrice(let side, let price): return "quote rejected: \(side.rawValue) price \(price) is not positive"
    case .negativeSize(let side, let size): return "quote rejected: \(side.rawValue) size \(size) is negative"
    case .crossed(let bid, let ask): return "quote rejected: crossed market, bid \(bid) is above ask \(ask)"
    case .locked(let price): return "quote rejected: locked market, bid and ask are both \(price)"
    case .stale(let age, let maximumAge):
      return "quote rejected: stale, \(age) old where at most \(maximumAge) is allowed; wait for a fresh quote"
    case .arithmetic(let error): return "quote rejected: \(error)"
    }
  }
}

/// Checks that a quote is usable: positive prices, non-negative sizes, bid below ask, and
/// (given the current time) not older than ``maximumAge`` by its event time.
public struct QuoteValidation: Sendable, Hashable {
  /// Oldest acceptable quote, measured from ``Quote/eventTime`` to `now`.
  public var maximumAge: Duration

  public init(maximumAge: Duration = .seconds(5)) {
    self.maximumAge = maximumAge
  }

  public static let defaults = QuoteValidation()

  /// Checks prices, sizes and freshness, in that order; the first problem is thrown.
  /// A quote stamped in the future (clock skew) is not stale.
  /// - Throws: ``QuoteRejection``.
  public func validate(_ quote: Quote, now: Timestamp) throws(QuoteRejection) {
    try Self.validatePrices(quote)
    let age = now.duration(since: quote.eventTime)
    guard age <= maximumAge else { throw .stale(age: age, maximumAge: maximumAge) }
  }

  /// Checks prices and sizes only (no clock): positive prices, non-negative sizes, bid < ask.
  /// - Throws: ``QuoteRejection/nonPositivePrice(side:price:)``,
  ///   ``QuoteRejection/negativeSize(side:size:)``, ``QuoteRejection/crossed(bid:ask:)``,
  ///   ``QuoteRejection/locked(price:)``.
  public static func validatePrices(_ quote: Quote) throws(QuoteRejection) {
    guard quote.bid.isPositive else { throw .nonPositivePrice(side: .bid, price: quote.bid) }
    guard quote.ask.isPositive else { throw .nonPositivePrice(side: .ask, price: quote.ask) }
    guard !quote.bidSize.isNegative else { throw .negativeSize(side: .bid, size: quote.bidSize) }
    guard !quote.askSize.isNegative else { throw .negativeSize(side: .ask, size: quote.askSize) }
    guard quote.bid <= quote.ask else { throw .crossed(bid: quote.bid, ask: quote.ask) }
    guard quote.bid != quote.ask else { throw .locked(price: quote.bid) }
  }
}

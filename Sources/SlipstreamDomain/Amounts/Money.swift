/// A currency code: 2 to 10 uppercase ASCII letters or digits (ISO 4217 like `USD`, or a
/// crypto asset like `USDT`).
public struct Currency: Sendable, Hashable, CustomStringConvertible {
  public let code: String

  /// Validates and wraps a code; lowercase input is uppercased.
  /// - Throws: ``AmountError/invalidCurrencyCode(_:)``.
  public init(_ code: String) throws(AmountError) {
    let upper = code.uppercased()
    guard (2...10).contains(upper.utf8.count),
      upper.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) })
    else { throw .invalidCurrencyCode(code) }
    self.code = upper
  }

  private init(known code: String) { self.code = code }

  public static let usd = Currency(known: "USD")
  public static let eur = Currency(known: "EUR")
  public static let gbp = Currency(known: "GBP")
  public static let jpy = Currency(known: "JPY")
  public static let usdt = Currency(known: "USDT")
  public static let usdc = Currency(known: "USDC")
  public static let btc = Currency(known: "BTC")

  public var description: String { code }
}

/// An exact amount of money in one currency. Amounts in different currencies never mix:
/// combining them throws ``AmountError/currencyMismatch(_:_:)``.
public struct Money: Sendable, Hashable, CustomStringConvertible {
  public let amount: FixedDecimal
  public let currency: Currency

  /// Wraps an amount in a currency (US dollars by default).
  public init(amount: FixedDecimal, currency: Currency = .usd) {
    self.amount = amount
    self.currency = currency
  }

  /// Parses the amount exactly (see ``FixedDecimal/init(_:)``).
  /// - Throws: ``AmountError`` for malformed or out-of-range text.
  public init(_ text: String, currency: Currency = .usd) throws(AmountError) {
    self.init(amount: try FixedDecimal(text), currency: currency)
  }

  /// Zero in `currency`.
  public static func zero(_ currency: Currency = .usd) -> Money { Money(amount: .zero, currency: currency) }

  public var isZero: Bool { amount.isZero }
  public var isNegative: Bool { amount.isNegative }

  /// `123.45 USD`.
  public var description: String { "\(amount) \(currency)" }

  private func sameCurrency(_ other: Money) throws(AmountError) {
    guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
  }

  /// `self + other` in the same currency.
  /// - Throws: ``AmountError/currencyMismatch(_:_:)``, ``AmountError/overflow``.
  public func adding(_ other: Money) throws(AmountError) -> Money {
    try sameCurrency(other)
    return Money(amount: try amount.adding(other.amount), currency: currency)
  }

  /// `self − other` in the same currency.
  /// - Throws: ``AmountError/currencyMismatch(_:_:)``, ``AmountError/overflow``.
  public func subtracting(_ other: Money) throws(AmountError) -> Money {
    try sameCurrency(other)
    return Money(amount: try amount.subtracting(other.amount), currency: currency)
  }

  /// Scales by a plain factor (a quantity, a rate).
  /// - Throws: ``AmountError/overflow``, ``AmountError/precisionLoss`` for `.exact`.
  public func multiplied(by factor: FixedDecimal, rounding: RoundingMode = .exact) throws(AmountError) -> Money {
    Money(amount: try amount.multiplied(by: factor, rounding: rounding), currency: currency)
  }

  /// Rounds the amount to `places` decimals (2 for cents).
  /// - Throws: ``AmountError/scaleOutOfRange(_:)``, ``AmountError/overflow``,
  ///   ``AmountError/precisionLoss`` for `.exact`.
  public func rounded(toPlaces places: Int, _ rounding: RoundingMode) throws(AmountError) -> Money {
    Money(amount: try amount.rounded(toPlaces: places, rounding), currency: currency)
  }

  /// Orders two amounts of the same currency.
  /// - Throws: ``AmountError/currencyMismatch(_:_:)``.
  public func isLess(than other: Money) throws(AmountError) -> Bool {
    try sameCurrency(other)
    return amount < other.amount
  }

  public static func + (lhs: Money, rhs: Money) throws(AmountError) -> Money { try lhs.adding(rhs) }
  public static func - (lhs: Money, rhs: Money) throws(AmountError) -> Money { try lhs.subtracting(rhs) }
}

/// The widest relative spread, per asset class, at which a signal may still execute.
///
/// Values are fractions: 0.001 is 0.10 %. Build them from percent text with
/// ``fraction(percent:)``.
public struct SpreadThresholds: Sendable, Hashable {
  public var equity: FixedDecimal
  public var forex: FixedDecimal
  public var crypto: FixedDecimal
  public var options: FixedDecimal

  public init(equity: FixedDecimal, forex: FixedDecimal, crypto: FixedDecimal, options: FixedDecimal) {
    self.equity = equity
    self.forex = forex
    self.crypto = crypto
    self.options = options
  }

  /// Equity 0.10 %, forex 0.05 %, crypto 0.20 %, options 0.50 %.
  public static let defaults = SpreadThresholds(equity: "0.001", forex: "0.0005", crypto: "0.002", options: "0.005")

  /// The threshold of one asset class.
  public subscript(assetClass: AssetClass) -> FixedDecimal {
    get {
      switch assetClass {
      case .equity: equity
      case .forex: forex
      case .crypto: crypto
      case .options: options
      }
    }
    set {
      switch assetClass {
      case .equity: equity = newValue
      case .forex: forex = newValue
      case .crypto: crypto = newValue
      case .options: options = newValue
      }
    }
  }

  /// Converts a percentage (as in a `max_slippage_pct` setting: `"0.10"` means 0.10 %) into
  /// a fraction.
  /// - Throws: ``AmountError`` for malformed text, ``AmountError/precisionLoss`` beyond
  ///   ten decimals of percent.
  public static func fraction(percent text: String) throws(AmountError) -> FixedDecimal {
    try FixedDecimal(text).divided(by: 100)
  }
}

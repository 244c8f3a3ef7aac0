/// A tradable symbol in canonical form, with the asset class detected from its shape.
///
/// - Equities: 1–5 letters with an optional 1–2 letter class after a dot (`AAPL`, `BRK.B`;
///   `BRK-B` and `BRK/B` normalize to `BRK.B` when they are not a currency pair).
/// - Forex: two known ISO currencies (`EUR/USD`, `GBP/JPY`; also `EUR-USD`, `EURUSD`).
/// - Crypto: a known crypto asset against a known currency or stablecoin (`BTC/USD`,
///   `ETH/USDT`; `BTC-USD` and `BTCUSD` normalize to `BTC/USD`).
/// - Options: OCC symbols, `AAPL250117C00150000` (strike × 1000 in 8 digits), the padded
///   21-character form `AAPL  250117C00150000`, or the short form `AAPL250117C150`.
///
/// Lowercase input is uppercased. The canonical text (``value``) is `BASE/QUOTE` for pairs and
/// the unpadded OCC form for options.
public struct Symbol: Sendable, Hashable, CustomStringConvertible {
  /// Longest accepted input.
  public static let maximumLength = 32

  /// The canonical text.
  public let value: String
  public let assetClass: AssetClass
  /// Base asset of a forex or crypto pair (`BTC` in `BTC/USD`).
  public let baseAsset: String?
  /// Quote currency of a forex or crypto pair (`USD` in `BTC/USD`).
  public let quoteAsset: String?
  /// The parsed contract of an option symbol.
  public let option: OptionContract?

  /// Parses and classifies a symbol.
  /// - Throws: ``SymbolError`` naming the symbol and what is wrong with it.
  public init(_ text: String) throws(SymbolError) {
    guard !text.isEmpty else { throw .empty }
    guard text.utf8.count <= Self.maximumLength else {
      throw .tooLong(symbol: text, maximum: Self.maximumLength)
    }
    let upper = text.uppercased()
    guard upper.utf8.allSatisfy({ Self.allowed.contains($0) }) else { throw .invalidCharacters(symbol: text) }
    if upper.contains(" ") {
      self.init(option: try Self.parseOption(Self.unpadOCC(upper, original: text), original: text))
    } else if let separator = upper.firstIndex(where: { $0 == "/" || $0 == "-" }) {
      let base = String(upper[..<separator])
      let quote = String(upper[upper.index(after: separator)...])
      if let pair = Self.pair(base: base, quote: quote) {
        self = pair
      } else if Self.isEquity(base + "." + quote) {
        // Share classes written with a dash or slash by some feeds: BRK-B, BRK/B.
        self.init(value: base + "." + quote, assetClass: .equity, base: nil, quote: nil, option: nil)
      } else {
        throw .unknownCurrencyPair(symbol: text, base: base, quote: quote)
      }
    } else if upper.contains(where: \.isNumber) {
      self.init(option: try Self.parseOption(upper, original: text))
    } else if Self.isEquity(upper) {
      self.init(value: upper, assetClass: .equity, base: nil, quote: nil, option: nil)
    } else if let pair = Self.unseparatedPair(upper) {
      self = pair
    } else {
      throw .unrecognized(symbol: text)
    }
  }

  /// The symbol of an option contract.
  public init(option: OptionContract) {
    self.init(value: option.occSymbol, assetClass: .options, base: nil, quote: nil, option: option)
  }

  private init(value: String, assetClass: AssetClass, base: String?, quote: String?, option: OptionContract?) {
    self.value = value
    self.assetClass = assetClass
    self.baseAsset = base
    self.quoteAsset = quote
    self.option = option
  }

  public var description: String { value }

  // MARK: - Known assets

  /// ISO 4217 currencies accepted as forex legs and as crypto quote currencies.
  public static let knownFiatCurrencies: Set<String> = [
    "USD", "EUR", "JPY", "GBP", "CHF", "AUD", "CAD", "NZD", "SEK", "NOK", "DKK", "HKD", "SGD", "MXN",
    "ZAR", "CNH", "TRY", "PLN", "CZK", "HUF", "ILS", "INR", "KRW", "BRL", "THB",
  ]
  /// Crypto assets accepted as the base of a crypto pair.
  public static let knownCryptoAssets: Set<String> = [
    "BTC", "ETH", "SOL", "LTC", "BCH", "XRP", "ADA", "DOGE", "DOT", "AVAX", "LINK", "MATIC", "UNI",
    "AAVE", "XLM", "ATOM", "SHIB", "ETC", "FIL", "ALGO", "NEAR", "USDT", "USDC", "DAI",
  ]
  /// Non-fiat quote assets of crypto pairs.
  public static let knownCryptoQuoteAssets: Set<String> = ["USDT", "USDC", "DAI", "BTC", "ETH"]

  private static let allowed: Set<UInt8> = Set(
    Array(UInt8(ascii: "A")...UInt8(ascii: "Z")) + Array(UInt8(ascii: "0")...UInt8(ascii: "9"))
      + [UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: " ")])

  // MARK: - Shapes

  private static func isLetters(_ text: Substring, _ range: ClosedRange<Int>) -> Bool {
    range.contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
  }

  private static func isEquity(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    switch parts.count {
    case 1: return isLetters(parts[0], 1...5)
    case 2: return isLetters(parts[0], 1...5) && isLetters(parts[1], 1...2)
    default: return false
    }
  }

  private static func pair(base: String, quote: String) -> Symbol? {
    guard base != quote else { return nil }
    let assetClass: AssetClass
    if knownCryptoAssets.contains(base)
      && (knownFiatCurrencies.contains(quote) || knownCryptoQuoteAssets.contains(quote))
    {
      assetClass = .crypto
    } else if knownFiatCurrencies.contains(base) && knownFiatCurrencies.contains(quote) {
      assetClass = .forex
    } else {
      return nil
    }
    return Symbol(value: base + "/" + quote, assetClass: assetClass, base: base, quote: quote, option: nil)
  }

  /// `EURUSD`, `BTCUSD`, `ETHUSDT`: the first split into two known legs wins.
  private static func unseparatedPair(_ text: String) -> Symbol? {
    for baseLength in 3...4 where text.count > baseLength + 2 {
      let base = String(text.prefix(baseLength))
      if let pair = pair(base: base, quote: String(text.dropFirst(baseLength))) { return pair }
    }
    return nil
  }

  // MARK: - Options

  /// The 21-character OCC form pads the root to 6 characters with spaces.
  private static func unpadOCC(_ text: String, original: String) throws(SymbolError) -> String {
    let root = text.prefix(6)
    let rest = text.dropFirst(6)
    guard text.count == 21, !rest.contains(" "), let firstSpace = root.firstIndex(of: " "),
      root[firstSpace...].allSatisfy({ $0 == " " })
    else { throw .invalidCharacters(symbol: original) }
    return String(root[..<firstSpace]) + rest
  }

  private static func parseOption(_ text: String, original: String) throws(SymbolError) -> OptionContract {
    func fail(_ problem: SymbolError.OptionSymbolProblem) -> SymbolError {
      .invalidOptionSymbol(symbol: original, problem: problem)
    }
    let root = text.prefix { $0.isLetter }
    guard isLetters(root, 1...6) else { throw fail(.invalidRoot) }
    var rest = text.dropFirst(root.count)
    let date = rest.prefix(6)
    guard date.count == 6, date.allSatisfy(\.isNumber), let yymmdd = Int(date) else { throw fail(.missingExpiry) }
    rest = rest.dropFirst(6)
    let (year, month, day) = (2000 + yymmdd / 10_000, yymmdd / 100 % 100, yymmdd % 100)
    guard let expiry = OptionContract.Expiry(year: year, month: month, day: day) else {
      throw fail(.invalidExpiry(year: year, month: month, day: day))
    }
    guard let rightLetter = rest.first, let right = OptionContract.Right(rawValue: String(rightLetter)) else {
      throw fail(.missingRight)
    }
    let strikeText = rest.dropFirst()
    let strike: Price
    do {
      if strikeText.count == 8, strikeText.allSatisfy(\.isNumber) {
        strike = try Price(value: FixedDecimal(String(strikeText)).divided(by: 1000))
      } else {
        strike = try Price(String(strikeText))
      }
    } catch {
      throw fail(.invalidStrike)
    }
    do {
      return try OptionContract(root: String(root), expiry: expiry, right: right, strike: strike)
    } catch {
      throw fail(.invalidStrike)
    }
  }
}

/// Why a text is not a symbol the platform can trade.
public enum SymbolError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The symbol is empty.
  case empty
  /// The symbol is longer than the maximum.
  case tooLong(symbol: String, maximum: Int)
  /// The symbol has characters outside `A-Z a-z 0-9 . / -` (spaces only in OCC padding).
  case invalidCharacters(symbol: String)
  /// A `BASE/QUOTE` pair whose legs are not a known forex or crypto combination.
  case unknownCurrencyPair(symbol: String, base: String, quote: String)
  /// It looks like an option (root + digits) but is not a valid OCC symbol.
  case invalidOptionSymbol(symbol: String, problem: OptionSymbolProblem)
  /// It fits none of the known formats.
  case unrecognized(symbol: String)

  /// What is wrong with an option symbol.
  public enum OptionSymbolProblem: Sendable, Hashable, CustomStringConvertible {
    /// The root is not 1 to 6 letters.
    case invalidRoot
    /// No `yymmdd` expiry after the root.
    case missingExpiry
    /// The expiry is not a calendar date.
    case invalidExpiry(year: Int, month: Int, day: Int)
    /// No `C` or `P` after the expiry.
    case missingRight
    /// The strike is not 8 digits (×1000) or a positive decimal with at most 3 decimals
    /// below 100000.
    case invalidStrike

    public var description: String {
      switch self {
      case .invalidRoot: return "the root must be 1 to 6 letters"
      case .missingExpiry: return "expected a yymmdd expiry after the root"
      case .invalidExpiry(let y, let m, let d): return "\(y)-\(m)-\(d) is not a calendar date"
      case .missingRight: return "expected C (call) or P (put) after the expiry"
      case .invalidStrike:
        return "the strike must be 8 digits (price × 1000, like 00150000) or a price like 150 or 152.5"
      }
    }
  }

  public var description: String {
    switch self {
    case .empty:
      return "empty symbol"
    case .tooLong(let symbol, let maximum):
      return "symbol '\(symbol)' is longer than \(maximum) characters"
    case .invalidCharacters(let symbol):
      return "symbol '\(symbol)' has characters other than letters, digits, '.', '/' and '-'"
    case .unknownCurrencyPair(let symbol, let base, let quote):
      return "'\(symbol)' is not a known pair: \(base)/\(quote) is neither two ISO currencies (EUR/USD) "
        + "nor a known crypto asset against a currency or stablecoin (BTC/USD)"
    case .invalidOptionSymbol(let symbol, let problem):
      return "'\(symbol)' is not a valid OCC option symbol: \(problem)"
    case .unrecognized(let symbol):
      return "'\(symbol)' fits no known format: equities are 1-5 letters with an optional class "
        + "(AAPL, BRK.B), pairs are BASE/QUOTE (EUR/USD, BTC-USD), options are OCC (AAPL250117C00150000)"
    }
  }
}

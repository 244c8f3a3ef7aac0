/// Why a portfolio view, rebalance plan or cost-basis update cannot be made.
public enum PortfolioError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A symbol held or targeted has no price.
  case missingPrice(Symbol)
  /// A price is zero or negative.
  case nonPositivePrice(Symbol, Price)
  /// A target weight is negative or above 1.
  case weightOutOfRange(Symbol, FixedDecimal)
  /// Target weights add up to more than 1.
  case weightsExceedOne(FixedDecimal)
  /// A target quantity is negative (the planner does not open shorts).
  case negativeTargetQuantity(Symbol, Quantity)
  /// A buy or sell quantity must be positive.
  case nonPositiveQuantity(Quantity)
  /// A sale is larger than the quantity held.
  case insufficientQuantity(held: Quantity, requested: Quantity)
  /// The instrument catalog rejected a symbol.
  case instrument(InstrumentError)
  /// Amounts overflowed or mixed currencies.
  case arithmetic(AmountError)

  public var description: String {
    switch self {
    case .missingPrice(let symbol):
      return "No price for \(symbol); pass a mark for every symbol held or targeted."
    case .nonPositivePrice(let symbol, let price):
      return "The price of \(symbol) is \(price); prices must be positive."
    case .weightOutOfRange(let symbol, let weight):
      return "Target weight \(weight) for \(symbol) must be between 0 and 1."
    case .weightsExceedOne(let sum):
      return "Target weights add up to \(sum); they must total at most 1 (the rest stays in cash)."
    case .negativeTargetQuantity(let symbol, let quantity):
      return "Target quantity \(quantity) for \(symbol) is negative; the planner does not open short positions."
    case .nonPositiveQuantity(let quantity):
      return "Quantity \(quantity) must be positive."
    case .insufficientQuantity(let held, let requested):
      return "Cannot sell \(requested): only \(held) is held."
    case .instrument(let error):
      return "\(error)"
    case .arithmetic(let error):
      return "Portfolio amounts could not be computed: \(error)."
    }
  }
}

extension PortfolioError {
  /// Runs `body`, folding amount and instrument errors into `PortfolioError`.
  static func folding<T>(_ body: () throws -> T) throws(PortfolioError) -> T {
    do {
      return try body()
    } catch let error as PortfolioError {
      throw error
    } catch let error as AmountError {
      throw .arithmetic(error)
    } catch let error as InstrumentError {
      throw .instrument(error)
    } catch {
      preconditionFailure("unexpected error \(error)")
    }
  }
}

public import SlipstreamAPI
public import SlipstreamDomain
import SlipstreamRPC

extension Slipstream_Types_V1_AssetClass {
  init(_ assetClass: AssetClass) {
    switch assetClass {
    case .equity: self = .equity
    case .forex: self = .forex
    case .crypto: self = .crypto
    case .options: self = .option
    }
  }

  var domain: AssetClass? {
    switch self {
    case .equity: .equity
    case .forex: .forex
    case .crypto: .crypto
    case .option: .options
    case .unspecified, .UNRECOGNIZED: nil
    }
  }
}

extension Slipstream_Types_V1_Symbol {
  /// The wire form of a domain symbol.
  public init(_ symbol: Symbol) {
    self.init()
    ticker = symbol.value
    assetClass = .init(symbol.assetClass)
  }

  /// Parses the wire symbol; the asset class, when given, must match the ticker's shape.
  /// - Parameter field: The request field, for the error message (`symbols[3]`).
  /// - Throws: ``RPCError`` INVALID_ARGUMENT naming the field and the problem.
  public func domainSymbol(field: String) throws(RPCError) -> Symbol {
    let symbol: Symbol
    do {
      symbol = try Symbol(ticker)
    } catch {
      throw RPCError(code: .invalidArgument, message: "\(field): \(error)")
    }
    if assetClass != .unspecified, assetClass.domain != symbol.assetClass {
      let given = assetClass.domain.map { "\($0)" } ?? "unknown (\(assetClass.rawValue))"
      throw RPCError(
        code: .invalidArgument,
        message: "\(field): asset class \(given) does not match \(symbol.value), which is \(symbol.assetClass)")
    }
    return symbol
  }
}

extension Slipstream_Types_V1_Decimal {
  init(_ value: some FixedDecimalValue) {
    self.init()
    self.value = value.value.description
  }
}

extension Slipstream_Types_V1_Quote {
  /// The wire form of a cached quote.
  public init(_ quote: Quote, source: String, sequence: UInt64) {
    self.init()
    symbol = .init(quote.symbol)
    bid = .init(quote.bid)
    ask = .init(quote.ask)
    bidSize = .init(quote.bidSize)
    askSize = .init(quote.askSize)
    timestampNs = quote.eventTime.nanosecondsSinceEpoch
    receivedAtNs = quote.receiveTime.nanosecondsSinceEpoch
    self.source = source
    self.sequence = sequence
  }
}

extension SubscriptionPriority {
  init(_ priority: Slipstream_Pricing_V1_SubscriptionPriority) throws(RPCError) {
    switch priority {
    case .unspecified, .normal: self = .normal
    case .low: self = .low
    case .high: self = .high
    case .critical: self = .critical
    case .UNRECOGNIZED(let raw):
      throw RPCError(code: .invalidArgument, message: "priority: unknown value \(raw); use LOW, NORMAL, HIGH or CRITICAL")
    }
  }

  var wire: Slipstream_Pricing_V1_SubscriptionPriority {
    switch self {
    case .low: .low
    case .normal: .normal
    case .high: .high
    case .critical: .critical
    }
  }
}

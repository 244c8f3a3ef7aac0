/// Builds the ``Instrument`` of any ``Symbol`` from per-asset-class defaults and overrides.
///
/// Defaults: US equities tick by ``TickSizeRule/usEquity`` in lots of 1 share (or
/// ``fractionalShareIncrement`` when ``fractionalShares`` is on); forex ticks one pip (0.0001,
/// 0.01 for JPY-quoted pairs) divided by ``forexSubPipDivisor``, in lots of 1 unit; crypto ticks
/// per pair (``cryptoTicks``, else ``defaultCryptoTick``) in lots of ``cryptoLotSizes`` (else
/// ``defaultCryptoLotSize``); options tick by ``TickSizeRule/usOptions`` (penny-program roots by
/// ``TickSizeRule/usOptionsPennyPilot``) in whole contracts of 100. ``overrides`` wins over all.
public struct InstrumentCatalog: Sendable, Hashable {
  /// Whether the broker accepts fractional shares.
  public var fractionalShares: Bool = false
  /// Share increment when fractional shares are on.
  public var fractionalShareIncrement: Quantity = "0.000000001"
  /// 1 quotes whole pips, 10 tenths of a pip (0.00001), and so on.
  public var forexSubPipDivisor: Int = 1
  /// Tick per crypto pair, by canonical symbol (`BTC/USD`).
  public var cryptoTicks: [String: Price] = ["BTC/USD": "0.01", "ETH/USD": "0.01", "SOL/USD": "0.01"]
  public var defaultCryptoTick: Price = "0.01"
  /// Quantity increment per crypto pair.
  public var cryptoLotSizes: [String: Quantity] = [:]
  /// One satoshi.
  public var defaultCryptoLotSize: Quantity = "0.00000001"
  /// Option roots in the penny program.
  public var pennyPilotRoots: Set<String> = []
  /// Complete instruments that replace the defaults for their symbol.
  public var overrides: [Symbol: Instrument] = [:]

  public init() {}

  /// The defaults with no overrides.
  public static let defaults = InstrumentCatalog()

  /// The instrument of `symbol`.
  /// - Throws: ``InstrumentError`` if a configured tick or lot is not positive or the sub-pip
  ///   divisor does not divide a pip exactly.
  public func instrument(for symbol: Symbol) throws(InstrumentError) -> Instrument {
    if let instrument = overrides[symbol] { return instrument }
    switch symbol.assetClass {
    case .equity:
      let lot: Quantity = fractionalShares ? fractionalShareIncrement : 1
      return try Instrument(symbol: symbol, tickSizeRule: .usEquity, lotSize: lot, minimumQuantity: lot)
    case .forex:
      let pip: Price = symbol.quoteAsset == "JPY" ? "0.01" : "0.0001"
      guard forexSubPipDivisor > 0 else { throw .invalidTickSizeRule(.invalidSubPipDivisor(forexSubPipDivisor)) }
      let tick: Price
      do {
        tick = Price(value: try pip.value.divided(by: FixedDecimal(integerLiteral: forexSubPipDivisor)))
      } catch {
        throw .invalidTickSizeRule(.invalidSubPipDivisor(forexSubPipDivisor))
      }
      return try Instrument(
        symbol: symbol, tickSizeRule: .fixed(tick), lotSize: 1, minimumQuantity: 1,
        quoteCurrency: currency(symbol.quoteAsset))
    case .crypto:
      let lot = cryptoLotSizes[symbol.value] ?? defaultCryptoLotSize
      return try Instrument(
        symbol: symbol, tickSizeRule: .fixed(cryptoTicks[symbol.value] ?? defaultCryptoTick),
        lotSize: lot, minimumQuantity: lot, quoteCurrency: currency(symbol.quoteAsset))
    case .options:
      let penny = symbol.option.map { pennyPilotRoots.contains($0.root) } ?? false
      return try Instrument(
        symbol: symbol, tickSizeRule: penny ? .usOptionsPennyPilot : .usOptions, lotSize: 1,
        minimumQuantity: 1, contractMultiplier: 100)
    }
  }

  private func currency(_ code: String?) -> Currency {
    // Pair legs come from the known-asset lists, which are all valid codes.
    (try? Currency(code ?? "USD")) ?? .usd
  }
}

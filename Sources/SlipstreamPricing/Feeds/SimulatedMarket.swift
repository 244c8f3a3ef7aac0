import Foundation
public import SlipstreamDomain

/// A seeded, reproducible market: quotes per symbol that move, widen and refill like real
/// ones, in exact fixed point.
///
/// Each symbol evolves on its own from a generator seeded by (seed, symbol), so the n-th quote
/// of a symbol is the same in every run with the same seed, whatever other symbols do. Prices
/// live on a tick grid (integer ticks; no floating point reaches a price): the mid follows a
/// random walk, the spread sits in a normal band for the asset class and now and then widens
/// for a while (a spread regime), so the router's cost gate (equity 0.10 %, forex 0.05 %,
/// crypto 0.20 %, options 0.50 %) sees mostly tradable quotes and occasional wide ones.
public struct SimulatedMarket: Sendable {
  /// How one asset class behaves. Spreads and volatility are in basis points of the mid.
  public struct Profile: Sendable, Hashable {
    /// Normal spread band.
    public var normalSpreadBasisPoints: ClosedRange<Double>
    /// Spread band while widened.
    public var widenedSpreadBasisPoints: ClosedRange<Double>
    /// Chance per quote that a widening starts.
    public var wideningProbability: Double
    /// How many quotes a widening lasts.
    public var wideningLength: ClosedRange<Int>
    /// Standard deviation of the mid's move per quote.
    public var volatilityBasisPoints: Double
    /// Size at each touch, in lots.
    public var lotsPerTouch: ClosedRange<Int>
    /// Units per lot (100 shares, 1 contract, 100,000 currency units, 0.01 coin).
    public var lotSize: Quantity

    public init(
      normalSpreadBasisPoints: ClosedRange<Double>,
      widenedSpreadBasisPoints: ClosedRange<Double>,
      wideningProbability: Double,
      wideningLength: ClosedRange<Int>,
      volatilityBasisPoints: Double,
      lotsPerTouch: ClosedRange<Int>,
      lotSize: Quantity
    ) {
      self.normalSpreadBasisPoints = normalSpreadBasisPoints
      self.widenedSpreadBasisPoints = widenedSpreadBasisPoints
      self.wideningProbability = wideningProbability
      self.wideningLength = wideningLength
      self.volatilityBasisPoints = volatilityBasisPoints
      self.lotsPerTouch = lotsPerTouch
      self.lotSize = lotSize
    }

    /// Defaults per asset class, normal bands below the router's default gates and widened
    /// bands above them.
    public static func defaults(for assetClass: AssetClass) -> Profile {
      switch assetClass {
      case .equity:
        Profile(normalSpreadBasisPoints: 1...6, widenedSpreadBasisPoints: 12...40, wideningProbability: 0.01,
                wideningLength: 5...40, volatilityBasisPoints: 2, lotsPerTouch: 1...20, lotSize: 100)
      case .forex:
        Profile(normalSpreadBasisPoints: 0.5...2, widenedSpreadBasisPoints: 6...15, wideningProbability: 0.01,
                wideningLength: 5...40, volatilityBasisPoints: 0.5, lotsPerTouch: 1...50, lotSize: 100_000)
      case .crypto:
        Profile(normalSpreadBasisPoints: 2...10, widenedSpreadBasisPoints: 25...60, wideningProbability: 0.01,
                wideningLength: 5...40, volatilityBasisPoints: 5, lotsPerTouch: 1...500, lotSize: "0.01")
      case .options:
        Profile(normalSpreadBasisPoints: 10...40, widenedSpreadBasisPoints: 60...200, wideningProbability: 0.01,
                wideningLength: 5...40, volatilityBasisPoints: 10, lotsPerTouch: 1...50, lotSize: 1)
      }
    }
  }

  /// One symbol's evolving state.
  struct SymbolState: Sendable {
    var generator: SplitMix64
    let tick: Price
    var midTicks: Int64
    var wideningLeft: Int
  }

  public let seed: UInt64
  public var profiles: [AssetClass: Profile]
  var symbols: [Symbol: SymbolState] = [:]

  /// Creates a market.
  /// - Parameter seed: The same seed gives the same quotes.
  public init(seed: UInt64, profiles: [AssetClass: Profile] = [:]) {
    self.seed = seed
    self.profiles = profiles
  }

  /// The next quote of `symbol`.
  /// - Parameters:
  ///   - eventTime: The quote's market time.
  ///   - receiveTime: When the platform "received" it.
  public mutating func nextQuote(for symbol: Symbol, eventTime: Timestamp, receiveTime: Timestamp) -> Quote {
    let profile = profiles[symbol.assetClass] ?? .defaults(for: symbol.assetClass)
    var state = symbols[symbol] ?? Self.initialState(for: symbol, seed: seed)
    // Mid: a Gaussian step in ticks, never below 10 ticks.
    let midPrice = Double(state.midTicks)
    let sigmaTicks = midPrice * profile.volatilityBasisPoints / 10_000
    let move = (state.generator.nextGaussian() * sigmaTicks).rounded()
    state.midTicks = max(10, state.midTicks + Int64(move))
    // Spread regime.
    if state.wideningLeft > 0 {
      state.wideningLeft -= 1
    } else if state.generator.nextUnit() < profile.wideningProbability {
      state.wideningLeft = state.generator.next(in: profile.wideningLength)
    }
    let band = state.wideningLeft > 0 ? profile.widenedSpreadBasisPoints : profile.normalSpreadBasisPoints
    let spreadBasisPoints = band.lowerBound + state.generator.nextUnit() * (band.upperBound - band.lowerBound)
    let spreadTicks = max(1, Int64((Double(state.midTicks) * spreadBasisPoints / 10_000).rounded()))
    let bidTicks = max(1, state.midTicks - spreadTicks / 2)
    let askTicks = bidTicks + spreadTicks
    let bidLots = state.generator.next(in: profile.lotsPerTouch)
    let askLots = state.generator.next(in: profile.lotsPerTouch)
    symbols[symbol] = state
    return Quote(
      symbol: symbol,
      bid: Price(value: FixedDecimal(rawValue: Int128(bidTicks) * state.tick.value.rawValue)),
      ask: Price(value: FixedDecimal(rawValue: Int128(askTicks) * state.tick.value.rawValue)),
      bidSize: Quantity(value: FixedDecimal(rawValue: Int128(bidLots) * profile.lotSize.value.rawValue)),
      askSize: Quantity(value: FixedDecimal(rawValue: Int128(askLots) * profile.lotSize.value.rawValue)),
      eventTime: eventTime,
      receiveTime: receiveTime
    )
  }

  /// A starting price that looks like the asset class, fixed by the symbol and seed.
  static func initialState(for symbol: Symbol, seed: UInt64) -> SymbolState {
    var generator = SplitMix64(seed: seed ^ StableHash.fnv1a64(symbol.value))
    let tick: Price
    let start: Double
    switch symbol.assetClass {
    case .equity:
      tick = "0.01"
      start = 20 + generator.nextUnit() * 480
    case .forex:
      let yen = symbol.quoteAsset == "JPY"
      tick = yen ? "0.001" : "0.00001"
      start = yen ? 100 + generator.nextUnit() * 60 : 0.6 + generator.nextUnit()
    case .crypto:
      switch symbol.baseAsset {
      case "BTC":
        tick = "0.01"
        start = 30_000 + generator.nextUnit() * 40_000
      case "ETH":
        tick = "0.01"
        start = 1_500 + generator.nextUnit() * 2_500
      default:
        tick = "0.0001"
        start = 0.1 + generator.nextUnit() * 100
      }
    case .options:
      tick = "0.01"
      start = 8 + generator.nextUnit() * 32
    }
    let tickValue = Double(tick.value.rawValue) / Double(FixedDecimal.rawUnitsPerOne)
    return SymbolState(generator: generator, tick: tick, midTicks: max(10, Int64((start / tickValue).rounded())), wideningLeft: 0)
  }
}

/// SplitMix64: a small, fast, seedable generator (simulation only; never for secrets).
struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1).
  mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  /// Uniform in `range`.
  mutating func next(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
  }

  /// Standard normal (Box–Muller).
  mutating func nextGaussian() -> Double {
    let u1 = max(nextUnit(), .leastNonzeroMagnitude)
    let u2 = nextUnit()
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }
}

/// Hashes that are the same in every process (Swift's `Hasher` is seeded per process).
enum StableHash {
  /// 64-bit FNV-1a of the UTF-8 bytes.
  static func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01B3
    }
    return hash
  }

  /// A strong 64-bit mix (the SplitMix64 finalizer), to spread FNV's output.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

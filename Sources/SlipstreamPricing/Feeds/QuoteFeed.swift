public import SlipstreamDomain

/// Whether a feed can quote a symbol.
public enum FeedSymbolSupport: Sendable, Hashable {
  case supported
  /// The feed knows the asset class but not this symbol.
  case unknownSymbol
  /// The feed does not serve the symbol's asset class.
  case unsupportedAssetClass
}

/// An upstream source of quotes: the simulated market, a CSV replay, a broker's stream.
///
/// The service tells the feed which symbols it wants through `symbols` (each element is the
/// complete wanted set, newest last) and the feed hands every quote to `deliver`. `run`
/// returns or throws when the feed ends, and stops when its task is cancelled.
public protocol QuoteFeed: Sendable {
  /// A short name for logs, errors and quotes' `source` (`simulated`, `csv-replay`, `alpaca`).
  var name: String { get }
  /// Whether the feed can quote `symbol`.
  func support(for symbol: Symbol) -> FeedSymbolSupport
  /// Runs the feed until cancelled or ended.
  func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws
}

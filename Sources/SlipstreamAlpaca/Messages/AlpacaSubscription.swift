/// The session's whole subscription as the server confirmed it (`{"T":"subscription",…}`).
public struct AlpacaSubscription: Sendable, Hashable {
  /// Symbols whose quotes are streamed, as the server listed them.
  public var quotes: [String]
  /// Symbols whose trades are streamed (this adapter subscribes to none itself).
  public var trades: [String]
  /// Symbols whose minute bars are streamed (this adapter subscribes to none itself).
  public var bars: [String]

  public init(quotes: [String] = [], trades: [String] = [], bars: [String] = []) {
    self.quotes = quotes
    self.trades = trades
    self.bars = bars
  }
}

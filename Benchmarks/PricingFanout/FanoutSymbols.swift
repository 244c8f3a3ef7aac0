import SlipstreamDomain

/// The equities the benchmark quotes (30: the upstream cap of Alpaca's free stream).
enum FanoutSymbols {
  static let tickers = [
    "AAPL", "MSFT", "AMZN", "GOOG", "META", "NVDA", "TSLA", "JPM", "V", "JNJ",
    "WMT", "PG", "MA", "HD", "XOM", "CVX", "KO", "PEP", "ABBV", "MRK",
    "AVGO", "COST", "ADBE", "CRM", "NFLX", "INTC", "CSCO", "ORCL", "AMD", "QCOM",
  ]
  static let all: [Symbol] = tickers.map { try! Symbol($0) }

  /// The first `count` symbols.
  static func first(_ count: Int) -> [Symbol] { Array(all.prefix(count)) }
}

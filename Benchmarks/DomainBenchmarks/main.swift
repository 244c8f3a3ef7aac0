// DomainBenchmarks: prints what hot domain decisions cost (a program, not a test).
//
//   swift build -c release --product DomainBenchmarks && .build/release/DomainBenchmarks
//
// Each row runs the operation many times on fixed inputs and reports the mean wall time per
// operation measured with ContinuousClock. Results are folded into a checksum so the optimizer
// cannot drop the work.

import SlipstreamDomain

func symbol(_ text: String) -> Symbol {
  do { return try Symbol(text) } catch { fatalError("\(error)") }
}

func broker(_ name: String) -> BrokerID {
  do { return try BrokerID(name) } catch { fatalError("\(error)") }
}

func latency(_ microseconds: Int64) -> LatencyEWMA {
  do { return try LatencyEWMA(microseconds: microseconds) } catch { fatalError("\(error)") }
}

struct Row {
  var name: String
  var iterations: Int
  var meanNanosecondsPerOp: Double
  var bestBatchNanosecondsPerOp: Double
  var target: String
}

/// Runs `body` `iterations` times (after a warm-up) in 200 equal batches timed with ContinuousClock.
/// Returns the mean ns per operation over all batches and the ns per operation of the fastest batch
/// (on a shared machine the fastest batch is the one least disturbed by other processes).
func measure(_ iterations: Int, _ body: () -> Int) -> (mean: Double, best: Double, checksum: Int) {
  var checksum = 0
  for _ in 0..<min(iterations, 1_000) { checksum &+= body() }
  let clock = ContinuousClock()
  let batches = 200
  let perBatch = max(1, iterations / batches)
  var total = 0.0
  var best = Double.infinity
  for _ in 0..<batches {
    let start = clock.now
    for _ in 0..<perBatch { checksum &+= body() }
    let (seconds, attoseconds) = (clock.now - start).components
    let nanos = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    total += nanos
    best = min(best, nanos / Double(perBatch))
  }
  return (total / Double(batches * perBatch), best, checksum)
}

let now = Timestamp(nanosecondsSinceEpoch: 1_750_000_000_000_000_000)
let aapl = symbol("AAPL")
let quote = Quote(
  symbol: aapl, bid: "199.98", ask: "200.02", bidSize: 500, askSize: 700, eventTime: now, receiveTime: now)
let gate = CostGate()
let router = BrokerRouter()
let brokers: [BrokerProfile] = [
  BrokerProfile(
    id: .alpaca, supportedAssetClasses: [.equity, .crypto], supportsFractional: true,
    fees: FeeSchedule(), latency: latency(1_800), fillQuality: "0.82"),
  BrokerProfile(
    id: .schwab, supportedAssetClasses: [.equity, .options],
    fees: FeeSchedule(perOrder: Money(amount: "0.65")), latency: latency(2_500), fillQuality: "0.9"),
  BrokerProfile(
    id: .interactiveBrokers, supportedAssetClasses: [.equity, .options, .forex],
    fees: FeeSchedule(perShare: Money(amount: "0.005"), perOrder: Money(amount: 1)), latency: latency(900),
    fillQuality: "0.93"),
  BrokerProfile(
    id: .robinhood, supportedAssetClasses: [.equity, .crypto, .options], supportsFractional: true,
    fees: FeeSchedule(), latency: latency(4_000), fillQuality: "0.7"),
  BrokerProfile(
    id: .coinbase, supportedAssetClasses: [.crypto], fees: FeeSchedule(basisPoints: 40), latency: latency(3_000),
    fillQuality: "0.8"),
]
let quantity: Quantity = 150

var rows: [Row] = []
var checksum = 0

// 1. Cost gate + broker scoring: the router's per-intent decision.
do {
  let (ns, bestNs, sum) = measure(200_000) {
    do {
      guard case .execute = try gate.evaluate(quote, side: .buy, quantity: quantity) else { return 0 }
      let request = RoutingRequest(symbol: aapl, side: .buy, quantity: quantity, referencePrice: try quote.mid())
      return try router.route(request, among: brokers).failoverChain.count
    } catch {
      fatalError("\(error)")
    }
  }
  rows.append(Row(name: "cost gate + scoring decision (5 brokers)", iterations: 200_000, meanNanosecondsPerOp: ns, bestBatchNanosecondsPerOp: bestNs, target: "≤ 2000"))
  checksum &+= sum
}

// 2. Cost gate alone.
do {
  let (ns, bestNs, sum) = measure(500_000) {
    (try? gate.evaluate(quote, side: .buy, quantity: quantity)) == .execute ? 1 : 0
  }
  rows.append(Row(name: "cost gate alone", iterations: 500_000, meanNanosecondsPerOp: ns, bestBatchNanosecondsPerOp: bestNs, target: "-"))
  checksum &+= sum
}

// 3. Pre-trade risk check, all limits on.
do {
  let check = PreTradeRiskCheck(
    limits: RiskLimits(
      maxOrderQuantity: 1_000, maxOrderNotional: Money(amount: 100_000), maxPositionPerSymbol: 5_000,
      dailyLossLimit: Money(amount: 5_000), priceCollar: "0.05"))
  let context = RiskContext(now: now, position: 200, dailyPnL: Money(amount: -120), quote: quote)
  let order = RiskOrder(symbol: aapl, side: .buy, quantity: quantity, limitPrice: "200.01")
  let (ns, bestNs, sum) = measure(200_000) { check.evaluate(order, in: context).count }
  rows.append(Row(name: "pre-trade risk check (all limits)", iterations: 200_000, meanNanosecondsPerOp: ns, bestBatchNanosecondsPerOp: bestNs, target: "-"))
  checksum &+= sum
}

// 4. 30-symbol rebalance plan.
do {
  let tickers = [
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "BRK.B", "JPM", "V", "UNH", "XOM", "JNJ", "PG", "MA",
    "HD", "CVX", "ABBV", "MRK", "PEP", "KO", "AVGO", "COST", "WMT", "MCD", "CSCO", "ACN", "TMO", "ABT", "CRM",
  ].map(symbol)
  var holdings: [Symbol: Quantity] = [:]
  var prices: [Symbol: Price] = [:]
  var weights: [Symbol: FixedDecimal] = [:]
  for (index, ticker) in tickers.enumerated() {
    prices[ticker] = Price(value: FixedDecimal(integerLiteral: 40 + index * 17))
    if index % 3 != 0 { holdings[ticker] = Quantity(value: FixedDecimal(integerLiteral: 10 + index * 3)) }
    weights[ticker] = "0.032"  // 30 × 3.2 % = 96 %
  }
  let planner = RebalancePlanner()
  let (ns, bestNs, sum) = measure(5_000) {
    do {
      let plan = try planner.plan(
        target: .weights(weights), holdings: holdings, prices: prices, cash: Money(amount: 25_000))
      return plan.legs.count
    } catch {
      fatalError("\(error)")
    }
  }
  rows.append(Row(name: "rebalance plan, 30 symbols", iterations: 5_000, meanNanosecondsPerOp: ns, bestBatchNanosecondsPerOp: bestNs, target: "-"))
  checksum &+= sum
}

// 5. Market calendar: time until safe execution from a Saturday (crosses a weekend).
do {
  let saturday = Timestamp(nanosecondsSinceEpoch: 1_741_431_600_000_000_000)  // 2025-03-08 11:00 UTC
  let hours = MarketHours()
  let (ns, bestNs, sum) = measure(200_000) {
    do {
      return Int(try hours.timeUntilSafeExecution(for: .equity, from: saturday).components.seconds)
    } catch {
      fatalError("\(error)")
    }
  }
  rows.append(Row(name: "time until safe execution (weekend)", iterations: 200_000, meanNanosecondsPerOp: ns, bestBatchNanosecondsPerOp: bestNs, target: "-"))
  checksum &+= sum
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
  let padding = String(repeating: " ", count: max(0, width - text.count))
  return right ? padding + text : text + padding
}

func format(_ value: Double) -> String {
  let tenths = Int(value * 10 + 0.5)
  return "\(tenths / 10).\(tenths % 10)"
}

print(
  pad("operation", 42) + pad("iterations", 11, right: true) + pad("mean ns/op", 12, right: true)
    + pad("best batch", 12, right: true) + pad("target", 9, right: true))
print(String(repeating: "-", count: 86))
for row in rows {
  print(
    pad(row.name, 42) + pad("\(row.iterations)", 11, right: true)
      + pad(format(row.meanNanosecondsPerOp), 12, right: true)
      + pad(format(row.bestBatchNanosecondsPerOp), 12, right: true) + pad(row.target, 9, right: true))
}
print("checksum \(checksum)")

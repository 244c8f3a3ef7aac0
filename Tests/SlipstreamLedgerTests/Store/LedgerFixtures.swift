import Foundation
import SlipstreamDomain
import Synchronization
@testable import SlipstreamLedger

/// Builders and helpers shared by the ledger tests.
enum LedgerFixtures {
  static let baseTime: Int64 = 1_700_000_000_000_000_000

  static func trade(
    _ id: String = "tr-1",
    tenant: String = "tenant-a",
    user: String = "u-1",
    strategy: String = "",
    symbol: String = "AAPL",
    side: OrderSide = .buy,
    quantity: String = "10",
    price: String = "187.23",
    fees: String = "1.5",
    executedAt: Int64 = baseTime,
    execution: String = ""
  ) -> LedgerTrade {
    LedgerTrade(
      tradeID: id, tenantID: tenant, userID: user, strategyID: strategy, broker: "alpaca",
      brokerExecutionID: execution, orderID: "order-1", symbol: try! Symbol(symbol), side: side,
      quantity: try! Quantity(quantity), price: try! Price(price), fees: try! FixedDecimal(fees),
      executedAt: Timestamp(nanosecondsSinceEpoch: executedAt)
    )
  }

  static func decision(_ id: String, tenant: String = "tenant-a", reason: String = "rule r-7 prefers alpaca") -> RouteDecisionRecord {
    RouteDecisionRecord(
      decisionID: id, tenantID: tenant, userID: "u-1", symbol: "AAPL", outcome: .execute, broker: "alpaca",
      scores: [.init(broker: "alpaca", cost: "0.9", speed: "0.8", fill: "0.95", total: "0.88")],
      spreadPercent: "0.04", thresholdPercent: "0.10", reason: reason, estimatedFees: "0.35",
      failoverChain: ["ibkr"], decidedAt: Timestamp(nanosecondsSinceEpoch: baseTime)
    )
  }

  static func connection(tenant: String = "tenant-a", state: BrokerConnectionRecord.State = .connected) -> BrokerConnectionRecord {
    BrokerConnectionRecord(
      tenantID: tenant, broker: "alpaca", state: state, assetClasses: [.equity, .crypto],
      feeSchedule: ["equity.commission": "0", "crypto.taker": "0.0025"], priority: 1,
      lastSync: Timestamp(nanosecondsSinceEpoch: baseTime)
    )
  }

  /// A clock that advances by one microsecond per reading.
  static func steppingClock() -> @Sendable () -> Timestamp {
    let ticks = Mutex<Int64>(0)
    return {
      let tick = ticks.withLock { value -> Int64 in
        value += 1
        return value
      }
      return Timestamp(nanosecondsSinceEpoch: baseTime + 1_000_000_000 + tick * 1_000)
    }
  }

  /// A fresh temporary directory for one test.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-ledger-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

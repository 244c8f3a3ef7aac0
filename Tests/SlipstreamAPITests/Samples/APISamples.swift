import Foundation
import SlipstreamAPI
import SlipstreamInterop
import SwiftProtobuf
import Testing

/// One sample message of the wire-compatibility table.
struct APISample: Sendable, CustomTestStringConvertible {
  /// The full protobuf message name, plus `#variant` when a type has several samples.
  let name: String
  /// The message, built field by field in Swift.
  let message: any SwiftProtobuf.Message

  var testDescription: String { self.name }
}

/// The sample of every request, response and event of proto-spec/, built in Swift.
///
/// `Tests/SlipstreamAPITests/python/compat.py` builds the same table in Python; the two must
/// stay identical value for value and in the same order (the Python side checks that the table
/// covers every method and sets every field).
enum APISamples {
  static let t0: Int64 = 1_763_712_000_123_456_789

  static func d(_ value: String) -> Slipstream_Types_V1_Decimal {
    .with { $0.value = value }
  }

  static let identity = Slipstream_Types_V1_RequestIdentity.with {
    $0.tenantID = "tenant-äöü-1"
    $0.userID = "user-42"
    $0.strategyID = "momentum-β"
  }
  static let aapl = symbol("AAPL", .equity)
  static let btc = symbol("BTC/USD", .crypto)
  static let eurusd = symbol("EUR/USD", .forex)
  static let option = symbol("AAPL  250117C00150000", .option)

  private static func symbol(_ ticker: String, _ assetClass: Slipstream_Types_V1_AssetClass) -> Slipstream_Types_V1_Symbol {
    .with {
      $0.ticker = ticker
      $0.assetClass = assetClass
    }
  }

  static func envelope(_ source: String) -> Slipstream_Types_V1_EventEnvelope {
    .with {
      $0.eventID = "evt-1"
      $0.correlationID = "corr-7f3a"
      $0.causationID = "cause-0"
      $0.sourceModule = source
      $0.emittedAtNs = t0 + 9
    }
  }

  static let quote = Slipstream_Types_V1_Quote.with {
    $0.symbol = aapl
    $0.bid = d("187.23")
    $0.ask = d("187.25")
    $0.bidSize = d("300")
    $0.askSize = d("1200.5")
    $0.last = d("187.24")
    $0.timestampNs = t0
    $0.source = "simulated-模拟"
    $0.receivedAtNs = t0 + 40
    $0.sequence = .max
  }
  static let btcQuote = Slipstream_Types_V1_Quote.with {
    $0.symbol = btc
    $0.bid = d("64000.01")
    $0.ask = d("64010.99")
    $0.bidSize = d("0.25")
    $0.askSize = d("1.125")
    $0.last = d("64005")
    $0.timestampNs = t0 + 1
    $0.source = "coinbase"
    $0.receivedAtNs = t0 + 41
    $0.sequence = 7
  }
  static let intent = Slipstream_Types_V1_OrderIntent.with {
    $0.intentID = "intent-1"
    $0.symbol = aapl
    $0.side = .buy
    $0.quantity = d("10.5")
    $0.orderType = .smartLimit
    $0.limitPrice = d("187.30")
    $0.timeInForce = .day
    $0.fractional = true
    $0.preferredBroker = "alpaca"
  }
  static let sellIntent = Slipstream_Types_V1_OrderIntent.with {
    $0.intentID = "intent-2"
    $0.symbol = btc
    $0.side = .sell
    $0.quantity = d("0.75")
    $0.orderType = .limit
    $0.limitPrice = d("64000")
    $0.timeInForce = .gtc
    $0.fractional = true
    $0.preferredBroker = "coinbase"
  }

  static func score(_ broker: String) -> Slipstream_Router_V1_BrokerScore {
    .with {
      $0.broker = broker
      $0.cost = d("0.9")
      $0.speed = d("0.8")
      $0.fill = d("0.75")
      $0.total = d("0.8250")
    }
  }

  static let weights = Slipstream_Router_V1_ScoringWeights.with {
    $0.cost = d("0.40")
    $0.speed = d("0.30")
    $0.fill = d("0.30")
  }
  static let decision = Slipstream_Router_V1_RouteDecision.with {
    $0.decisionID = "dec-1"
    $0.intent = intent
    $0.decision = .execute
    $0.broker = "alpaca"
    $0.scores = [score("alpaca"), score("schwab")]
    $0.weights = weights
    $0.spreadPct = d("0.0107")
    $0.thresholdPct = d("0.10")
    $0.reason = "spread 0.0107% ≤ 0.10%; rule r-7 prefers alpaca"
    $0.estimatedSlippage = d("0.105")
    $0.estimatedFees = d("0.01")
    $0.failoverChain = ["schwab", "paper"]
    $0.exclusions = [
      .with {
        $0.broker = "coinbase"
        $0.reason = .assetClassUnsupported
        $0.detail = "no equities"
      }
    ]
    $0.matchedRuleID = "r-7"
    $0.quote = quote
    $0.identity = identity
    $0.correlationID = "corr-7f3a"
    $0.decidedAtNs = t0 + 1
  }
  static let downgrade: Slipstream_Router_V1_RouteDecision = {
    var downgraded = Self.decision
    downgraded.decisionID = "dec-2"
    downgraded.intent = sellIntent
    downgraded.decision = .downgrade
    downgraded.spreadPct = d("0.0171")
    downgraded.thresholdPct = d("0.005")
    downgraded.reason = "spread too wide: WAIT"
    downgraded.quote = btcQuote
    return downgraded
  }()
  static let ruleMatch = Slipstream_Router_V1_RuleMatch.with {
    $0.assetClass = .equity
    $0.tickers = ["AAPL", "MSFT"]
    $0.side = .buy
    $0.fractional = false
    $0.minNotional = d("100")
    $0.maxNotional = d("50000.00")
  }

  static func rule(_ action: Slipstream_Router_V1_RoutingRule.OneOf_Action) -> Slipstream_Router_V1_RoutingRule {
    .with {
      $0.ruleID = "r-7"
      $0.name = "Prefer Alpaca für US-Aktien"
      $0.priority = 10
      $0.match = ruleMatch
      $0.action = action
      $0.createdBy = identity
      $0.createdAtNs = t0
    }
  }

  static let fill = Slipstream_Broker_V1_Fill.with {
    $0.brokerExecutionID = "exec-α-1"
    $0.quantity = d("4.5")
    $0.price = d("187.24")
    $0.fee = d("0.0123")
    $0.executedAtNs = t0 + 2
  }
  static let order = Slipstream_Broker_V1_Order.with {
    $0.orderID = "ord-1"
    $0.clientOrderID = "cli-1"
    $0.broker = "alpaca"
    $0.brokerOrderID = "b-9f"
    $0.identity = identity
    $0.symbol = aapl
    $0.side = .buy
    $0.orderType = .smartLimit
    $0.timeInForce = .day
    $0.quantity = d("10.5")
    $0.filledQuantity = d("4.5")
    $0.averageFillPrice = d("187.24")
    $0.limitPrice = d("187.24")
    $0.status = .partiallyFilled
    $0.repegCount = 2
    $0.rejectReason = "n/a"
    $0.fills = [fill]
    $0.routeDecisionID = "dec-1"
    $0.createdAtNs = t0
    $0.updatedAtNs = t0 + 3
  }
  static let smartLimit = Slipstream_Broker_V1_SmartLimitExecution.with {
    $0.tickSize = d("0.01")
    $0.maxSpreadPct = d("0.10")
    $0.minTouchSize = d("100")
    $0.maxRepegs = 3
    $0.repegIntervalNs = 2_000_000_000
    $0.priceLimit = d("187.50")
    $0.escalation = .crossSpread
  }

  static func submit(
    _ execution: Slipstream_Broker_V1_SubmitOrderRequest.OneOf_Execution
  ) -> Slipstream_Broker_V1_SubmitOrderRequest {
    .with {
      $0.identity = identity
      $0.clientOrderID = "cli-1"
      $0.broker = "alpaca"
      $0.symbol = aapl
      $0.side = .buy
      $0.quantity = d("10.5")
      $0.timeInForce = .day
      $0.execution = execution
      $0.failoverChain = ["schwab", "paper"]
      $0.routeDecisionID = "dec-1"
      $0.correlationID = "corr-7f3a"
    }
  }

  static let account = Slipstream_Broker_V1_Account.with {
    $0.broker = "alpaca"
    $0.accountID = "PA-001"
    $0.currency = "USD"
    $0.cash = d("25000.00")
    $0.buyingPower = d("50000.00")
    $0.equity = d("31234.56")
    $0.tradingBlocked = true
    $0.asOfNs = t0
  }
  static let position = Slipstream_Broker_V1_Position.with {
    $0.broker = "alpaca"
    $0.symbol = aapl
    $0.quantity = d("-3")
    $0.averageEntryPrice = d("180.10")
    $0.marketValue = d("-561.72")
    $0.unrealizedPnl = d("-21.42")
  }
  static let trade = Slipstream_Ledger_V1_Trade.with {
    $0.tradeID = "trade-1"
    $0.owner = identity
    $0.broker = "alpaca"
    $0.brokerExecutionID = "exec-α-1"
    $0.orderID = "ord-1"
    $0.clientOrderID = "cli-1"
    $0.symbol = aapl
    $0.side = .buy
    $0.quantity = d("4.5")
    $0.price = d("187.24")
    $0.fees = d("0.0123")
    $0.currency = "USD"
    $0.executedAtNs = t0 + 2
    $0.recordedAtNs = t0 + 4
    $0.routeDecisionID = "dec-1"
    $0.correlationID = "corr-7f3a"
  }
  static let tradeQuery = Slipstream_Ledger_V1_TradeQuery.with {
    $0.executed = range(t0, t0 + 86_400_000_000_000)
    $0.symbols = [aapl, btc]
    $0.strategyIds = ["momentum-β", "mean-rev"]
    $0.pageSize = 100
    $0.pageToken = "cursor-2"
  }

  private static func range(_ start: Int64, _ end: Int64) -> Slipstream_Types_V1_TimeRange {
    .with {
      $0.startNs = start
      $0.endNs = end
    }
  }

  static let leg = Slipstream_Orchestrator_V1_PlanLeg.with {
    $0.legID = "leg-1"
    $0.intent = intent
  }
  static let legUpdated = Slipstream_Orchestrator_V1_LegUpdated.with {
    $0.legID = "leg-1"
    $0.state = .partiallyFilled
    $0.orderID = "ord-1"
    $0.routeDecisionID = "dec-1"
    $0.filledQuantity = d("4.5")
    $0.averageFillPrice = d("187.24")
    $0.detail = "filled 4.5 of 10.5"
  }
  static let settlement = Slipstream_Orchestrator_V1_SettlementProgress.with {
    $0.settledLegs = 2
    $0.totalLegs = 3
    $0.releasedBuyingPower = d("12345.67")
    $0.timedOut = true
  }
  static let planStatus = Slipstream_Orchestrator_V1_PlanStatus.with {
    $0.planID = "plan-1"
    $0.phase = .settling
    $0.mode = .semiAuto
    $0.legs = [
      .with {
        $0.leg = leg
        $0.latest = legUpdated
      }
    ]
    $0.settlement = settlement
    $0.correlationID = "corr-7f3a"
    $0.startedAtNs = t0
    $0.updatedAtNs = t0 + 5
  }

  static func executionEvent(
    _ sequence: UInt64,
    _ event: Slipstream_Orchestrator_V1_ExecutionEvent.OneOf_Event
  ) -> Slipstream_Orchestrator_V1_ExecutionEvent {
    .with {
      $0.envelope = envelope("orchestrator")
      $0.planID = "plan-1"
      $0.sequence = sequence
      $0.event = event
    }
  }

  static let payload = Grpc_Testing_Payload.with {
    $0.type = .compressable
    $0.body = Data([0x00, 0x01, 0xFE, 0xFF] + Array("slipstream".utf8))
  }
  static let orca = Grpc_Testing_TestOrcaReport.with {
    $0.cpuUtilization = 0.25
    $0.memoryUtilization = 0.5
    $0.requestCost = ["db": 1.5, "cache": 0.125]
    $0.utilization = ["gpu": 0.75]
  }
  static let echo = Grpc_Testing_EchoStatus.with {
    $0.code = 2
    $0.message = "échec attendu"
  }
  static let yes = Grpc_Testing_BoolValue.with { $0.value = true }
}

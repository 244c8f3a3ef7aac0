import Foundation
import SlipstreamAPI
import SlipstreamInterop
import SwiftProtobuf

extension APISamples {
  /// Every sample, in the order of `samples()` in compat.py.
  static let all: [APISample] = pricing + router + broker + ledger + orchestrator + health + interop

  private static func sample(_ message: any SwiftProtobuf.Message, _ variant: String? = nil) -> APISample {
    let name = type(of: message).protoMessageName
    return APISample(name: variant.map { "\(name)#\($0)" } ?? name, message: message)
  }

  static let pricing: [APISample] = [
    sample(Slipstream_Pricing_V1_SubscribeBulkRequest.with {
      $0.identity = identity
      $0.clientID = "strategy-7"
      $0.symbols = [aapl, btc, eurusd, option]
      $0.priority = .high
    }),
    sample(Slipstream_Pricing_V1_SubscribeBulkResponse.with {
      $0.capacity = 30
      $0.used = 30
      $0.results = [
        .with {
          $0.symbol = aapl
          $0.outcome = .acceptedEvicted
          $0.evictedSymbol = eurusd
          $0.evictedClientID = "scanner-2"
          $0.refusalReason = .capacityExhausted
          $0.detail = "30 of 30 slots held; evicted LOW"
        }
      ]
    }),
    sample(Slipstream_Pricing_V1_UnsubscribeRequest.with {
      $0.identity = identity
      $0.clientID = "strategy-7"
      $0.symbols = [aapl, option]
    }),
    sample(Slipstream_Pricing_V1_UnsubscribeResponse.with {
      $0.removed = [aapl]
      $0.notSubscribed = [option]
    }),
    sample(Slipstream_Pricing_V1_GetQuoteRequest.with {
      $0.symbol = btc
      $0.maxAgeNs = 5_000_000_000
    }),
    sample(Slipstream_Pricing_V1_GetQuoteResponse.with {
      $0.quote = btcQuote
      $0.stale = true
      $0.ageNs = 6_000_000_001
    }),
    sample(Slipstream_Pricing_V1_GetQuotesRequest.with {
      $0.symbols = [aapl, btc, eurusd]
      $0.maxAgeNs = 1
    }),
    sample(Slipstream_Pricing_V1_GetQuotesResponse.with {
      $0.quotes = [quote, btcQuote]
      $0.missing = [eurusd]
      $0.staleTickers = ["BTC/USD"]
    }),
    sample(Slipstream_Pricing_V1_StreamQuotesRequest.with {
      $0.identity = identity
      $0.clientID = "strategy-7"
      $0.symbols = [aapl, btc]
      $0.subscribeMissing = true
      $0.sendSnapshot = true
    }),
    sample(Slipstream_Pricing_V1_StreamQuotesResponse.with {
      $0.quote = quote
      $0.sequence = 18_000_000_000_000_000_000
      $0.skipped = 3
      $0.totalSkipped = 12_345
      $0.ended = .with {
        $0.symbol = aapl
        $0.reason = .evicted
        $0.symbolsLeft = 2
        $0.detail = "AAPL was evicted: a HIGH subscription needed its upstream slot — résumé"
      }
    }),
    sample(Slipstream_Pricing_V1_ListSubscriptionsRequest.with { $0.clientID = "strategy-7" }),
    sample(Slipstream_Pricing_V1_ListSubscriptionsResponse.with {
      $0.capacity = 30
      $0.used = 2
      $0.byPriority = [
        .with {
          $0.priority = .critical
          $0.used = 1
        },
        .with {
          $0.priority = .low
          $0.used = 1
        },
      ]
      $0.byClient = ["strategy-7": 1, "orchestrator-ü": 1]
      $0.subscriptions = [
        .with {
          $0.symbol = aapl
          $0.priority = .critical
          $0.clientID = "orchestrator-ü"
          $0.subscribedAtNs = t0
        }
      ]
    }),
  ]

  static let router: [APISample] = [
    sample(Slipstream_Router_V1_RouteRequest.with {
      $0.identity = identity
      $0.intent = intent
      $0.quote = quote
      $0.correlationID = "corr-7f3a"
    }),
    sample(Slipstream_Router_V1_RouteResponse.with { $0.decision = decision }),
    sample(Slipstream_Router_V1_RouteBatchRequest.with {
      $0.identity = identity
      $0.intents = [intent, sellIntent]
      $0.quotes = ["AAPL": quote, "BTC/USD": btcQuote]
      $0.correlationID = "corr-7f3a"
    }),
    sample(Slipstream_Router_V1_RouteBatchResponse.with { $0.decisions = [decision, downgrade] }),
    sample(Slipstream_Router_V1_AddRuleRequest.with {
      $0.identity = identity
      $0.rule = rule(.preferBroker("alpaca"))
    }),
    sample(Slipstream_Router_V1_AddRuleResponse.with { $0.rule = rule(.requireBroker("schwab")) }),
    sample(Slipstream_Router_V1_ListRulesRequest.with { $0.tenantID = "tenant-äöü-1" }),
    sample(Slipstream_Router_V1_ListRulesResponse.with {
      $0.rules = [rule(.excludeBroker("robinhood")), rule(.preferBroker("ibkr"))]
    }),
    sample(Slipstream_Router_V1_RemoveRuleRequest.with {
      $0.identity = identity
      $0.ruleID = "r-7"
    }),
    sample(Slipstream_Router_V1_RemoveRuleResponse.with { $0.removed = true }),
    sample(Slipstream_Router_V1_ListBrokersRequest.with { $0.assetClass = .option }),
    sample(Slipstream_Router_V1_ListBrokersResponse.with {
      $0.weights = weights
      $0.brokers = [
        .with {
          $0.broker = "schwab"
          $0.displayName = "Charles Schwab"
          $0.assetClasses = [.equity, .option]
          $0.supportsFractional = true
          $0.connected = true
          $0.enabled = true
          $0.baseScore = score("schwab")
          $0.medianAckLatencyNs = 45_000_000
        }
      ]
    }),
  ]

  static let broker: [APISample] = [
    sample(submit(.market(.init())), "market"),
    sample(submit(.limit(.with { $0.limitPrice = d("187.20") })), "limit"),
    sample(submit(.smartLimit(smartLimit)), "smart_limit"),
    sample(Slipstream_Broker_V1_SubmitOrderResponse.with {
      $0.order = order
      $0.duplicate = true
    }),
    sample(
      Slipstream_Broker_V1_CancelOrderRequest.with {
        $0.identity = identity
        $0.orderID = "ord-1"
        $0.reason = "stale signal"
      },
      "order_id"
    ),
    sample(
      Slipstream_Broker_V1_CancelOrderRequest.with {
        $0.identity = identity
        $0.clientOrderID = "cli-1"
        $0.reason = "stale signal"
      },
      "client_order_id"
    ),
    sample(Slipstream_Broker_V1_CancelOrderResponse.with { $0.order = order }),
    sample(Slipstream_Broker_V1_ReplaceOrderRequest.with {
      $0.identity = identity
      $0.orderID = "ord-1"
      $0.newClientOrderID = "cli-1-r1"
      $0.quantity = d("12")
      $0.limitPrice = d("187.21")
      $0.timeInForce = .ioc
    }),
    sample(Slipstream_Broker_V1_ReplaceOrderResponse.with {
      $0.order = order
      $0.replacedOrderID = "ord-0"
    }),
    sample(
      Slipstream_Broker_V1_GetOrderRequest.with {
        $0.identity = identity
        $0.orderID = "ord-1"
      },
      "order_id"
    ),
    sample(
      Slipstream_Broker_V1_GetOrderRequest.with {
        $0.identity = identity
        $0.clientOrderID = "cli-1"
      },
      "client_order_id"
    ),
    sample(Slipstream_Broker_V1_GetOrderResponse.with { $0.order = order }),
    sample(Slipstream_Broker_V1_ListOrdersRequest.with {
      $0.identity = identity
      $0.statuses = [.accepted, .partiallyFilled]
      $0.symbol = aapl
      $0.broker = "alpaca"
      $0.created = .with {
        $0.startNs = t0
        $0.endNs = t0 + 1
      }
      $0.pageSize = 50
      $0.pageToken = "tok-1"
    }),
    sample(Slipstream_Broker_V1_ListOrdersResponse.with {
      $0.orders = [order, order]
      $0.nextPageToken = "tok-2"
    }),
    sample(Slipstream_Broker_V1_StreamOrderUpdatesRequest.with {
      $0.identity = identity
      $0.brokers = ["alpaca", "paper"]
      $0.sendSnapshot = true
    }),
    sample(Slipstream_Broker_V1_OrderUpdate.with {
      $0.envelope = envelope("broker-gateway")
      $0.kind = .partialFill
      $0.order = order
      $0.fill = fill
      $0.detail = "re-peg 187.23 → 187.24"
    }),
    sample(Slipstream_Broker_V1_GetAccountRequest.with {
      $0.identity = identity
      $0.broker = "alpaca"
    }),
    sample(Slipstream_Broker_V1_GetAccountResponse.with { $0.account = account }),
    sample(Slipstream_Broker_V1_GetPositionsRequest.with {
      $0.identity = identity
      $0.broker = "alpaca"
    }),
    sample(Slipstream_Broker_V1_GetPositionsResponse.with { $0.positions = [position] }),
    sample(Slipstream_Broker_V1_GetUnifiedPortfolioRequest.with { $0.identity = identity }),
    sample(Slipstream_Broker_V1_GetUnifiedPortfolioResponse.with {
      $0.positions = [
        .with {
          $0.symbol = aapl
          $0.quantity = d("7.5")
          $0.averageEntryPrice = d("181.5")
          $0.marketValue = d("1404.30")
          $0.quantityByBroker = ["alpaca": d("-3"), "robinhood": d("10.5")]
        }
      ]
      $0.totalCash = d("40000")
      $0.totalEquity = d("52000.10")
      $0.totalBuyingPower = d("80000")
      $0.unavailableBrokers = ["ibkr"]
      $0.asOfNs = t0
    }),
    sample(Slipstream_Broker_V1_GetCrossBrokerExposureRequest.with { $0.identity = identity }),
    sample(Slipstream_Broker_V1_GetCrossBrokerExposureResponse.with {
      $0.byAssetClass = [
        .with {
          $0.assetClass = .crypto
          $0.longValue = d("48000")
          $0.shortValue = d("1000")
          $0.netValue = d("47000")
          $0.pctOfEquity = d("92.3")
        }
      ]
      $0.bySymbol = [
        .with {
          $0.symbol = btc
          $0.netValue = d("47000")
          $0.valueByBroker = ["coinbase": d("48000"), "ibkr": d("-1000")]
        }
      ]
      $0.grossValue = d("49000")
      $0.netValue = d("47000")
    }),
    sample(Slipstream_Broker_V1_GetBrokerAllocationRequest.with { $0.identity = identity }),
    sample(Slipstream_Broker_V1_GetBrokerAllocationResponse.with {
      $0.allocations = [
        .with {
          $0.broker = "coinbase"
          $0.equity = d("48000")
          $0.pctOfTotal = d("92.3")
          $0.buyingPower = d("100")
          $0.positionCount = 1
        }
      ]
      $0.totalEquity = d("52000.10")
    }),
    sample(Slipstream_Broker_V1_EmergencyStopRequest.with {
      $0.identity = identity
      $0.reason = "runaway strategy ⚠"
      $0.broker = "alpaca"
    }),
    sample(Slipstream_Broker_V1_EmergencyStopResponse.with {
      $0.ordersCanceled = 7
      $0.failedOrderIds = ["ord-9"]
      $0.tradingDisabled = true
    }),
    sample(Slipstream_Broker_V1_LiquidateAllRequest.with {
      $0.identity = identity
      $0.reason = "end of fund"
      $0.confirmation = "LIQUIDATE"
      $0.broker = "alpaca"
    }),
    sample(Slipstream_Broker_V1_LiquidateAllResponse.with {
      $0.orders = [order]
      $0.failures = ["AAPL  250117C00150000": "market closed"]
    }),
  ]

  static let ledger: [APISample] = [
    sample(Slipstream_Ledger_V1_RecordTradeRequest.with {
      $0.identity = identity
      $0.trade = trade
    }),
    sample(Slipstream_Ledger_V1_RecordTradeResponse.with {
      $0.trade = trade
      $0.duplicate = true
      $0.tenantLedgerPath = "tenants/tenant-äöü-1/ledger_trades/trade-1"
      $0.userHistoryPath = "users/user-42/portfolio/history/trades/trade-1"
    }),
    sample(Slipstream_Ledger_V1_RecordRouteDecisionRequest.with {
      $0.identity = identity
      $0.decision = downgrade
    }),
    sample(Slipstream_Ledger_V1_RecordRouteDecisionResponse.with {
      $0.sequence = 42
      $0.entryHash = "9f86d081884c7d659a2feaa0c55ad015"
      $0.duplicate = true
    }),
    sample(Slipstream_Ledger_V1_ListTenantTradesRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.query = tradeQuery
    }),
    sample(Slipstream_Ledger_V1_ListTenantTradesResponse.with {
      $0.trades = [trade]
      $0.nextPageToken = "cursor-3"
    }),
    sample(Slipstream_Ledger_V1_ListUserTradesRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.userID = "user-42"
      $0.query = tradeQuery
    }),
    sample(Slipstream_Ledger_V1_ListUserTradesResponse.with {
      $0.trades = [trade, trade]
      $0.nextPageToken = "c-4"
    }),
    sample(Slipstream_Ledger_V1_GetCostBasisRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.userID = "user-42"
      $0.strategyID = "momentum-β"
      $0.symbol = aapl
      $0.method = .fifo
      $0.asOfNs = t0
    }),
    sample(Slipstream_Ledger_V1_GetCostBasisResponse.with {
      $0.method = .average
      $0.quantity = d("4.5")
      $0.totalCost = d("842.5923")
      $0.averageCost = d("187.2427")
      $0.lots = [
        .with {
          $0.tradeID = "trade-1"
          $0.quantity = d("4.5")
          $0.unitCost = d("187.2427")
          $0.openedAtNs = t0 + 2
        }
      ]
      $0.realizedPnl = d("-0.01")
    }),
    sample(Slipstream_Ledger_V1_GetPnLRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.userID = "user-42"
      $0.strategyID = "momentum-β"
      $0.marks = [
        .with {
          $0.symbol = aapl
          $0.price = d("190")
        },
        .with {
          $0.symbol = btc
          $0.price = d("65000.5")
        },
      ]
      $0.method = .fifo
      $0.grouping = .strategy
      $0.period = .with {
        $0.startNs = t0
        $0.endNs = t0 + 10
      }
    }),
    sample(Slipstream_Ledger_V1_GetPnLResponse.with {
      $0.realized = d("12.5")
      $0.unrealized = d("12.4077")
      $0.fees = d("0.0123")
      $0.total = d("24.8954")
      $0.lines = [
        .with {
          $0.owner = identity
          $0.symbol = aapl
          $0.quantity = d("4.5")
          $0.realized = d("12.5")
          $0.unrealized = d("12.4077")
          $0.fees = d("0.0123")
        }
      ]
      $0.unmarked = [option]
    }),
    sample(Slipstream_Ledger_V1_VerifyAuditRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.fromSequence = 1
      $0.toSequence = 9_223_372_036_854_775_808
    }),
    sample(Slipstream_Ledger_V1_VerifyAuditResponse.with {
      $0.intact = true
      $0.entriesChecked = 41
      $0.firstBrokenLink = .with {
        $0.sequence = 41
        $0.decisionID = "dec-41"
        $0.expectedHash = "aa11"
        $0.storedHash = "bb22"
      }
    }),
    sample(Slipstream_Ledger_V1_RecordBrokerConnectionRequest.with {
      $0.identity = identity
      $0.connection = connection
    }),
    sample(Slipstream_Ledger_V1_RecordBrokerConnectionResponse.with {
      $0.sequence = 43
      $0.entryHash = "cc33"
    }),
    sample(Slipstream_Ledger_V1_ListBrokerConnectionsRequest.with {
      $0.tenantID = "tenant-äöü-1"
      $0.broker = "alpaca"
      $0.beforeSequence = 44
      $0.pageSize = 2
    }),
    sample(Slipstream_Ledger_V1_ListBrokerConnectionsResponse.with {
      var second = connection
      second.broker = "ibkr"
      second.state = .disabled
      second.assetClasses = [.option]
      second.feeSchedule = ["option.contract": d("0.65")]
      second.lastSyncNs = t0 + 4
      second.recordedAtNs = t0 + 5
      second.sequence = 43
      $0.connections = [connection, second]
    }),
  ]

  static let connection = Slipstream_Ledger_V1_BrokerConnection.with {
    $0.broker = "alpaca"
    $0.state = .degraded
    $0.assetClasses = [.equity, .crypto]
    $0.feeSchedule = ["equity.commission": d("0.005"), "crypto.taker": d("0.25")]
    $0.priority = -2
    $0.lastSyncNs = 1_700_000_000_000_000_001
    $0.recordedAtNs = 1_700_000_000_000_000_002
    $0.sequence = 42
  }

  static let orchestrator: [APISample] = [
    sample(Slipstream_Orchestrator_V1_ExecuteRebalancePlanRequest.with {
      $0.identity = identity
      $0.correlationID = "corr-7f3a"
      $0.plan = .with {
        $0.planID = "plan-1"
        $0.legs = [
          leg,
          .with {
            $0.legID = "leg-2"
            $0.intent = sellIntent
          },
        ]
        $0.settlementTimeoutNs = 30_000_000_000
        $0.allowPartialSettlement = true
        $0.monitoring = .polling
        $0.pollIntervalNs = 500_000_000
        $0.description_p = "Q3 rebalance — 60/40"
      }
    }),
    sample(
      executionEvent(
        1,
        .phaseChanged(
          .with {
            $0.previousPhase = .selling
            $0.phase = .settling
          })
      ),
      "phase_changed"
    ),
    sample(executionEvent(2, .legUpdated(legUpdated)), "leg_updated"),
    sample(executionEvent(3, .settlement(settlement)), "settlement"),
    sample(
      executionEvent(
        4,
        .finished(
          .with {
            $0.phase = .completed
            $0.filledLegs = 1
            $0.unfilledLegs = 1
            $0.detail = "leg-2 downgraded: spread too wide"
          })
      ),
      "finished"
    ),
    sample(Slipstream_Orchestrator_V1_ApprovePlanRequest.with {
      $0.identity = identity
      $0.planID = "plan-1"
      $0.approve = true
      $0.comment = "ok — go"
    }),
    sample(Slipstream_Orchestrator_V1_ApprovePlanResponse.with { $0.status = planStatus }),
    sample(Slipstream_Orchestrator_V1_GetPlanStatusRequest.with {
      $0.identity = identity
      $0.planID = "plan-1"
    }),
    sample(Slipstream_Orchestrator_V1_GetPlanStatusResponse.with { $0.status = planStatus }),
    sample(Slipstream_Orchestrator_V1_SetExecutionModeRequest.with {
      $0.identity = identity
      $0.mode = .research
      $0.reason = "dry run"
    }),
    sample(Slipstream_Orchestrator_V1_SetExecutionModeResponse.with {
      $0.previousMode = .fullAuto
      $0.mode = .research
      $0.changedAtNs = t0
    }),
    sample(Slipstream_Orchestrator_V1_EmergencyStopRequest.with {
      $0.identity = identity
      $0.reason = "drawdown 12%"
      $0.liquidate = true
    }),
    sample(Slipstream_Orchestrator_V1_EmergencyStopResponse.with {
      $0.haltedPlanIds = ["plan-1", "plan-2"]
      $0.ordersCanceled = 3
      $0.liquidationOrders = 2
      $0.mode = .emergency
    }),
  ]

  static let health: [APISample] = [
    sample(Grpc_Health_V1_HealthCheckRequest.with { $0.service = "slipstream.pricing.v1.PricingService" }),
    sample(Grpc_Health_V1_HealthCheckResponse.with { $0.status = .serviceUnknown }),
  ]

  static let interop: [APISample] = [
    sample(Grpc_Testing_Empty()),
    sample(Grpc_Testing_SimpleRequest.with {
      $0.responseType = .compressable
      $0.responseSize = 314_159
      $0.payload = payload
      $0.fillUsername = true
      $0.fillOauthScope = true
      $0.responseCompressed = yes
      $0.responseStatus = echo
      $0.expectCompressed = yes
      $0.fillServerID = true
      $0.fillGrpclbRouteType = true
      $0.orcaPerQueryReport = orca
    }),
    sample(Grpc_Testing_SimpleResponse.with {
      $0.payload = payload
      $0.username = "user@example.com"
      $0.oauthScope = "https://www.googleapis.com/auth/xapi.zoo"
      $0.serverID = "server-1"
      $0.grpclbRouteType = .backend
      $0.hostname = "host-ü"
    }),
    sample(Grpc_Testing_StreamingInputCallRequest.with {
      $0.payload = payload
      $0.expectCompressed = yes
    }),
    sample(Grpc_Testing_StreamingInputCallResponse.with { $0.aggregatedPayloadSize = 74_922 }),
    sample(Grpc_Testing_StreamingOutputCallRequest.with {
      $0.responseType = .compressable
      $0.responseParameters = [
        .with {
          $0.size = 31_415
          $0.intervalUs = 1000
          $0.compressed = yes
        },
        .with {
          $0.size = 9
          $0.intervalUs = -1
          $0.compressed = yes
        },
      ]
      $0.payload = payload
      $0.responseStatus = echo
      $0.orcaOobReport = orca
    }),
    sample(Grpc_Testing_StreamingOutputCallResponse.with { $0.payload = payload }),
    sample(Grpc_Testing_ReconnectParams.with { $0.maxReconnectBackoffMs = 120_000 }),
    sample(Grpc_Testing_ReconnectInfo.with {
      $0.passed = true
      $0.backoffMs = [1000, 1600, 2560]
    }),
  ]
}

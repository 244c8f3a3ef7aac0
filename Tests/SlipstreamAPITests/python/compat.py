#!/usr/bin/env python3
"""Wire-compatibility check between Python protobuf (grpcio-tools) and the Swift messages.

Run by Tests/SlipstreamAPITests/WireCompatibilityTests.swift in two steps:

  compat.py emit   --proto-spec DIR --work DIR
      Compiles proto-spec/ with grpc_tools.protoc into WORK/py, checks that the samples
      cover every request and response of every service and set every field, and writes the
      samples gRPC-framed to WORK/python.frames (names in WORK/python.names).

  compat.py verify --proto-spec DIR --work DIR
      Decodes WORK/swift.frames (samples built in Swift) and WORK/swift-reencoded.frames
      (Python's samples decoded and re-encoded by Swift) and checks that every message equals
      the Python-built sample of the same name.

Frames are gRPC length-prefixed messages: 1-byte compressed flag (always 0 here), 4-byte
big-endian length, payload. The samples below must stay identical to
Tests/SlipstreamAPITests/Samples/APISamples.swift.

Exit status: 0 on success, 1 on a mismatch, 2 on bad usage, 3 if grpcio-tools is missing.
"""

import argparse
import importlib
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import grpc  # noqa: F401  (the generated *_pb2_grpc modules import it)
    import grpc_tools  # noqa: F401
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format
except ImportError as error:
    print(
        f"compat.py: {error}. Install the Python gRPC tools: pip install grpcio grpcio-tools",
        file=sys.stderr,
    )
    sys.exit(3)


# ---------------------------------------------------------------------------------------------
# Compiling proto-spec/

def proto_files(spec: Path) -> list[str]:
    """Every .proto under spec, relative to it, sorted."""
    return sorted(str(p.relative_to(spec)) for p in spec.rglob("*.proto") if ".build" not in p.parts)


def compile_spec(spec: Path, out: Path) -> descriptor_pool.DescriptorPool:
    """Runs grpc_tools.protoc (Python, gRPC stubs and a descriptor set); returns the pool."""
    out.mkdir(parents=True, exist_ok=True)
    descriptors = out / "descriptors.pb"
    command = [
        sys.executable, "-m", "grpc_tools.protoc", f"-I{spec}",
        f"--python_out={out}", f"--grpc_python_out={out}",
        "--include_imports", f"--descriptor_set_out={descriptors}",
        *proto_files(spec),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or result.stderr:
        sys.exit(f"compat.py: grpc_tools.protoc failed ({result.returncode}):\n{result.stderr}")
    pool = descriptor_pool.DescriptorPool()
    for file in descriptor_pb2.FileDescriptorSet.FromString(descriptors.read_bytes()).file:
        pool.Add(file)
    # The generated Slipstream modules and stubs must import as a Python user would use them.
    sys.path.insert(0, str(out))
    for service, stub in [
        ("pricing", "PricingServiceStub"), ("router", "RouterServiceStub"),
        ("broker", "BrokerGatewayStub"), ("ledger", "LedgerServiceStub"),
        ("orchestrator", "OrchestratorStub"),
    ]:
        module = importlib.import_module(f"slipstream.{service}.v1.{service}_pb2_grpc")
        if not hasattr(module, stub):
            sys.exit(f"compat.py: slipstream.{service}.v1.{service}_pb2_grpc lacks {stub}")
    return pool


# ---------------------------------------------------------------------------------------------
# Samples (keep identical to APISamples.swift)

T0 = 1_763_712_000_123_456_789


def samples(pool: descriptor_pool.DescriptorPool) -> list[tuple[str, object]]:
    """(name, message) pairs; a name is the full message name, plus '#variant' if repeated."""

    def make(name, **fields):
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))(**fields)

    def d(value):
        return {"value": value}

    identity = {"tenant_id": "tenant-äöü-1", "user_id": "user-42", "strategy_id": "momentum-β"}
    aapl = {"ticker": "AAPL", "asset_class": "ASSET_CLASS_EQUITY"}
    btc = {"ticker": "BTC/USD", "asset_class": "ASSET_CLASS_CRYPTO"}
    eurusd = {"ticker": "EUR/USD", "asset_class": "ASSET_CLASS_FOREX"}
    option = {"ticker": "AAPL  250117C00150000", "asset_class": "ASSET_CLASS_OPTION"}

    def envelope(source):
        return {"event_id": "evt-1", "correlation_id": "corr-7f3a", "causation_id": "cause-0",
                "source_module": source, "emitted_at_ns": T0 + 9}

    quote = {"symbol": aapl, "bid": d("187.23"), "ask": d("187.25"), "bid_size": d("300"),
             "ask_size": d("1200.5"), "last": d("187.24"), "timestamp_ns": T0,
             "source": "simulated-模拟", "received_at_ns": T0 + 40, "sequence": 18446744073709551615}
    btc_quote = {"symbol": btc, "bid": d("64000.01"), "ask": d("64010.99"),
                 "bid_size": d("0.25"), "ask_size": d("1.125"), "last": d("64005"),
                 "timestamp_ns": T0 + 1, "source": "coinbase",
                 "received_at_ns": T0 + 41, "sequence": 7}
    intent = {"intent_id": "intent-1", "symbol": aapl, "side": "SIDE_BUY", "quantity": d("10.5"),
              "order_type": "ORDER_TYPE_SMART_LIMIT", "limit_price": d("187.30"),
              "time_in_force": "TIME_IN_FORCE_DAY", "fractional": True,
              "preferred_broker": "alpaca"}
    sell_intent = {"intent_id": "intent-2", "symbol": btc, "side": "SIDE_SELL",
                   "quantity": d("0.75"), "order_type": "ORDER_TYPE_LIMIT",
                   "limit_price": d("64000"), "time_in_force": "TIME_IN_FORCE_GTC",
                   "fractional": True, "preferred_broker": "coinbase"}

    def score(broker):
        return {"broker": broker, "cost": d("0.9"), "speed": d("0.8"), "fill": d("0.75"),
                "total": d("0.8250")}

    weights = {"cost": d("0.40"), "speed": d("0.30"), "fill": d("0.30")}
    decision = {
        "decision_id": "dec-1", "intent": intent, "decision": "DECISION_EXECUTE",
        "broker": "alpaca", "scores": [score("alpaca"), score("schwab")], "weights": weights,
        "spread_pct": d("0.0107"), "threshold_pct": d("0.10"),
        "reason": "spread 0.0107% ≤ 0.10%; rule r-7 prefers alpaca",
        "estimated_slippage": d("0.105"), "estimated_fees": d("0.01"),
        "failover_chain": ["schwab", "paper"],
        "exclusions": [{"broker": "coinbase", "reason": "EXCLUSION_REASON_ASSET_CLASS_UNSUPPORTED",
                        "detail": "no equities"}],
        "matched_rule_id": "r-7", "quote": quote, "identity": identity,
        "correlation_id": "corr-7f3a", "decided_at_ns": T0 + 1,
    }
    downgrade = dict(decision, decision_id="dec-2", intent=sell_intent,
                     decision="DECISION_DOWNGRADE", spread_pct=d("0.0171"),
                     threshold_pct=d("0.005"), reason="spread too wide: WAIT",
                     quote=btc_quote)
    rule_match = {"asset_class": "ASSET_CLASS_EQUITY", "tickers": ["AAPL", "MSFT"],
                  "side": "SIDE_BUY", "fractional": False, "min_notional": d("100"),
                  "max_notional": d("50000.00")}

    def rule(**action):
        return {"rule_id": "r-7", "name": "Prefer Alpaca für US-Aktien", "priority": 10,
                "match": rule_match, **action, "created_by": identity, "created_at_ns": T0}

    fill = {"broker_execution_id": "exec-α-1", "quantity": d("4.5"), "price": d("187.24"),
            "fee": d("0.0123"), "executed_at_ns": T0 + 2}
    order = {
        "order_id": "ord-1", "client_order_id": "cli-1", "broker": "alpaca",
        "broker_order_id": "b-9f", "identity": identity, "symbol": aapl, "side": "SIDE_BUY",
        "order_type": "ORDER_TYPE_SMART_LIMIT", "time_in_force": "TIME_IN_FORCE_DAY",
        "quantity": d("10.5"), "filled_quantity": d("4.5"), "average_fill_price": d("187.24"),
        "limit_price": d("187.24"), "status": "ORDER_STATUS_PARTIALLY_FILLED",
        "repeg_count": 2, "reject_reason": "n/a", "fills": [fill],
        "route_decision_id": "dec-1", "created_at_ns": T0, "updated_at_ns": T0 + 3,
    }
    smart_limit = {"tick_size": d("0.01"), "max_spread_pct": d("0.10"),
                   "min_touch_size": d("100"), "max_repegs": 3,
                   "repeg_interval_ns": 2_000_000_000, "price_limit": d("187.50"),
                   "escalation": "ESCALATION_CROSS_SPREAD"}

    def submit(**execution):
        return {"identity": identity, "client_order_id": "cli-1", "broker": "alpaca",
                "symbol": aapl, "side": "SIDE_BUY", "quantity": d("10.5"),
                "time_in_force": "TIME_IN_FORCE_DAY", **execution,
                "failover_chain": ["schwab", "paper"], "route_decision_id": "dec-1",
                "correlation_id": "corr-7f3a"}

    account = {"broker": "alpaca", "account_id": "PA-001", "currency": "USD",
               "cash": d("25000.00"), "buying_power": d("50000.00"), "equity": d("31234.56"),
               "trading_blocked": True, "as_of_ns": T0}
    position = {"broker": "alpaca", "symbol": aapl, "quantity": d("-3"),
                "average_entry_price": d("180.10"), "market_value": d("-561.72"),
                "unrealized_pnl": d("-21.42")}
    trade = {
        "trade_id": "trade-1", "owner": identity, "broker": "alpaca",
        "broker_execution_id": "exec-α-1", "order_id": "ord-1", "client_order_id": "cli-1",
        "symbol": aapl, "side": "SIDE_BUY", "quantity": d("4.5"), "price": d("187.24"),
        "fees": d("0.0123"), "currency": "USD", "executed_at_ns": T0 + 2,
        "recorded_at_ns": T0 + 4, "route_decision_id": "dec-1", "correlation_id": "corr-7f3a",
    }
    trade_query = {"executed": {"start_ns": T0, "end_ns": T0 + 86_400_000_000_000},
                   "symbols": [aapl, btc], "strategy_ids": ["momentum-β", "mean-rev"],
                   "page_size": 100, "page_token": "cursor-2"}
    leg = {"leg_id": "leg-1", "intent": intent}
    leg_updated = {"leg_id": "leg-1", "state": "LEG_STATE_PARTIALLY_FILLED",
                   "order_id": "ord-1", "route_decision_id": "dec-1",
                   "filled_quantity": d("4.5"), "average_fill_price": d("187.24"),
                   "detail": "filled 4.5 of 10.5"}
    settlement = {"settled_legs": 2, "total_legs": 3,
                  "released_buying_power": d("12345.67"), "timed_out": True}
    plan_status = {"plan_id": "plan-1", "phase": "PLAN_PHASE_SETTLING",
                   "mode": "EXECUTION_MODE_SEMI_AUTO",
                   "legs": [{"leg": leg, "latest": leg_updated}], "settlement": settlement,
                   "correlation_id": "corr-7f3a", "started_at_ns": T0, "updated_at_ns": T0 + 5}

    def execution_event(sequence, **event):
        return make("slipstream.orchestrator.v1.ExecutionEvent",
                    envelope=envelope("orchestrator"), plan_id="plan-1", sequence=sequence,
                    **event)

    payload = {"type": "COMPRESSABLE", "body": b"\x00\x01\xfe\xffslipstream"}
    orca = {"cpu_utilization": 0.25, "memory_utilization": 0.5,
            "request_cost": {"db": 1.5, "cache": 0.125}, "utilization": {"gpu": 0.75}}
    echo = {"code": 2, "message": "échec attendu"}

    pricing = "slipstream.pricing.v1."
    router = "slipstream.router.v1."
    broker = "slipstream.broker.v1."
    ledger = "slipstream.ledger.v1."
    connection = {"broker": "alpaca", "state": "BROKER_CONNECTION_STATE_DEGRADED",
                  "asset_classes": ["ASSET_CLASS_EQUITY", "ASSET_CLASS_CRYPTO"],
                  "fee_schedule": {"equity.commission": {"value": "0.005"}, "crypto.taker": {"value": "0.25"}},
                  "priority": -2, "last_sync_ns": 1_700_000_000_000_000_001, "recorded_at_ns": 1_700_000_000_000_000_002,
                  "sequence": 42}
    orchestrator = "slipstream.orchestrator.v1."
    return [
        # pricing
        (pricing + "SubscribeBulkRequest", make(
            pricing + "SubscribeBulkRequest", identity=identity, client_id="strategy-7",
            symbols=[aapl, btc, eurusd, option], priority="SUBSCRIPTION_PRIORITY_HIGH")),
        (pricing + "SubscribeBulkResponse", make(
            pricing + "SubscribeBulkResponse", capacity=30, used=30, results=[
                {"symbol": aapl, "outcome": "SUBSCRIPTION_OUTCOME_ACCEPTED_EVICTED",
                 "evicted_symbol": eurusd, "evicted_client_id": "scanner-2",
                 "refusal_reason": "REFUSAL_REASON_CAPACITY_EXHAUSTED",
                 "detail": "30 of 30 slots held; evicted LOW"}])),
        (pricing + "UnsubscribeRequest", make(
            pricing + "UnsubscribeRequest", identity=identity, client_id="strategy-7",
            symbols=[aapl, option])),
        (pricing + "UnsubscribeResponse", make(
            pricing + "UnsubscribeResponse", removed=[aapl], not_subscribed=[option])),
        (pricing + "GetQuoteRequest", make(
            pricing + "GetQuoteRequest", symbol=btc, max_age_ns=5_000_000_000)),
        (pricing + "GetQuoteResponse", make(
            pricing + "GetQuoteResponse", quote=btc_quote, stale=True, age_ns=6_000_000_001)),
        (pricing + "GetQuotesRequest", make(
            pricing + "GetQuotesRequest", symbols=[aapl, btc, eurusd], max_age_ns=1)),
        (pricing + "GetQuotesResponse", make(
            pricing + "GetQuotesResponse", quotes=[quote, btc_quote], missing=[eurusd],
            stale_tickers=["BTC/USD"])),
        (pricing + "StreamQuotesRequest", make(
            pricing + "StreamQuotesRequest", identity=identity, client_id="strategy-7",
            symbols=[aapl, btc], subscribe_missing=True, send_snapshot=True)),
        (pricing + "StreamQuotesResponse", make(
            pricing + "StreamQuotesResponse", quote=quote, sequence=18_000_000_000_000_000_000,
            skipped=3, total_skipped=12_345,
            ended={"symbol": aapl, "reason": "REASON_EVICTED", "symbols_left": 2,
                   "detail": "AAPL was evicted: a HIGH subscription needed its upstream slot — résumé"})),
        (pricing + "ListSubscriptionsRequest", make(
            pricing + "ListSubscriptionsRequest", client_id="strategy-7")),
        (pricing + "ListSubscriptionsResponse", make(
            pricing + "ListSubscriptionsResponse", capacity=30, used=2,
            by_priority=[{"priority": "SUBSCRIPTION_PRIORITY_CRITICAL", "used": 1},
                         {"priority": "SUBSCRIPTION_PRIORITY_LOW", "used": 1}],
            by_client={"strategy-7": 1, "orchestrator-ü": 1},
            subscriptions=[{"symbol": aapl, "priority": "SUBSCRIPTION_PRIORITY_CRITICAL",
                            "client_id": "orchestrator-ü", "subscribed_at_ns": T0}])),
        # router
        (router + "RouteRequest", make(
            router + "RouteRequest", identity=identity, intent=intent, quote=quote,
            correlation_id="corr-7f3a")),
        (router + "RouteResponse", make(router + "RouteResponse", decision=decision)),
        (router + "RouteBatchRequest", make(
            router + "RouteBatchRequest", identity=identity, intents=[intent, sell_intent],
            quotes={"AAPL": quote, "BTC/USD": btc_quote}, correlation_id="corr-7f3a")),
        (router + "RouteBatchResponse", make(
            router + "RouteBatchResponse", decisions=[decision, downgrade])),
        (router + "AddRuleRequest", make(
            router + "AddRuleRequest", identity=identity, rule=rule(prefer_broker="alpaca"))),
        (router + "AddRuleResponse", make(
            router + "AddRuleResponse", rule=rule(require_broker="schwab"))),
        (router + "ListRulesRequest", make(router + "ListRulesRequest", tenant_id="tenant-äöü-1")),
        (router + "ListRulesResponse", make(
            router + "ListRulesResponse",
            rules=[rule(exclude_broker="robinhood"), rule(prefer_broker="ibkr")])),
        (router + "RemoveRuleRequest", make(
            router + "RemoveRuleRequest", identity=identity, rule_id="r-7")),
        (router + "RemoveRuleResponse", make(router + "RemoveRuleResponse", removed=True)),
        (router + "ListBrokersRequest", make(
            router + "ListBrokersRequest", asset_class="ASSET_CLASS_OPTION")),
        (router + "ListBrokersResponse", make(
            router + "ListBrokersResponse", weights=weights, brokers=[
                {"broker": "schwab", "display_name": "Charles Schwab",
                 "asset_classes": ["ASSET_CLASS_EQUITY", "ASSET_CLASS_OPTION"],
                 "supports_fractional": True, "connected": True, "enabled": True,
                 "base_score": score("schwab"), "median_ack_latency_ns": 45_000_000}])),
        # broker
        (broker + "SubmitOrderRequest#market", make(
            broker + "SubmitOrderRequest", **submit(market={}))),
        (broker + "SubmitOrderRequest#limit", make(
            broker + "SubmitOrderRequest", **submit(limit={"limit_price": d("187.20")}))),
        (broker + "SubmitOrderRequest#smart_limit", make(
            broker + "SubmitOrderRequest", **submit(smart_limit=smart_limit))),
        (broker + "SubmitOrderResponse", make(
            broker + "SubmitOrderResponse", order=order, duplicate=True)),
        (broker + "CancelOrderRequest#order_id", make(
            broker + "CancelOrderRequest", identity=identity, order_id="ord-1",
            reason="stale signal")),
        (broker + "CancelOrderRequest#client_order_id", make(
            broker + "CancelOrderRequest", identity=identity, client_order_id="cli-1",
            reason="stale signal")),
        (broker + "CancelOrderResponse", make(broker + "CancelOrderResponse", order=order)),
        (broker + "ReplaceOrderRequest", make(
            broker + "ReplaceOrderRequest", identity=identity, order_id="ord-1",
            new_client_order_id="cli-1-r1", quantity=d("12"), limit_price=d("187.21"),
            time_in_force="TIME_IN_FORCE_IOC")),
        (broker + "ReplaceOrderResponse", make(
            broker + "ReplaceOrderResponse", order=order, replaced_order_id="ord-0")),
        (broker + "GetOrderRequest#order_id", make(
            broker + "GetOrderRequest", identity=identity, order_id="ord-1")),
        (broker + "GetOrderRequest#client_order_id", make(
            broker + "GetOrderRequest", identity=identity, client_order_id="cli-1")),
        (broker + "GetOrderResponse", make(broker + "GetOrderResponse", order=order)),
        (broker + "ListOrdersRequest", make(
            broker + "ListOrdersRequest", identity=identity,
            statuses=["ORDER_STATUS_ACCEPTED", "ORDER_STATUS_PARTIALLY_FILLED"], symbol=aapl,
            broker="alpaca", created={"start_ns": T0, "end_ns": T0 + 1}, page_size=50,
            page_token="tok-1")),
        (broker + "ListOrdersResponse", make(
            broker + "ListOrdersResponse", orders=[order, order], next_page_token="tok-2")),
        (broker + "StreamOrderUpdatesRequest", make(
            broker + "StreamOrderUpdatesRequest", identity=identity,
            brokers=["alpaca", "paper"], send_snapshot=True)),
        (broker + "OrderUpdate", make(
            broker + "OrderUpdate", envelope=envelope("broker-gateway"),
            kind="ORDER_EVENT_KIND_PARTIAL_FILL", order=order, fill=fill,
            detail="re-peg 187.23 → 187.24")),
        (broker + "GetAccountRequest", make(
            broker + "GetAccountRequest", identity=identity, broker="alpaca")),
        (broker + "GetAccountResponse", make(broker + "GetAccountResponse", account=account)),
        (broker + "GetPositionsRequest", make(
            broker + "GetPositionsRequest", identity=identity, broker="alpaca")),
        (broker + "GetPositionsResponse", make(
            broker + "GetPositionsResponse", positions=[position])),
        (broker + "GetUnifiedPortfolioRequest", make(
            broker + "GetUnifiedPortfolioRequest", identity=identity)),
        (broker + "GetUnifiedPortfolioResponse", make(
            broker + "GetUnifiedPortfolioResponse",
            positions=[{"symbol": aapl, "quantity": d("7.5"),
                        "average_entry_price": d("181.5"), "market_value": d("1404.30"),
                        "quantity_by_broker": {"alpaca": d("-3"), "robinhood": d("10.5")}}],
            total_cash=d("40000"), total_equity=d("52000.10"),
            total_buying_power=d("80000"), unavailable_brokers=["ibkr"], as_of_ns=T0)),
        (broker + "GetCrossBrokerExposureRequest", make(
            broker + "GetCrossBrokerExposureRequest", identity=identity)),
        (broker + "GetCrossBrokerExposureResponse", make(
            broker + "GetCrossBrokerExposureResponse",
            by_asset_class=[{"asset_class": "ASSET_CLASS_CRYPTO", "long_value": d("48000"),
                             "short_value": d("1000"), "net_value": d("47000"),
                             "pct_of_equity": d("92.3")}],
            by_symbol=[{"symbol": btc, "net_value": d("47000"),
                        "value_by_broker": {"coinbase": d("48000"), "ibkr": d("-1000")}}],
            gross_value=d("49000"), net_value=d("47000"))),
        (broker + "GetBrokerAllocationRequest", make(
            broker + "GetBrokerAllocationRequest", identity=identity)),
        (broker + "GetBrokerAllocationResponse", make(
            broker + "GetBrokerAllocationResponse",
            allocations=[{"broker": "coinbase", "equity": d("48000"),
                          "pct_of_total": d("92.3"), "buying_power": d("100"),
                          "position_count": 1}],
            total_equity=d("52000.10"))),
        (broker + "EmergencyStopRequest", make(
            broker + "EmergencyStopRequest", identity=identity, reason="runaway strategy ⚠",
            broker="alpaca")),
        (broker + "EmergencyStopResponse", make(
            broker + "EmergencyStopResponse", orders_canceled=7, failed_order_ids=["ord-9"],
            trading_disabled=True)),
        (broker + "LiquidateAllRequest", make(
            broker + "LiquidateAllRequest", identity=identity, reason="end of fund",
            confirmation="LIQUIDATE", broker="alpaca")),
        (broker + "LiquidateAllResponse", make(
            broker + "LiquidateAllResponse", orders=[order],
            failures={"AAPL  250117C00150000": "market closed"})),
        # ledger
        (ledger + "RecordTradeRequest", make(
            ledger + "RecordTradeRequest", identity=identity, trade=trade)),
        (ledger + "RecordTradeResponse", make(
            ledger + "RecordTradeResponse", trade=trade, duplicate=True,
            tenant_ledger_path="tenants/tenant-äöü-1/ledger_trades/trade-1",
            user_history_path="users/user-42/portfolio/history/trades/trade-1")),
        (ledger + "RecordRouteDecisionRequest", make(
            ledger + "RecordRouteDecisionRequest", identity=identity, decision=downgrade)),
        (ledger + "RecordRouteDecisionResponse", make(
            ledger + "RecordRouteDecisionResponse", sequence=42,
            entry_hash="9f86d081884c7d659a2feaa0c55ad015", duplicate=True)),
        (ledger + "ListTenantTradesRequest", make(
            ledger + "ListTenantTradesRequest", tenant_id="tenant-äöü-1", query=trade_query)),
        (ledger + "ListTenantTradesResponse", make(
            ledger + "ListTenantTradesResponse", trades=[trade], next_page_token="cursor-3")),
        (ledger + "ListUserTradesRequest", make(
            ledger + "ListUserTradesRequest", tenant_id="tenant-äöü-1", user_id="user-42",
            query=trade_query)),
        (ledger + "ListUserTradesResponse", make(
            ledger + "ListUserTradesResponse", trades=[trade, trade], next_page_token="c-4")),
        (ledger + "GetCostBasisRequest", make(
            ledger + "GetCostBasisRequest", tenant_id="tenant-äöü-1", user_id="user-42",
            strategy_id="momentum-β", symbol=aapl, method="COST_BASIS_METHOD_FIFO",
            as_of_ns=T0)),
        (ledger + "GetCostBasisResponse", make(
            ledger + "GetCostBasisResponse", method="COST_BASIS_METHOD_AVERAGE",
            quantity=d("4.5"), total_cost=d("842.5923"), average_cost=d("187.2427"),
            lots=[{"trade_id": "trade-1", "quantity": d("4.5"), "unit_cost": d("187.2427"),
                   "opened_at_ns": T0 + 2}],
            realized_pnl=d("-0.01"))),
        (ledger + "GetPnLRequest", make(
            ledger + "GetPnLRequest", tenant_id="tenant-äöü-1", user_id="user-42",
            strategy_id="momentum-β",
            marks=[{"symbol": aapl, "price": d("190")}, {"symbol": btc, "price": d("65000.5")}],
            method="COST_BASIS_METHOD_FIFO", grouping="PNL_GROUPING_STRATEGY",
            period={"start_ns": T0, "end_ns": T0 + 10})),
        (ledger + "GetPnLResponse", make(
            ledger + "GetPnLResponse", realized=d("12.5"), unrealized=d("12.4077"),
            fees=d("0.0123"), total=d("24.8954"),
            lines=[{"owner": identity, "symbol": aapl, "quantity": d("4.5"),
                    "realized": d("12.5"), "unrealized": d("12.4077"), "fees": d("0.0123")}],
            unmarked=[option])),
        (ledger + "VerifyAuditRequest", make(
            ledger + "VerifyAuditRequest", tenant_id="tenant-äöü-1", from_sequence=1,
            to_sequence=9_223_372_036_854_775_808)),
        (ledger + "VerifyAuditResponse", make(
            ledger + "VerifyAuditResponse", intact=True, entries_checked=41,
            first_broken_link={"sequence": 41, "decision_id": "dec-41",
                               "expected_hash": "aa11", "stored_hash": "bb22"})),
        (ledger + "RecordBrokerConnectionRequest", make(
            ledger + "RecordBrokerConnectionRequest", identity=identity, connection=connection)),
        (ledger + "RecordBrokerConnectionResponse", make(
            ledger + "RecordBrokerConnectionResponse", sequence=43, entry_hash="cc33")),
        (ledger + "ListBrokerConnectionsRequest", make(
            ledger + "ListBrokerConnectionsRequest", tenant_id="tenant-äöü-1", broker="alpaca",
            before_sequence=44, page_size=2)),
        (ledger + "ListBrokerConnectionsResponse", make(
            ledger + "ListBrokerConnectionsResponse",
            connections=[connection, dict(connection, broker="ibkr", state="BROKER_CONNECTION_STATE_DISABLED",
                                          asset_classes=["ASSET_CLASS_OPTION"],
                                          fee_schedule={"option.contract": {"value": "0.65"}},
                                          last_sync_ns=T0 + 4, recorded_at_ns=T0 + 5, sequence=43)])),
        # orchestrator
        (orchestrator + "ExecuteRebalancePlanRequest", make(
            orchestrator + "ExecuteRebalancePlanRequest", identity=identity,
            correlation_id="corr-7f3a",
            plan={"plan_id": "plan-1", "legs": [leg, {"leg_id": "leg-2", "intent": sell_intent}],
                  "settlement_timeout_ns": 30_000_000_000, "allow_partial_settlement": True,
                  "monitoring": "SETTLEMENT_MONITORING_POLLING",
                  "poll_interval_ns": 500_000_000, "description": "Q3 rebalance — 60/40"})),
        (orchestrator + "ExecutionEvent#phase_changed", execution_event(
            1, phase_changed={"previous_phase": "PLAN_PHASE_SELLING",
                              "phase": "PLAN_PHASE_SETTLING"})),
        (orchestrator + "ExecutionEvent#leg_updated", execution_event(2, leg_updated=leg_updated)),
        (orchestrator + "ExecutionEvent#settlement", execution_event(3, settlement=settlement)),
        (orchestrator + "ExecutionEvent#finished", execution_event(
            4, finished={"phase": "PLAN_PHASE_COMPLETED", "filled_legs": 1, "unfilled_legs": 1,
                         "detail": "leg-2 downgraded: spread too wide"})),
        (orchestrator + "ApprovePlanRequest", make(
            orchestrator + "ApprovePlanRequest", identity=identity, plan_id="plan-1",
            approve=True, comment="ok — go")),
        (orchestrator + "ApprovePlanResponse", make(
            orchestrator + "ApprovePlanResponse", status=plan_status)),
        (orchestrator + "GetPlanStatusRequest", make(
            orchestrator + "GetPlanStatusRequest", identity=identity, plan_id="plan-1")),
        (orchestrator + "GetPlanStatusResponse", make(
            orchestrator + "GetPlanStatusResponse", status=plan_status)),
        (orchestrator + "SetExecutionModeRequest", make(
            orchestrator + "SetExecutionModeRequest", identity=identity,
            mode="EXECUTION_MODE_RESEARCH", reason="dry run")),
        (orchestrator + "SetExecutionModeResponse", make(
            orchestrator + "SetExecutionModeResponse", previous_mode="EXECUTION_MODE_FULL_AUTO",
            mode="EXECUTION_MODE_RESEARCH", changed_at_ns=T0)),
        (orchestrator + "EmergencyStopRequest", make(
            orchestrator + "EmergencyStopRequest", identity=identity, reason="drawdown 12%",
            liquidate=True)),
        (orchestrator + "EmergencyStopResponse", make(
            orchestrator + "EmergencyStopResponse", halted_plan_ids=["plan-1", "plan-2"],
            orders_canceled=3, liquidation_orders=2, mode="EXECUTION_MODE_EMERGENCY")),
        # grpc.health.v1
        ("grpc.health.v1.HealthCheckRequest", make(
            "grpc.health.v1.HealthCheckRequest", service="slipstream.pricing.v1.PricingService")),
        ("grpc.health.v1.HealthCheckResponse", make(
            "grpc.health.v1.HealthCheckResponse", status="SERVICE_UNKNOWN")),
        # grpc.testing
        ("grpc.testing.Empty", make("grpc.testing.Empty")),
        ("grpc.testing.SimpleRequest", make(
            "grpc.testing.SimpleRequest", response_type="COMPRESSABLE", response_size=314159,
            payload=payload, fill_username=True, fill_oauth_scope=True,
            response_compressed={"value": True}, response_status=echo,
            expect_compressed={"value": True}, fill_server_id=True,
            fill_grpclb_route_type=True, orca_per_query_report=orca)),
        ("grpc.testing.SimpleResponse", make(
            "grpc.testing.SimpleResponse", payload=payload, username="user@example.com",
            oauth_scope="https://www.googleapis.com/auth/xapi.zoo", server_id="server-1",
            grpclb_route_type="GRPCLB_ROUTE_TYPE_BACKEND", hostname="host-ü")),
        ("grpc.testing.StreamingInputCallRequest", make(
            "grpc.testing.StreamingInputCallRequest", payload=payload,
            expect_compressed={"value": True})),
        ("grpc.testing.StreamingInputCallResponse", make(
            "grpc.testing.StreamingInputCallResponse", aggregated_payload_size=74922)),
        ("grpc.testing.StreamingOutputCallRequest", make(
            "grpc.testing.StreamingOutputCallRequest", response_type="COMPRESSABLE",
            response_parameters=[
                {"size": 31415, "interval_us": 1000, "compressed": {"value": True}},
                {"size": 9, "interval_us": -1, "compressed": {"value": True}}],
            payload=payload, response_status=echo, orca_oob_report=orca)),
        ("grpc.testing.StreamingOutputCallResponse", make(
            "grpc.testing.StreamingOutputCallResponse", payload=payload)),
        ("grpc.testing.ReconnectParams", make(
            "grpc.testing.ReconnectParams", max_reconnect_backoff_ms=120000)),
        ("grpc.testing.ReconnectInfo", make(
            "grpc.testing.ReconnectInfo", passed=True, backoff_ms=[1000, 1600, 2560])),
    ]


# ---------------------------------------------------------------------------------------------
# Self-checks: the samples must cover every method and set every field.

def is_repeated(field) -> bool:
    flag = getattr(field, "is_repeated", None)
    return flag if isinstance(flag, bool) else field.label == field.LABEL_REPEATED


def unset_fields(message, path: str) -> list[str]:
    """Fields left at their default anywhere inside message (only the set oneof member counts)."""
    missing = []
    for field in message.DESCRIPTOR.fields:
        where = f"{path}.{field.name}"
        oneof = field.containing_oneof
        if oneof is not None:
            chosen = message.WhichOneof(oneof.name)
            if chosen is None:
                missing.append(f"{path}.{oneof.name}")
            if chosen != field.name:
                continue
        value = getattr(message, field.name)
        is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
        if is_repeated(field):
            if len(value) == 0:
                missing.append(where)
            elif is_map:
                value_field = field.message_type.fields_by_name["value"]
                if value_field.message_type is not None:
                    for key, item in value.items():
                        missing += unset_fields(item, f"{where}[{key!r}]")
            elif field.message_type is not None:
                for index, item in enumerate(value):
                    missing += unset_fields(item, f"{where}[{index}]")
        elif field.message_type is not None:
            if not message.HasField(field.name):
                missing.append(where)
            else:
                missing += unset_fields(value, where)
        elif oneof is None and value == field.default_value:
            single_valued_enum = field.enum_type is not None and len(field.enum_type.values) == 1
            if not single_valued_enum:
                missing.append(where)
    return missing


def self_check(pool, pairs) -> list[str]:
    """Problems with the sample table itself."""
    problems = []
    names = {name.split("#")[0] for name, _ in pairs}
    for file in proto_files_in_pool(pool):
        for service in file.services_by_name.values():
            for method in service.methods:
                for kind, message in (("input", method.input_type), ("output", method.output_type)):
                    if message.full_name not in names:
                        problems.append(f"no sample for {method.full_name} {kind} {message.full_name}")
    for name, message in pairs:
        if message.DESCRIPTOR.full_name != name.split("#")[0]:
            problems.append(f"sample {name} is a {message.DESCRIPTOR.full_name}")
        problems += [f"sample {name}: {field} is not set" for field in unset_fields(message, "")]
    if len({name for name, _ in pairs}) != len(pairs):
        problems.append("duplicate sample names")
    return problems


def proto_files_in_pool(pool):
    files = []
    for name in ("slipstream/pricing/v1/pricing.proto", "slipstream/router/v1/router.proto",
                 "slipstream/broker/v1/broker.proto", "slipstream/ledger/v1/ledger.proto",
                 "slipstream/orchestrator/v1/orchestrator.proto", "grpc/health/v1/health.proto",
                 "grpc/testing/test.proto"):
        files.append(pool.FindFileByName(name))
    return files


# ---------------------------------------------------------------------------------------------
# Framing

def frame(payloads) -> bytes:
    return b"".join(struct.pack(">BI", 0, len(p)) + p for p in payloads)


def deframe(data: bytes, source: str) -> list[bytes]:
    payloads, index = [], 0
    while index < len(data):
        if len(data) - index < 5:
            sys.exit(f"compat.py: {source}: truncated prefix at byte {index}")
        flag, length = struct.unpack_from(">BI", data, index)
        if flag != 0:
            sys.exit(f"compat.py: {source}: compressed flag {flag} at byte {index}")
        index += 5
        if len(data) - index < length:
            sys.exit(f"compat.py: {source}: message of {length} bytes truncated at byte {index}")
        payloads.append(data[index:index + length])
        index += length
    return payloads


# ---------------------------------------------------------------------------------------------
# Steps

def emit(pool, pairs, work: Path) -> int:
    problems = self_check(pool, pairs)
    if problems:
        print("compat.py: the sample table is incomplete:\n  " + "\n  ".join(problems),
              file=sys.stderr)
        return 1
    (work / "python.names").write_text("".join(f"{name}\n" for name, _ in pairs), "utf-8")
    (work / "python.frames").write_bytes(frame(m.SerializeToString() for _, m in pairs))
    return 0


def verify(pairs, work: Path) -> int:
    failures = []
    names = (work / "swift.names").read_text("utf-8").splitlines()
    expected_names = [name for name, _ in pairs]
    if names != expected_names:
        failures.append(f"swift.names differs from the Python sample names:\n{names}\n{expected_names}")
    for file in ("swift.frames", "swift-reencoded.frames"):
        payloads = deframe((work / file).read_bytes(), file)
        if len(payloads) != len(pairs):
            failures.append(f"{file}: {len(payloads)} messages, expected {len(pairs)}")
            continue
        for (name, expected), payload in zip(pairs, payloads):
            decoded = type(expected).FromString(payload)
            if decoded != expected:
                failures.append(
                    f"{file}: {name} differs\n--- decoded from Swift\n"
                    f"{text_format.MessageToString(decoded, as_utf8=True)}"
                    f"--- built in Python\n{text_format.MessageToString(expected, as_utf8=True)}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["emit", "verify"])
    parser.add_argument("--proto-spec", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slipstream-compat-") as out:
        pool = compile_spec(arguments.proto_spec, Path(out))
        pairs = samples(pool)
        if arguments.step == "emit":
            return emit(pool, pairs, arguments.work)
        return verify(pairs, arguments.work)


if __name__ == "__main__":
    sys.exit(main())

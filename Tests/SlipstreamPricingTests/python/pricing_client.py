#!/usr/bin/env python3
"""A grpcio client for the pricing service, run by
Tests/SlipstreamPricingTests/Network/PricingPythonClientTests.swift.

    pricing_client.py --port PORT --ca-file CA.pem [--server-name localhost] [--proto-spec DIR]

Compiles proto-spec/ (types, pricing, health) with grpc_tools.protoc into a temporary
directory, connects over TLS and, against a service with capacity 30, replays the 40-symbol
scenario of SubscriptionBookTests.fortySymbolScenario:

  1. SubscribeBulk 20 LOW symbols as "research", 10 NORMAL as "momentum", 5 HIGH as "orders"
     (evicting the 5 oldest LOW ones) and 5 more LOW as "research" (refused);
  2. ListSubscriptions;
  3. StreamQuotes for three of "orders"' symbols: once the server's headers arrive it prints
     "STREAMING <ticker>,<ticker>,..." and reads one quote per symbol, which the Swift test
     pushes when it sees that line;
  4. StreamQuotes for two of "research"' symbols: a HIGH subscription evicts the first and
     "research" unsubscribes the second; each arrives as an `ended` notice and the stream
     then ends with OK;
  5. grpc.health.v1 Check for "" and "slipstream.pricing.v1.PricingService".

It reports what it saw, not whether it was right: the last line is "SUMMARY <json>" and the
Swift test checks every field. Exit status: 0 after the summary, 1 on an RPC failure, 2 if the
stubs cannot be generated, 3 if grpcio or grpcio-tools is missing.
"""

import argparse
import importlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import grpc
    import grpc_tools  # noqa: F401
except ImportError as error:
    print(f"pricing_client.py: {error}. Install the Python gRPC peers: pip install -r Tests/requirements.txt",
          file=sys.stderr)
    sys.exit(3)

# The same 40 tickers as PricingScenario.tickers in SubscriptionBookTests.swift.
TICKERS = [
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "AVGO", "JPM",
    "LLY", "V", "UNH", "XOM", "MA", "JNJ", "PG", "HD", "COST", "MRK",
    "ABBV", "CVX", "CRM", "BAC", "NFLX", "KO", "PEP", "AMD", "TMO", "WMT",
    "ADBE", "LIN", "MCD", "CSCO", "ACN", "ABT", "ORCL", "DHR", "INTC", "DIS",
]
STREAMED = ["ADBE", "LIN", "MCD"]
TIMEOUT = 20  # seconds per call: a hang guard, never reached when the server answers
HEALTH_SERVICES = ["", "slipstream.pricing.v1.PricingService"]


def load_stubs(proto_spec: Path):
    """Compiles the protos and returns (types_pb2, pricing_pb2, pricing_pb2_grpc, health_pb2, health_pb2_grpc)."""
    out = Path(tempfile.mkdtemp(prefix="slipstream-pricing-py-"))
    protos = ["slipstream/types/v1/types.proto", "slipstream/pricing/v1/pricing.proto", "grpc/health/v1/health.proto"]
    command = [sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_spec}",
               f"--python_out={out}", f"--grpc_python_out={out}", *protos]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"pricing_client.py: grpc_tools.protoc failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, str(out))
    # The health modules import each other as grpc.health.v1.X, inside the installed grpc
    # package: register those packages with the generated directory as their path.
    for name, path in [("grpc.health", out / "grpc" / "health"), ("grpc.health.v1", out / "grpc" / "health" / "v1")]:
        package = importlib.util.module_from_spec(importlib.machinery.ModuleSpec(name, None, is_package=True))
        package.__path__ = [str(path)]
        sys.modules[name] = package
    return tuple(importlib.import_module(name) for name in (
        "slipstream.types.v1.types_pb2", "slipstream.pricing.v1.pricing_pb2", "slipstream.pricing.v1.pricing_pb2_grpc",
        "grpc.health.v1.health_pb2", "grpc.health.v1.health_pb2_grpc"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca-file", required=True, help="PEM root certificate the server's chain ends in")
    parser.add_argument("--server-name", default="localhost", help="name checked in the server certificate")
    parser.add_argument("--proto-spec", type=Path, default=Path(__file__).resolve().parents[3] / "proto-spec")
    args = parser.parse_args()

    types_pb2, pricing_pb2, pricing_grpc, health_pb2, health_grpc = load_stubs(args.proto_spec)
    credentials = grpc.ssl_channel_credentials(root_certificates=Path(args.ca_file).read_bytes())
    options = [("grpc.ssl_target_name_override", args.server_name)]
    with grpc.secure_channel(f"127.0.0.1:{args.port}", credentials, options=options) as channel:
        stub = pricing_grpc.PricingServiceStub(channel)
        summary = {}

        def symbols(tickers):
            return [types_pb2.Symbol(ticker=ticker) for ticker in tickers]

        def subscribe(client, tickers, priority):
            response = stub.SubscribeBulk(pricing_pb2.SubscribeBulkRequest(
                client_id=client, symbols=symbols(tickers), priority=priority), timeout=TIMEOUT)
            return {
                "capacity": response.capacity,
                "used": response.used,
                "results": [{
                    "symbol": result.symbol.ticker,
                    "outcome": pricing_pb2.SubscriptionOutcome.Name(result.outcome),
                    "evicted_symbol": result.evicted_symbol.ticker,
                    "evicted_client": result.evicted_client_id,
                    "refusal_reason": pricing_pb2.RefusalReason.Name(result.refusal_reason),
                    "detail": result.detail,
                } for result in response.results],
            }

        priority = pricing_pb2.SubscriptionPriority
        summary["bulk"] = [
            subscribe("research", TICKERS[0:20], priority.SUBSCRIPTION_PRIORITY_LOW),
            subscribe("momentum", TICKERS[20:30], priority.SUBSCRIPTION_PRIORITY_NORMAL),
            subscribe("orders", TICKERS[30:35], priority.SUBSCRIPTION_PRIORITY_HIGH),
            subscribe("research", TICKERS[35:40], priority.SUBSCRIPTION_PRIORITY_LOW),
        ]

        listing = stub.ListSubscriptions(pricing_pb2.ListSubscriptionsRequest(), timeout=TIMEOUT)
        summary["list"] = {
            "capacity": listing.capacity,
            "used": listing.used,
            "by_priority": {priority.Name(usage.priority): usage.used for usage in listing.by_priority},
            "by_client": dict(listing.by_client),
            "subscriptions": sorted(f"{held.symbol.ticker}/{held.client_id}/{priority.Name(held.priority)}"
                                    for held in listing.subscriptions),
        }

        call = stub.StreamQuotes(pricing_pb2.StreamQuotesRequest(client_id="orders", symbols=symbols(STREAMED)),
                                 timeout=TIMEOUT)
        call.initial_metadata()  # the server sends its headers once the stream is attached
        print("STREAMING " + ",".join(STREAMED), flush=True)
        quotes = []
        for message in call:
            quotes.append({
                "symbol": message.quote.symbol.ticker, "bid": message.quote.bid.value, "ask": message.quote.ask.value,
                "source": message.quote.source, "quote_sequence": message.quote.sequence,
                "sequence": message.sequence, "skipped": message.skipped,
            })
            if len(quotes) == len(STREAMED):
                break
        call.cancel()
        summary["quotes"] = quotes

        # Symbols leaving a stream: "research" streams two of its LOW symbols; a HIGH
        # subscription evicts the oldest LOW one (the first), then "research" unsubscribes
        # the second. Each arrives as an `ended` notice, and the stream then ends (OK).
        leaving = [TICKERS[5], TICKERS[6]]
        call = stub.StreamQuotes(pricing_pb2.StreamQuotesRequest(client_id="research", symbols=symbols(leaving)),
                                 timeout=TIMEOUT)
        call.initial_metadata()
        messages = iter(call)
        endings = []

        def next_ending():
            message = next(messages)
            endings.append({
                "has_quote": message.HasField("quote"), "symbol": message.ended.symbol.ticker,
                "reason": pricing_pb2.SymbolStreamEnded.Reason.Name(message.ended.reason),
                "symbols_left": message.ended.symbols_left, "detail": message.ended.detail,
                "sequence": message.sequence,
            })

        evicting = subscribe("orders", [TICKERS[35]], priority.SUBSCRIPTION_PRIORITY_HIGH)
        next_ending()
        stub.Unsubscribe(pricing_pb2.UnsubscribeRequest(client_id="research", symbols=symbols([TICKERS[6]])),
                         timeout=TIMEOUT)
        next_ending()
        after = [message.sequence for message in messages]  # ends when the server ends the call
        summary["leaving"] = {
            "evicted_symbol": evicting["results"][0]["evicted_symbol"], "endings": endings,
            "messages_after": len(after), "status": call.code().name,
        }

        health = health_grpc.HealthStub(channel)
        summary["health"] = {
            service: health_pb2.HealthCheckResponse.ServingStatus.Name(
                health.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT).status)
            for service in HEALTH_SERVICES
        }
    print("SUMMARY " + json.dumps(summary, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except grpc.RpcError as error:
        print(f"pricing_client.py: RPC failed: {error.code()}: {error.details()}", file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit now: grpcio's background threads can hold up a normal interpreter shutdown, and the
    # Swift test waits for this process to end.
    os._exit(status)

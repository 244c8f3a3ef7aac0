#!/usr/bin/env python3
"""A grpcio client for ledger-service, run by
Tests/LedgerServiceTests/Python/LedgerPythonClientTests.swift.

    ledger_client.py --port PORT --pki DIR --token TOKEN [--server-name localhost] [--proto-spec DIR]

Compiles proto-spec/ (types, router, ledger) with grpc_tools.protoc into a temporary
directory and connects with mutual TLS (DIR/ca.crt, DIR/client.crt, DIR/client.key: the
service's development certificates, whose client certificate names no tenant), sending
"authorization: Bearer TOKEN" on every call:

  1. RecordTrade py-1 (user py-user) and py-2 (user py-other);
  2. RecordTrade py-1 again (a retry: same trade back, duplicate);
  3. RecordTrade py-3 without a user id (refused: INVALID_ARGUMENT "Missing UID in metadata ...");
  4. RecordTrade py-4 without the token (refused: UNAUTHENTICATED);
  5. ListTenantTrades with page size 1 (two pages), ListUserTrades for py-user;
  6. VerifyAudit.

It reports what it saw, not whether it was right: the last line is "SUMMARY <json>" and the
Swift test checks every field. Exit status: 0 after the summary, 1 on an unexpected RPC
failure, 2 if the stubs cannot be generated, 3 if grpcio or grpcio-tools is missing.
"""

import argparse
import importlib
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
    print(f"ledger_client.py: {error}. Install the Python gRPC peers: pip install -r Tests/requirements.txt",
          file=sys.stderr)
    sys.exit(3)

TIMEOUT = 20  # seconds per call: a hang guard, never reached when the server answers


def load_stubs(proto_spec: Path):
    """Compiles the protos and returns (types_pb2, ledger_pb2, ledger_pb2_grpc)."""
    out = Path(tempfile.mkdtemp(prefix="slipstream-ledger-py-"))
    protos = ["slipstream/types/v1/types.proto", "slipstream/router/v1/router.proto", "slipstream/ledger/v1/ledger.proto"]
    command = [sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_spec}",
               f"--python_out={out}", f"--grpc_python_out={out}", *protos]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"ledger_client.py: grpc_tools.protoc failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, str(out))
    return tuple(importlib.import_module(name) for name in (
        "slipstream.types.v1.types_pb2", "slipstream.ledger.v1.ledger_pb2", "slipstream.ledger.v1.ledger_pb2_grpc"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pki", type=Path, required=True, help="directory with ca.crt, client.crt, client.key")
    parser.add_argument("--token", required=True, help="the bearer token")
    parser.add_argument("--server-name", default="localhost", help="name checked in the server certificate")
    parser.add_argument("--proto-spec", type=Path, default=Path(__file__).resolve().parents[3] / "proto-spec")
    args = parser.parse_args()

    types_pb2, ledger_pb2, ledger_grpc = load_stubs(args.proto_spec)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=(args.pki / "ca.crt").read_bytes(),
        private_key=(args.pki / "client.key").read_bytes(),
        certificate_chain=(args.pki / "client.crt").read_bytes())
    options = [("grpc.ssl_target_name_override", args.server_name)]
    bearer = [("authorization", f"Bearer {args.token}")]

    def trade(trade_id, user):
        return ledger_pb2.Trade(
            trade_id=trade_id, owner=types_pb2.RequestIdentity(user_id=user), broker="alpaca",
            broker_execution_id=f"exec-{trade_id}",
            symbol=types_pb2.Symbol(ticker="AAPL", asset_class=types_pb2.ASSET_CLASS_EQUITY),
            side=types_pb2.SIDE_BUY, quantity=types_pb2.Decimal(value="10"), price=types_pb2.Decimal(value="187.25"),
            fees=types_pb2.Decimal(value="0.5"), currency="USD", executed_at_ns=1_700_000_000_000_000_000)

    def recorded(response):
        return {"trade_id": response.trade.trade_id, "tenant": response.trade.owner.tenant_id,
                "user": response.trade.owner.user_id, "duplicate": response.duplicate,
                "recorded_at_ns": response.trade.recorded_at_ns,
                "tenant_ledger_path": response.tenant_ledger_path, "user_history_path": response.user_history_path}

    def refusal(call):
        try:
            call()
        except grpc.RpcError as error:
            return {"code": error.code().name, "details": error.details()}
        return {"code": "OK", "details": ""}

    with grpc.secure_channel(f"127.0.0.1:{args.port}", credentials, options=options) as channel:
        stub = ledger_grpc.LedgerServiceStub(channel)
        summary = {}

        def record(trade_id, user, metadata=bearer):
            return stub.RecordTrade(ledger_pb2.RecordTradeRequest(trade=trade(trade_id, user)),
                                    metadata=metadata, timeout=TIMEOUT)

        summary["recorded"] = [recorded(record("py-1", "py-user")), recorded(record("py-2", "py-other"))]
        summary["retry"] = recorded(record("py-1", "py-user"))
        summary["missing_user"] = refusal(lambda: record("py-3", ""))
        summary["no_token"] = refusal(lambda: record("py-4", "py-user", metadata=[]))

        pages = []
        request = ledger_pb2.ListTenantTradesRequest(query=ledger_pb2.TradeQuery(page_size=1))
        while True:
            page = stub.ListTenantTrades(request, metadata=bearer, timeout=TIMEOUT)
            pages.append([listed.trade_id for listed in page.trades])
            if not page.next_page_token:
                break
            request.query.page_token = page.next_page_token
        summary["tenant_pages"] = pages
        user_page = stub.ListUserTrades(ledger_pb2.ListUserTradesRequest(user_id="py-user"), metadata=bearer,
                                        timeout=TIMEOUT)
        summary["user_trades"] = [listed.trade_id for listed in user_page.trades]

        connection = ledger_pb2.BrokerConnection(
            broker="alpaca", state=ledger_pb2.BROKER_CONNECTION_STATE_CONNECTED,
            asset_classes=[types_pb2.ASSET_CLASS_EQUITY], priority=1, last_sync_ns=1_700_000_000_000_000_000)
        connection.fee_schedule["equity.commission"].value = "0.005"
        stub.RecordBrokerConnection(ledger_pb2.RecordBrokerConnectionRequest(connection=connection), metadata=bearer,
                                    timeout=TIMEOUT)
        connection.state = ledger_pb2.BROKER_CONNECTION_STATE_DEGRADED
        stub.RecordBrokerConnection(ledger_pb2.RecordBrokerConnectionRequest(connection=connection), metadata=bearer,
                                    timeout=TIMEOUT)
        latest = stub.ListBrokerConnections(ledger_pb2.ListBrokerConnectionsRequest(), metadata=bearer, timeout=TIMEOUT)
        summary["connections"] = [
            {"broker": listed.broker, "state": ledger_pb2.BrokerConnectionState.Name(listed.state),
             "fee": listed.fee_schedule["equity.commission"].value, "sequence": listed.sequence}
            for listed in latest.connections]

        audit = stub.VerifyAudit(ledger_pb2.VerifyAuditRequest(), metadata=bearer, timeout=TIMEOUT)
        summary["audit"] = {"intact": audit.intact, "entries_checked": audit.entries_checked,
                            "has_broken_link": audit.HasField("first_broken_link")}
    print("SUMMARY " + json.dumps(summary, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except grpc.RpcError as error:
        print(f"ledger_client.py: RPC failed: {error.code()}: {error.details()}", file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit now: grpcio's background threads can hold up a normal interpreter shutdown, and the
    # Swift test waits for this process to end.
    os._exit(status)

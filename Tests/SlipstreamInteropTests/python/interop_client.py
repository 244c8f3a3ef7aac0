#!/usr/bin/env python3
"""The 14 standard gRPC interop client cases on grpcio (grpc/grpc doc/interop-test-descriptions.md).

  interop_client.py --server-host H --server-port P [--use-tls --ca-file PEM
                    [--server-host-override NAME]] [--test-case NAME|all] [--proto-spec DIR]

Prints `PASS <case>` or `FAIL <case>: <reason>` per case, then a summary line.
Exit status: 0 when every case passed, 1 when any failed (the summary names them), 2 on bad
usage, 3 if grpcio/grpcio-tools is missing.
"""

import argparse
import queue
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import interop_common  # noqa: E402

interop_common.require_grpc("interop_client.py")
import grpc  # noqa: E402

REQUEST_SIZES = [27182, 8, 1828, 45904]
RESPONSE_SIZES = [31415, 9, 2653, 58979]
LARGE_REQUEST, LARGE_RESPONSE = 271828, 314159
ECHO_INITIAL, ECHO_TRAILING = "x-grpc-test-echo-initial", "x-grpc-test-echo-trailing-bin"
INITIAL_VALUE, TRAILING_VALUE = "test_initial_metadata_value", b"\xab\xab\xab"
SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
CALL_TIMEOUT = 20  # seconds; a guard so a broken server cannot hang the run

CASES = [
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong",
    "empty_stream", "cancel_after_begin", "cancel_after_first_response",
    "timeout_on_sleeping_server", "status_code_and_message", "special_status_message",
    "custom_metadata", "unimplemented_method", "unimplemented_service",
]


class CaseFailure(Exception):
    pass


def check(condition, reason):
    if not condition:
        raise CaseFailure(reason)


def expect_code(call, code, message=None):
    """Runs call(); checks it raises an RpcError with `code` (and `message`)."""
    try:
        call()
    except grpc.RpcError as error:
        check(error.code() == code, f"status {error.code()} {error.details()!r}, expected {code}")
        if message is not None:
            check(error.details() == message, f"status message {error.details()!r}, expected {message!r}")
        return
    raise CaseFailure(f"the call succeeded, expected {code}")


class Cases:
    def __init__(self, channel, empty_pb2, messages_pb2, test_pb2_grpc):
        self.stub = test_pb2_grpc.TestServiceStub(channel)
        self.unimplemented = test_pb2_grpc.UnimplementedServiceStub(channel)
        self.empty_pb2, self.m = empty_pb2, messages_pb2

    def payload(self, size):
        return self.m.Payload(type=self.m.COMPRESSABLE, body=bytes(size))

    def duplex_request(self, response_sizes, payload_size):
        return self.m.StreamingOutputCallRequest(
            response_parameters=[self.m.ResponseParameters(size=s) for s in response_sizes],
            payload=self.payload(payload_size))

    def check_payload(self, payload, size, what):
        check(len(payload.body) == size, f"{what} is {len(payload.body)} bytes, expected {size}")
        check(payload.body == bytes(size), f"{what} is not all zero bytes")

    def check_payloads(self, responses, sizes):
        got = [len(r.payload.body) for r in responses]
        check(len(got) == len(sizes), f"received responses of {got} bytes, expected {sizes}")
        for index, (response, size) in enumerate(zip(responses, sizes)):
            self.check_payload(response.payload, size, f"response {index + 1}'s payload")

    def large_request(self):
        return self.m.SimpleRequest(response_size=LARGE_RESPONSE, payload=self.payload(LARGE_REQUEST))

    def empty_unary(self):
        response = self.stub.EmptyCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
        check(response == self.empty_pb2.Empty(), "the response is not an empty message")

    def large_unary(self):
        response = self.stub.UnaryCall(self.large_request(), timeout=CALL_TIMEOUT)
        self.check_payload(response.payload, LARGE_RESPONSE, "the response payload")

    def client_streaming(self):
        requests = (self.m.StreamingInputCallRequest(payload=self.payload(s)) for s in REQUEST_SIZES)
        response = self.stub.StreamingInputCall(requests, timeout=CALL_TIMEOUT)
        check(response.aggregated_payload_size == sum(REQUEST_SIZES),
              f"aggregated_payload_size {response.aggregated_payload_size}, expected {sum(REQUEST_SIZES)}")

    def server_streaming(self):
        request = self.m.StreamingOutputCallRequest(
            response_parameters=[self.m.ResponseParameters(size=s) for s in RESPONSE_SIZES])
        self.check_payloads(list(self.stub.StreamingOutputCall(request, timeout=CALL_TIMEOUT)), RESPONSE_SIZES)

    def ping_pong(self):
        outbox = queue.Queue()
        call = self.stub.FullDuplexCall(iter(outbox.get, None), timeout=CALL_TIMEOUT)
        responses = []
        for response_size, request_size in zip(RESPONSE_SIZES, REQUEST_SIZES):
            outbox.put(self.duplex_request([response_size], request_size))
            response = next(call, None)
            check(response is not None, f"the stream ended after {len(responses)} responses")
            responses.append(response)
        outbox.put(None)
        check(next(call, None) is None, "the server sent more responses than requested")
        self.check_payloads(responses, RESPONSE_SIZES)

    def empty_stream(self):
        responses = list(self.stub.FullDuplexCall(iter([]), timeout=CALL_TIMEOUT))
        check(responses == [], f"received {len(responses)} responses, expected none")

    def cancel_after_begin(self):
        outbox = queue.Queue()
        future = self.stub.StreamingInputCall.future(iter(outbox.get, None), timeout=CALL_TIMEOUT)
        future.cancel()
        outbox.put(None)
        check(future.cancelled(), "the call could not be cancelled")
        check(future.code() == grpc.StatusCode.CANCELLED, f"status {future.code()}, expected CANCELLED")

    def cancel_after_first_response(self):
        outbox = queue.Queue()
        call = self.stub.FullDuplexCall(iter(outbox.get, None), timeout=CALL_TIMEOUT)
        outbox.put(self.duplex_request([31415], 27182))
        first = next(call, None)
        check(first is not None, "the stream ended without a response")
        self.check_payload(first.payload, 31415, "the first response payload")
        call.cancel()
        outbox.put(None)
        expect_code(lambda: next(call), grpc.StatusCode.CANCELLED)

    def timeout_on_sleeping_server(self):
        outbox = queue.Queue()
        call = self.stub.FullDuplexCall(iter(outbox.get, None), timeout=0.001)
        outbox.put(self.m.StreamingOutputCallRequest(payload=self.payload(27182)))
        try:
            expect_code(lambda: list(call), grpc.StatusCode.DEADLINE_EXCEEDED)
        finally:
            outbox.put(None)

    def status_code_and_message(self):
        status = self.m.EchoStatus(code=2, message="test status message")
        expect_code(lambda: self.stub.UnaryCall(self.m.SimpleRequest(response_status=status), timeout=CALL_TIMEOUT),
                    grpc.StatusCode.UNKNOWN, "test status message")
        request = self.m.StreamingOutputCallRequest(response_status=status)
        expect_code(lambda: list(self.stub.FullDuplexCall(iter([request]), timeout=CALL_TIMEOUT)),
                    grpc.StatusCode.UNKNOWN, "test status message")

    def special_status_message(self):
        status = self.m.EchoStatus(code=2, message=SPECIAL_MESSAGE)
        expect_code(lambda: self.stub.UnaryCall(self.m.SimpleRequest(response_status=status), timeout=CALL_TIMEOUT),
                    grpc.StatusCode.UNKNOWN, SPECIAL_MESSAGE)

    def check_echo(self, initial, trailing, call):
        initial_values = [v for k, v in initial if k == ECHO_INITIAL]
        check(initial_values == [INITIAL_VALUE],
              f"{call}'s initial metadata has {ECHO_INITIAL} = {initial_values}, expected [{INITIAL_VALUE!r}]")
        trailing_values = [v for k, v in trailing if k == ECHO_TRAILING]
        check(trailing_values == [TRAILING_VALUE],
              f"{call}'s trailing metadata has {ECHO_TRAILING} = {trailing_values}, expected [{TRAILING_VALUE!r}]")

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL, INITIAL_VALUE), (ECHO_TRAILING, TRAILING_VALUE))
        response, call = self.stub.UnaryCall.with_call(self.large_request(), metadata=metadata, timeout=CALL_TIMEOUT)
        self.check_payload(response.payload, LARGE_RESPONSE, "the UnaryCall response payload")
        self.check_echo(call.initial_metadata(), call.trailing_metadata(), "UnaryCall")
        stream = self.stub.FullDuplexCall(iter([self.duplex_request([LARGE_RESPONSE], LARGE_REQUEST)]),
                                          metadata=metadata, timeout=CALL_TIMEOUT)
        responses = list(stream)
        self.check_payloads(responses, [LARGE_RESPONSE])
        self.check_echo(stream.initial_metadata(), stream.trailing_metadata(), "FullDuplexCall")

    def unimplemented_method(self):
        expect_code(lambda: self.stub.UnimplementedCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT),
                    grpc.StatusCode.UNIMPLEMENTED)

    def unimplemented_service(self):
        expect_code(lambda: self.unimplemented.UnimplementedCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT),
                    grpc.StatusCode.UNIMPLEMENTED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-host", default="127.0.0.1")
    parser.add_argument("--server-port", type=int, required=True)
    parser.add_argument("--use-tls", action="store_true")
    parser.add_argument("--ca-file", help="PEM file of the CA that issued the server's certificate")
    parser.add_argument("--server-host-override", help="the name the server's certificate is checked against")
    parser.add_argument("--test-case", default="all", choices=["all", *CASES])
    parser.add_argument("--proto-spec", type=Path, default=interop_common.default_proto_spec())
    args = parser.parse_args()
    if args.use_tls and not args.ca_file:
        parser.error("--use-tls needs --ca-file")

    empty_pb2, messages_pb2, test_pb2_grpc = interop_common.load_stubs(args.proto_spec)
    target = f"{args.server_host}:{args.server_port}"
    if args.use_tls:
        credentials = grpc.ssl_channel_credentials(root_certificates=Path(args.ca_file).read_bytes())
        options = [("grpc.ssl_target_name_override", args.server_host_override)] if args.server_host_override else []
        channel = grpc.secure_channel(target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(target)

    cases = Cases(channel, empty_pb2, messages_pb2, test_pb2_grpc)
    failed = []
    for name in (CASES if args.test_case == "all" else [args.test_case]):
        try:
            getattr(cases, name)()
            print(f"PASS {name}", flush=True)
        except Exception as error:  # noqa: BLE001 (every failure is reported, then the next case runs)
            if isinstance(error, CaseFailure):
                reason = str(error)
            elif isinstance(error, grpc.RpcError):
                reason = f"unexpected {error.code()}: {error.details()!r}"
            else:
                reason = f"unexpected {error!r}"
            print(f"FAIL {name}: {reason}", flush=True)
            failed.append(name)
    channel.close()
    if failed:
        print(f"FAILED {len(failed)} case(s): {', '.join(failed)}", flush=True)
        return 1
    print("ALL PASSED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

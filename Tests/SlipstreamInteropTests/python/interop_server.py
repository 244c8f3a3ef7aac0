#!/usr/bin/env python3
"""grpc.testing.TestService on grpcio, per grpc/grpc doc/interop-test-descriptions.md ("Server").

  interop_server.py [--port P] [--tls-cert PEM --tls-key PEM] [--proto-spec DIR]

Listens on 127.0.0.1:P (P = 0 picks a free port) and prints one line
`interop_server listening on 127.0.0.1:<port> (plaintext|tls)` once it serves; runs until
terminated. UnimplementedCall is not implemented (grpcio answers UNIMPLEMENTED).

Exit status: 2 on bad usage, 3 if grpcio/grpcio-tools is missing.
"""

import argparse
import signal
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import interop_common  # noqa: E402

interop_common.require_grpc("interop_server.py")
import grpc  # noqa: E402

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def make_servicer(empty_pb2, messages_pb2, test_pb2_grpc):
    def payload(size, payload_type, context):
        if payload_type != messages_pb2.COMPRESSABLE:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "only COMPRESSABLE payloads are supported")
        if size < 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"negative payload size {size}")
        return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=bytes(size))

    def echo_metadata(context):
        metadata = context.invocation_metadata()
        initial = [(k, v) for k, v in metadata if k == ECHO_INITIAL]
        trailing = [(k, v) for k, v in metadata if k == ECHO_TRAILING]
        if initial:
            context.send_initial_metadata(initial)
        if trailing:
            context.set_trailing_metadata(trailing)

    def echo_status(request, context):
        if request.HasField("response_status") and request.response_status.code != 0:
            context.abort(grpc.StatusCode(_code(request.response_status.code)),
                          request.response_status.message)

    def _code(number):
        for code in grpc.StatusCode:
            if code.value[0] == number:
                return code.value
        raise ValueError(number)

    def respond(request, context):
        echo_status(request, context)
        for parameters in request.response_parameters:
            if parameters.interval_us > 0:
                time.sleep(parameters.interval_us / 1_000_000)
            yield messages_pb2.StreamingOutputCallResponse(
                payload=payload(parameters.size, request.response_type, context))

    class TestService(test_pb2_grpc.TestServiceServicer):
        def EmptyCall(self, request, context):
            return empty_pb2.Empty()

        def UnaryCall(self, request, context):
            echo_metadata(context)
            echo_status(request, context)
            return messages_pb2.SimpleResponse(
                payload=payload(request.response_size, request.response_type, context))

        def StreamingOutputCall(self, request, context):
            echo_metadata(context)
            yield from respond(request, context)

        def StreamingInputCall(self, request_iterator, context):
            total = sum(len(request.payload.body) for request in request_iterator)
            return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

        def FullDuplexCall(self, request_iterator, context):
            echo_metadata(context)
            for request in request_iterator:
                yield from respond(request, context)

        def HalfDuplexCall(self, request_iterator, context):
            echo_metadata(context)
            for request in list(request_iterator):
                yield from respond(request, context)

    return TestService()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert", help="PEM certificate chain file")
    parser.add_argument("--tls-key", help="PEM private key file")
    parser.add_argument("--proto-spec", type=Path, default=interop_common.default_proto_spec())
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")

    empty_pb2, messages_pb2, test_pb2_grpc = interop_common.load_stubs(args.proto_spec)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    test_pb2_grpc.add_TestServiceServicer_to_server(make_servicer(empty_pb2, messages_pb2, test_pb2_grpc), server)
    address = f"127.0.0.1:{args.port}"
    if args.tls_cert:
        credentials = grpc.ssl_server_credentials(
            [(Path(args.tls_key).read_bytes(), Path(args.tls_cert).read_bytes())])
        port = server.add_secure_port(address, credentials)
        mode = "tls"
    else:
        port = server.add_insecure_port(address)
        mode = "plaintext"
    if port == 0:
        print(f"interop_server.py: could not listen on {address}", file=sys.stderr)
        return 1
    server.start()
    print(f"interop_server listening on 127.0.0.1:{port} ({mode})", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # A child inherits its spawning thread's signal mask; the Swift test runner's threads
    # block SIGTERM and SIGINT, so without this the test's terminate() never reached us and
    # every run left its servers behind.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop.wait()
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

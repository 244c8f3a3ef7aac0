"""Writes seed inputs for the HTTP/2 frame fuzzer (Tests/Fuzz/HTTP2Fuzzer) into CORPUS.

usage: http2-seeds.py CORPUS
Each seed is one flags byte (see HTTP2Fuzzing.swift) and the bytes a client sends: valid frame
sequences of a gRPC call (HEADERS, CONTINUATION, DATA, trailers) mixed with SETTINGS, PING,
WINDOW_UPDATE, PRIORITY, RST_STREAM and GOAWAY, so mutations start from deep in the protocol.
"""
import os
import struct
import sys

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, GoAwayFrame, HeadersFrame, PingFrame,
                              PriorityFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
WITH_PREFACE, CHUNKED, RESET_ON_DATA, FIRE_TIMERS, SHUTDOWN = 0x01, 0x02, 0x04, 0x08, 0x10


def request(encoder, path="/test.Service/Echo"):
    return encoder.encode([(":method", "POST"), (":scheme", "http"), (":authority", "localhost"),
                           (":path", path), ("content-type", "application/grpc"), ("te", "trailers"),
                           ("grpc-timeout", "1S"), ("x-trace-bin", "AAEC")])


def message(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


def call(stream, encoder):
    return (HeadersFrame(stream, request(encoder), flags=["END_HEADERS"]).serialize()
            + DataFrame(stream, message(b"hello"), flags=["END_STREAM"]).serialize())


def seeds():
    e = Encoder()
    ack = SettingsFrame(0, flags=["ACK"]).serialize()
    yield "grpc-call", WITH_PREFACE, ack + call(1, e)
    e = Encoder()
    yield "grpc-call-chunked", WITH_PREFACE | CHUNKED, ack + call(1, e) + call(3, e)
    e = Encoder()
    yield "grpc-call-reset-on-data", WITH_PREFACE | RESET_ON_DATA, ack + call(1, e)
    e = Encoder()
    yield "grpc-call-timers", WITH_PREFACE | FIRE_TIMERS, ack + call(1, e)
    e = Encoder()
    yield "grpc-call-shutdown", WITH_PREFACE | SHUTDOWN, ack + call(1, e) + call(3, e) + call(5, e)
    e = Encoder()
    settings = SettingsFrame(0, settings={SettingsFrame.HEADER_TABLE_SIZE: 0, SettingsFrame.INITIAL_WINDOW_SIZE: 10,
                                          SettingsFrame.MAX_FRAME_SIZE: 16384, SettingsFrame.ENABLE_PUSH: 0})
    yield "settings-ping-window", WITH_PREFACE, (
        settings.serialize() + ack + PingFrame(0, opaque_data=b"12345678").serialize()
        + WindowUpdateFrame(0, 65535).serialize() + call(1, e) + WindowUpdateFrame(1, 100).serialize())
    e = Encoder()
    block = request(e)
    yield "continuation", WITH_PREFACE, (
        ack + HeadersFrame(1, block[:10]).serialize() + ContinuationFrame(1, block[10:20]).serialize()
        + ContinuationFrame(1, block[20:], flags=["END_HEADERS"]).serialize()
        + DataFrame(1, message(b"x" * 100)).serialize()
        + HeadersFrame(1, e.encode([("x-trailer", "1")]), flags=["END_HEADERS", "END_STREAM"]).serialize())
    e = Encoder()
    yield "rst-stream", WITH_PREFACE, (
        ack + HeadersFrame(1, request(e), flags=["END_HEADERS"]).serialize() + RstStreamFrame(1, 8).serialize()
        + PriorityFrame(3, depends_on=1, stream_weight=16).serialize() + call(3, e))
    e = Encoder()
    yield "goaway", WITH_PREFACE, ack + call(1, e) + GoAwayFrame(0, last_stream_id=0, error_code=0, additional_data=b"bye").serialize()
    e = Encoder()
    # Without the flag the preface is part of the input, so the fuzzer can also mutate it.
    yield "raw-preface", 0, PREFACE + SettingsFrame(0).serialize() + ack + call(1, e)
    yield "garbage", 0, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def main():
    corpus = sys.argv[1]
    os.makedirs(corpus, exist_ok=True)
    for name, flags, data in seeds():
        with open(os.path.join(corpus, f"gen-{name}"), "wb") as out:
            out.write(bytes([flags]) + data)


main()

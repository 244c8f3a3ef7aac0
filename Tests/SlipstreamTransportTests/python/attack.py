"""Hostile HTTP/2 peers for the transport hardening tests (raw sockets, hyperframe, hpack).

usage: attack.py MODE HOST PORT [COUNT]
Runs one attack against a server on HOST:PORT and prints one JSON line:
  sent      frames (or bytes) of the attack written before the server cut us off
  goaway    error code of the GOAWAY received, or null
  last_stream  last-stream-id of that GOAWAY, or null
  resets    {stream id: RST_STREAM code} received
  grpc_status  grpc-status of the follow-up call on the same connection (big-header), or null
  statuses  {stream id: grpc-status} of every stream that ended with one (deadlines)
  status_ms {stream id: milliseconds from the first request to that status} (deadlines)
  x_hang    {stream id: the x-hang trailer the server sent with that status} (deadlines)
  closed    the server closed the connection (EOF or reset) before our own deadline
  acks      PING ACKs plus SETTINGS ACKs received
  blocked   a write timed out: the server stopped reading without closing
Every socket operation has a timeout; the script ends within about 20 s whatever the server does.
"""
import json
import select
import socket
import ssl
import struct
import sys
import time

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame,
                              PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DEADLINE = time.monotonic() + 20
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
result = {"sent": 0, "goaway": None, "last_stream": None, "resets": {}, "grpc_status": None,
          "statuses": {}, "status_ms": {}, "x_hang": {}, "closed": False, "acks": 0, "blocked": False}
started = time.monotonic()
encoder = Encoder()
inbound = bytearray()


def request_headers(extra=(), path="/test.Transport/Echo"):
    return [(":method", "POST"), (":scheme", "http"), (":authority", f"{host}:{port}"),
            (":path", path), ("content-type", "application/grpc"), ("te", "trailers"),
            *extra]


def frame_bytes(frame):
    return frame.serialize()


def handle(frame):
    if isinstance(frame, GoAwayFrame):
        result["goaway"] = frame.error_code
        result["last_stream"] = frame.last_stream_id
    elif isinstance(frame, (PingFrame, SettingsFrame)) and "ACK" in frame.flags:
        result["acks"] += 1
    elif isinstance(frame, RstStreamFrame):
        result["resets"][str(frame.stream_id)] = frame.error_code
    elif isinstance(frame, HeadersFrame):
        headers = dict(_decoder.decode(frame.data))
        if "grpc-status" in headers:
            result["grpc_status"] = int(headers["grpc-status"])
            result["statuses"][str(frame.stream_id)] = int(headers["grpc-status"])
            result["status_ms"][str(frame.stream_id)] = round((time.monotonic() - started) * 1000)
            if "x-hang" in headers:
                result["x_hang"][str(frame.stream_id)] = headers["x-hang"]


from hpack import Decoder  # noqa: E402

_decoder = Decoder()
_decoder.max_allowed_table_size = 65536


def parse(data):
    """Feeds received bytes; handles every complete frame."""
    inbound.extend(data)
    while len(inbound) >= 9:
        length = int.from_bytes(inbound[:3], "big")
        if len(inbound) < 9 + length:
            return
        frame, _ = Frame.parse_frame_header(memoryview(bytes(inbound[:9])))
        frame.parse_body(memoryview(bytes(inbound[9:9 + length])))
        del inbound[:9 + length]
        handle(frame)


def poll(sock):
    """Reads whatever has arrived without blocking; returns False at EOF or reset."""
    while True:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return True
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError, OSError):
            result["closed"] = True
            return False
        if not data:
            result["closed"] = True
            return False
        parse(data)


def read_until_eof(sock, stop=lambda: False):
    """Reads until EOF, `stop()` or the deadline."""
    while time.monotonic() < DEADLINE and not stop():
        sock.settimeout(max(0.01, DEADLINE - time.monotonic()))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, ssl.SSLError, OSError):
            result["closed"] = True
            return
        if not data:
            result["closed"] = True
            return
        parse(data)


def send(sock, data):
    """Writes `data`; returns False when the server has closed the connection."""
    try:
        sock.sendall(data)
        return True
    except socket.timeout:
        result["blocked"] = True  # the server stopped reading us; that is not a close
        return False
    except (BrokenPipeError, ConnectionResetError, OSError):
        result["closed"] = True
        return False


def connect(rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(10)
    sock.connect((host, port))
    return sock


def handshake(sock):
    send(sock, PREFACE + frame_bytes(SettingsFrame(0)) + frame_bytes(SettingsFrame(0, flags=["ACK"])))


def grpc_message(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


sock = connect(rcvbuf=4096 if mode in ("ping-flood", "settings-flood") else None)

if mode == "rapid-reset":
    # HEADERS + RST_STREAM(CANCEL) on fresh streams, COUNT times, reading as we go.
    handshake(sock)
    block = encoder.encode(request_headers())
    for index in range(count):
        stream = 2 * index + 1
        frames = HeadersFrame(stream, block, flags=["END_HEADERS"]).serialize() + RstStreamFrame(stream, 8).serialize()
        if not send(sock, frames) or not poll(sock) or result["goaway"] is not None:
            break
        result["sent"] += 1
    read_until_eof(sock)

elif mode == "continuations":
    # An Echo call whose header block is a HEADERS frame and COUNT CONTINUATIONs (one literal
    # field each, END_HEADERS on the last), then its message: served up to the limit, refused over it.
    handshake(sock)
    send(sock, HeadersFrame(1, encoder.encode(request_headers()), flags=[]).serialize())
    for index in range(count):
        field = encoder.encode([(f"x-{index}", "y")])
        flags = ["END_HEADERS"] if index == count - 1 else []
        if not send(sock, ContinuationFrame(1, field, flags=flags).serialize()):
            break
        result["sent"] += 1
    send(sock, DataFrame(1, grpc_message(b"continued"), flags=["END_STREAM"]).serialize())
    read_until_eof(sock, stop=lambda: result["grpc_status"] is not None)

elif mode == "big-header":
    # Stream 1: a header list over 8 KiB; stream 3: a normal Echo call on the same connection.
    handshake(sock)
    big = encoder.encode(request_headers([("x-big", "a" * 9000)]))
    send(sock, HeadersFrame(1, big[:16384], flags=["END_HEADERS"]).serialize())
    result["sent"] = 1
    read_until_eof(sock, stop=lambda: "1" in result["resets"] or result["closed"])
    send(sock, HeadersFrame(3, encoder.encode(request_headers()), flags=["END_HEADERS"]).serialize()
         + DataFrame(3, grpc_message(b"after"), flags=["END_STREAM"]).serialize())
    read_until_eof(sock, stop=lambda: result["grpc_status"] is not None)

elif mode == "ping-flood" or mode == "settings-flood":
    # A peer with a tiny receive buffer that never reads: PINGs (or empty SETTINGS) whose ACKs
    # pile up on the server, until the server gives up on us or we reach COUNT frames.
    handshake(sock)
    one = PingFrame(0, opaque_data=b"12345678").serialize() if mode == "ping-flood" else SettingsFrame(0).serialize()
    batch = one * 1000
    sock.settimeout(5)  # failure guard only: a server that stops reading us shows as "blocked"
    while result["sent"] < count and time.monotonic() < DEADLINE:
        if not send(sock, batch):
            break
        result["sent"] += 1000
    # Only now read: whatever ACKs the server managed to queue, then its GOAWAY and EOF.
    read_until_eof(sock)

elif mode == "pings-reading":
    # The well-behaved counterpart of ping-flood: COUNT PINGs in batches of 100, reading the ACKs.
    handshake(sock)
    for _ in range(count // 100):
        if not send(sock, PingFrame(0, opaque_data=b"12345678").serialize() * 100):
            break
        result["sent"] += 100
        expected = result["sent"] + 1  # + the ACK of our SETTINGS
        read_until_eof(sock, stop=lambda: result["acks"] >= expected)

elif mode == "settings-entries":
    # One SETTINGS frame with COUNT entries (SETTINGS_MAX_CONCURRENT_STREAMS, harmless values).
    entries = b"".join(struct.pack(">HI", 0x3, 100 + i) for i in range(count))
    send(sock, PREFACE + len(entries).to_bytes(3, "big") + b"\x04\x00\x00\x00\x00\x00" + entries)
    result["sent"] = 1
    read_until_eof(sock, stop=lambda: result["acks"] >= 1)

elif mode == "silent":
    # Connect and say nothing: the server's settings timer must close us.
    read_until_eof(sock)

elif mode == "garbage":
    send(sock, bytes((i * 37 + 11) % 256 for i in range(4096)))
    result["sent"] = 4096
    read_until_eof(sock)

elif mode == "http1":
    # An HTTP/1.1 request (curl without --http2-prior-knowledge, a browser) to a gRPC port.
    send(sock, f"GET /health HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    result["sent"] = 1
    read_until_eof(sock)

elif mode == "h2c-to-tls":
    # Plaintext HTTP/2 preface and SETTINGS to a TLS port.
    handshake(sock)
    result["sent"] = 1
    read_until_eof(sock)

elif mode == "tls-to-plaintext":
    # A TLS ClientHello to a plaintext port; the handshake must fail, not hang.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    try:
        tls = context.wrap_socket(sock, server_hostname="localhost")
        result["handshake"] = "succeeded"
        read_until_eof(tls)
    except (ssl.SSLError, ConnectionResetError, OSError) as error:
        result["handshake"] = type(error).__name__
        result["closed"] = True
    result["sent"] = 1

elif mode == "tls-unclean-close":
    # What grpcio and Go clients do: TLS, one call, then the TCP connection closes without a
    # TLS close_notify.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    tls = context.wrap_socket(sock, server_hostname="localhost")
    result["handshake"] = "succeeded"
    handshake(tls)
    send(tls, HeadersFrame(1, encoder.encode(request_headers()), flags=["END_HEADERS"]).serialize())
    send(tls, DataFrame(1, grpc_message(b"bye"), flags=["END_STREAM"]).serialize())
    read_until_eof(tls, stop=lambda: result["grpc_status"] is not None)
    result["sent"] = 1
    tls.close()  # no unwrap(): no close_notify
    result["closed"] = True

elif mode == "deadlines":
    # Calls that only the server's deadline (grpc-timeout) can end: we never cancel them.
    #   1: Hang, 60 s   3: Echo, 1 s (answered at once)   5: Hang "watched", 2 s
    #   7: Flood (1,000 x 64 KiB), 2 s, never read: its handler waits for flow control
    # Once 5 has its status, the windows are opened (7's data and status can come), then
    #   9: Echo on the same connection, and 11: Gate, which the test opens once it has
    #   checked the handlers while this connection (and call 1) is still open.
    handshake(sock)

    def call(stream, method, timeout, payload):
        headers = request_headers([("grpc-timeout", timeout)], path=f"/test.Transport/{method}")
        send(sock, HeadersFrame(stream, encoder.encode(headers), flags=["END_HEADERS"]).serialize()
             + DataFrame(stream, grpc_message(payload), flags=["END_STREAM"]).serialize())
        result["sent"] += 1

    started = time.monotonic()
    call(1, "Hang", "60S", b"unwatched")
    call(3, "Echo", "1S", b"quick")
    call(5, "Hang", "2S", b"watched")
    call(7, "Flood", "2S", b"1000")
    read_until_eof(sock, stop=lambda: "5" in result["statuses"] or result["closed"])
    flood_window = 64 * 1024 * 1024 + 1_000_000
    send(sock, WindowUpdateFrame(0, window_increment=flood_window).serialize()
         + WindowUpdateFrame(7, window_increment=flood_window).serialize())
    read_until_eof(sock, stop=lambda: "7" in result["statuses"] or result["closed"])
    call(9, "Echo", "10S", b"after")
    read_until_eof(sock, stop=lambda: "9" in result["statuses"] or result["closed"])
    call(11, "Gate", "30S", b"last")
    read_until_eof(sock, stop=lambda: "11" in result["statuses"] or result["closed"])

else:
    sys.exit(f"unknown mode {mode}")

try:
    sock.close()
except OSError:
    pass
print(json.dumps(result))

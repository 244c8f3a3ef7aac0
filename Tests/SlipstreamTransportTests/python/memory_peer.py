"""Well-behaved but numerous HTTP/2 peers, for measuring what they cost a server in memory.

usage: memory_peer.py MODE HOST PORT COUNT [STREAMS] [tls]
  idle     open COUNT connections; each sends the preface, SETTINGS and a SETTINGS ACK, reads
           the server's SETTINGS, then stays silent.
  streams  open COUNT connections; on each start STREAMS calls to /bench.Memory/Hang (HEADERS
           and a DATA frame with one empty message and END_STREAM), then stay silent.
  resets   open COUNT connections; on each send STREAMS rapid resets (HEADERS for
           /bench.Memory/Hang + RST_STREAM(CANCEL) on fresh streams, in batches of 100), then a
           PING, and wait for its ACK: the server has then processed every reset. A connection
           the server sends GOAWAY on is not ready.
With `tls` the connections use TLS (ALPN h2, no certificate verification).
Prints "ready N" once N connections are set up (N < COUNT if some failed; the reason goes to
stderr), then holds every connection open until stdin closes, and exits 0.
Every connection step has a timeout, so the script never hangs on a stuck server.
"""
import asyncio
import resource
import ssl
import struct
import sys

from hpack import Encoder
from hyperframe.frame import DataFrame, HeadersFrame, PingFrame, RstStreamFrame, SettingsFrame

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
mode, host, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
streams = int(sys.argv[5]) if mode in ("streams", "resets") else 0
use_tls = sys.argv[-1] == "tls"


def raise_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def request_frames(first, count, encoder, reset=False):
    out = bytearray()
    for index in range(first, first + count):
        stream = 2 * index + 1
        block = encoder.encode([(":method", "POST"), (":scheme", "https" if use_tls else "http"),
                                (":authority", f"{host}:{port}"), (":path", "/bench.Memory/Hang"),
                                ("content-type", "application/grpc"), ("te", "trailers")])
        out += HeadersFrame(stream, block, flags=["END_HEADERS"]).serialize()
        if reset:
            out += RstStreamFrame(stream, 8).serialize()
        else:
            out += DataFrame(stream, b"\x00" + struct.pack(">I", 0), flags=["END_STREAM"]).serialize()
    return bytes(out)


async def await_ping_ack(reader):
    """Reads frames until the ACK of our PING; fails on GOAWAY or EOF."""
    while True:
        header = await asyncio.wait_for(reader.readexactly(9), 30)
        length = int.from_bytes(header[:3], "big")
        kind, flags = header[3], header[4]
        payload = await asyncio.wait_for(reader.readexactly(length), 30)
        if kind == 0x7:
            raise RuntimeError(f"GOAWAY {int.from_bytes(payload[4:8], 'big')}")
        if kind == 0x6 and flags & 0x1 and payload == b"memprobe":
            return


async def connect(context, held):
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=context, server_hostname="localhost" if context else None), 30)
    writer.write(PREFACE + SettingsFrame(0).serialize() + SettingsFrame(0, flags=["ACK"]).serialize())
    # The server's first frame is its SETTINGS: once it is here the connection is set up.
    header = await asyncio.wait_for(reader.readexactly(9), 30)
    await asyncio.wait_for(reader.readexactly(int.from_bytes(header[:3], "big")), 30)
    encoder = Encoder()
    if mode == "streams":
        writer.write(request_frames(0, streams, encoder))
    elif mode == "resets":
        for first in range(0, streams, 100):
            writer.write(request_frames(first, min(100, streams - first), encoder, reset=True))
            await asyncio.wait_for(writer.drain(), 30)
        writer.write(PingFrame(0, opaque_data=b"memprobe").serialize())
        await await_ping_ack(reader)
    await asyncio.wait_for(writer.drain(), 30)
    held.append((reader, writer))


async def main():
    raise_file_limit()
    context = None
    if use_tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
    held = []
    limit = asyncio.Semaphore(100)  # connections being set up at once

    async def one():
        async with limit:
            try:
                await connect(context, held)
            except Exception as error:  # counted as not ready; reported for the reader
                print(f"connection failed: {error!r}", file=sys.stderr)

    await asyncio.gather(*(one() for _ in range(count)))
    print(f"ready {len(held)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for _, writer in held:
        writer.close()


asyncio.run(main())

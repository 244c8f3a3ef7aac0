"""A local stand-in for Alpaca's market-data websocket stream, for the SlipstreamAlpaca tests.

It follows Alpaca's documentation (https://docs.alpaca.markets/docs/streaming-market-data and
https://docs.alpaca.markets/docs/real-time-stock-pricing-data):

- on connect: [{"T":"success","msg":"connected"}]
- {"action":"auth","key":…,"secret":…} -> [{"T":"success","msg":"authenticated"}], or
  402 auth failed (wrong key or secret), 403 already authenticated, and 406 connection limit
  exceeded (then close) when the key already has an authenticated session
- no successful auth within --auth-timeout seconds: 404 auth timeout, then close
- subscribe/unsubscribe before auth: 401 not authenticated
- a message that is not a JSON object with a known action, or a malformed symbol: 400 invalid syntax
- subscribe that would take quotes (or trades) past --symbol-limit: 405 symbol limit exceeded,
  subscriptions unchanged
- after subscribe/unsubscribe: the whole subscription, every documented channel
- control and data messages are JSON arrays; quotes may be batched in one frame

The test drives it through stdin, one command a line, each acknowledged by "ok <command>" on
stdout once done (its frames are written by then):

- quotes SYM:BP:BS:AP:AS:T ...   one frame per authenticated session holding the quotes for the
                                 symbols it subscribes to (numbers are copied as literal text)
- raw TEXT                       TEXT as one frame to every authenticated session
- error CODE MESSAGE             an unsolicited error to every authenticated session
- drop                           abort every session's TCP connection (no close frame)
- unauth                         forget every session's authentication (the next action gets 401)
- sessions                       print "sessions N" (authenticated sessions)
- requests                       print "requests N,M,…": the symbol counts of each subscribe
                                 and unsubscribe every authenticated session has sent
- revoke KEY                     stop accepting KEY (later auths with it get 402)
- mute                           send no welcome to sessions that connect from now on
- fragments N TEXT               TEXT as one message in N websocket fragments, to every
                                 authenticated session
- ping                           ping every authenticated session, print "pong" for each answer
- close CODE REASON              close every session with a websocket close frame

With --tls-cert and --tls-key it serves wss:// (ALPN http/1.1).

The first line on stdout is "PORT <n>". Usage:
  python3 alpaca_standin.py --key KEY:SECRET [--key …] [--symbol-limit 30] [--auth-timeout 10]
                            [--tls-cert PEM --tls-key PEM]
"""

import argparse
import asyncio
import json
import re
import ssl
import sys

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

CHANNELS = ["trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "corrections", "cancelErrors"]
LIMITED_CHANNELS = {"trades", "quotes"}
SYMBOL = re.compile(r"^(\*|[A-Z]{1,5}(\.[A-Z]{1,2})?|FAKEPACA)$")


def error(code, message):
    return json.dumps([{"T": "error", "code": code, "msg": message}], separators=(",", ":"))


class Session:
    def __init__(self, connection):
        self.connection = connection
        self.key = None
        self.subscriptions = {channel: [] for channel in CHANNELS}
        self.request_sizes = []

    def subscription_message(self):
        return json.dumps([{"T": "subscription", **self.subscriptions}], separators=(",", ":"))


class StandIn:
    def __init__(self, keys, symbol_limit, auth_timeout):
        self.keys = keys
        self.symbol_limit = symbol_limit
        self.auth_timeout = auth_timeout
        self.sessions = []  # every open session, in connection order
        self.active_keys = {}  # key -> authenticated session
        self.muted = False

    def authenticated(self):
        return [s for s in self.sessions if s.key is not None]

    async def handle(self, connection):
        session = Session(connection)
        self.sessions.append(session)
        try:
            if not self.muted:
                await connection.send(json.dumps([{"T": "success", "msg": "connected"}], separators=(",", ":")))
            timer = asyncio.get_running_loop().call_later(self.auth_timeout, self.expire, session)
            try:
                async for message in connection:
                    await self.on_message(session, message)
            finally:
                timer.cancel()
        except ConnectionClosed:
            pass
        finally:
            self.forget(session)

    def forget(self, session):
        if session in self.sessions:
            self.sessions.remove(session)
        if session.key is not None and self.active_keys.get(session.key) is session:
            del self.active_keys[session.key]

    def expire(self, session):
        if session.key is None and session in self.sessions:
            asyncio.ensure_future(self.refuse(session, 404, "auth timeout"))

    async def refuse(self, session, code, message):
        self.forget(session)
        try:
            await session.connection.send(error(code, message))
            await session.connection.close()
        except ConnectionClosed:
            pass

    async def on_message(self, session, message):
        send = session.connection.send
        try:
            request = json.loads(message)
        except (ValueError, TypeError):
            await send(error(400, "invalid syntax"))
            return
        if not isinstance(request, dict) or not isinstance(request.get("action"), str):
            await send(error(400, "invalid syntax"))
            return
        action = request["action"]
        if action == "auth":
            await self.on_auth(session, request)
        elif action in ("subscribe", "unsubscribe"):
            await self.on_change(session, action, request)
        else:
            await send(error(400, "invalid syntax"))

    async def on_auth(self, session, request):
        if session.key is not None:
            await session.connection.send(error(403, "already authenticated"))
            return
        key, secret = request.get("key"), request.get("secret")
        if not isinstance(key, str) or not isinstance(secret, str):
            await session.connection.send(error(400, "invalid syntax"))
            return
        if self.keys.get(key) != secret:
            await session.connection.send(error(402, "auth failed"))
            return
        holder = self.active_keys.get(key)
        # A session whose close has been received no longer counts, even if its handler has
        # not finished yet.
        if holder is not None and holder.connection.state is State.OPEN:
            await self.refuse(session, 406, "connection limit exceeded")
            return
        session.key = key
        self.active_keys[key] = session
        await session.connection.send(json.dumps([{"T": "success", "msg": "authenticated"}], separators=(",", ":")))

    async def on_change(self, session, action, request):
        send = session.connection.send
        if session.key is None:
            await send(error(401, "not authenticated"))
            return
        changes = {}
        session.request_sizes.append(sum(len(v) for k, v in request.items() if k != "action" and isinstance(v, list)))
        for channel, symbols in request.items():
            if channel == "action":
                continue
            if channel not in CHANNELS or not isinstance(symbols, list):
                await send(error(400, "invalid syntax"))
                return
            if not all(isinstance(s, str) and SYMBOL.match(s) for s in symbols):
                await send(error(400, "invalid syntax"))
                return
            changes[channel] = symbols
        updated = {channel: list(symbols) for channel, symbols in session.subscriptions.items()}
        for channel, symbols in changes.items():
            if action == "subscribe":
                updated[channel] += [s for s in dict.fromkeys(symbols) if s not in updated[channel]]
            else:
                updated[channel] = [s for s in updated[channel] if s not in symbols]
        if any(len(updated[c]) > self.symbol_limit for c in LIMITED_CHANNELS):
            await send(error(405, "symbol limit exceeded"))
            return
        session.subscriptions = updated
        await send(session.subscription_message())

    async def command(self, line):
        name, _, rest = line.partition(" ")
        if name == "quotes":
            quotes = [self.quote(spec) for spec in rest.split()]
            for session in self.authenticated():
                mine = [text for symbol, text in quotes if symbol in session.subscriptions["quotes"]]
                if mine:
                    await self.send_quietly(session, "[" + ",".join(mine) + "]")
        elif name == "raw":
            for session in self.authenticated():
                await self.send_quietly(session, rest)
        elif name == "error":
            code, _, message = rest.partition(" ")
            for session in self.authenticated():
                await self.send_quietly(session, error(int(code), message))
        elif name == "drop":
            for session in list(self.sessions):
                self.forget(session)
                session.connection.transport.abort()
        elif name == "unauth":
            for session in list(self.sessions):
                if session.key is not None and self.active_keys.get(session.key) is session:
                    del self.active_keys[session.key]
                session.key = None
        elif name == "revoke":
            self.keys.pop(rest, None)
        elif name == "mute":
            self.muted = True
        elif name == "fragments":
            count, _, text = rest.partition(" ")
            size = -(-len(text) // int(count))
            pieces = [text[i : i + size] for i in range(0, len(text), size)]
            for session in self.authenticated():
                await self.send_quietly(session, pieces)
        elif name == "ping":
            for session in self.authenticated():
                waiter = await session.connection.ping()
                await asyncio.wait_for(waiter, timeout=5)
                print("pong", flush=True)
        elif name == "close":
            code, _, reason = rest.partition(" ")
            for session in list(self.sessions):
                self.forget(session)
                await session.connection.close(int(code), reason)
        elif name == "requests":
            for session in self.authenticated():
                print("requests " + ",".join(str(n) for n in session.request_sizes), flush=True)
        elif name == "sessions":
            print(f"sessions {len(self.authenticated())}", flush=True)
        else:
            print(f"unknown command {name}", file=sys.stderr, flush=True)
        print(f"ok {name}", flush=True)

    @staticmethod
    def quote(spec):
        symbol, bp, bs, ap, asize, t = spec.split(":", 5)
        text = (
            f'{{"T":"q","S":"{symbol}","bx":"V","bp":{bp},"bs":{bs},"ax":"V","ap":{ap},"as":{asize},'
            f'"c":["R"],"z":"C","t":"{t}"}}'
        )
        return symbol, text

    @staticmethod
    async def send_quietly(session, text):
        try:
            await session.connection.send(text)
        except ConnectionClosed:
            pass


async def read_commands(stand_in):
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return  # the test closed stdin: stop
        line = line.decode().strip()
        if line:
            await stand_in.command(line)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", action="append", default=[], help="KEY:SECRET accepted by auth")
    parser.add_argument("--symbol-limit", type=int, default=30)
    parser.add_argument("--auth-timeout", type=float, default=10.0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--lifetime", type=float, default=120.0, help="exit after this many seconds")
    args = parser.parse_args()
    keys = dict(pair.split(":", 1) for pair in args.key)
    stand_in = StandIn(keys, args.symbol_limit, args.auth_timeout)
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["http/1.1"])
    async with serve(stand_in.handle, "127.0.0.1", 0, ssl=context, compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        try:
            await asyncio.wait_for(read_commands(stand_in), timeout=args.lifetime)
        except asyncio.TimeoutError:
            print("lifetime over", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())

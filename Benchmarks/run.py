#!/usr/bin/env python3
"""Slipstream benchmark: our gRPC server against peer implementations, same run, same pinning.

Each server is started pinned to CPU 0 (`taskset -c 0`) and driven by h2load pinned to CPU 1.
Before any figure is taken, a server must pass verification on each security mode:
  - a real gRPC client (peers/python/quotes_client.py verify): grpc-status 0, 64-byte unary
    reply carrying the request, 10 x 64-byte stream messages;
  - h2load count runs that check the DATA bytes per call (h2load counts HTTP 2xx, not
    grpc-status: a wrong answer would still "succeed"): 69 bytes (5 + 64) per unary call and
    69 x N per Stream call of N messages.
A server that fails is reported as FAILED, with no figures.

Scenarios (TLS and h2c each):
  unary c1m1, c4m16, c16m32   h2load -D <duration> with the gRPC body peers/unary.bin
  unary c4m16, 5 s deadline   the same with `grpc-timeout: 5S` on every call, as real clients
                              send (the server must then enforce a deadline per call)
  stream 1 and 8 streams      h2load -n S -m S on one connection, Stream body asking N messages
                              each (N sized from a short calibration run to last ~<duration>)

Usage: Benchmarks/run.py [--quick] [--duration S] [--repeat K] [--servers a,b,c]
                         [--build-peers] [--no-build] [--json FILE] [--glibc-tunables VALUE]
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("SLIPSTREAM_PEERS", "/work/shared/peers")
PEER_SWIFT_SCRATCH = os.environ.get("PEER_GRPC_SWIFT_2_SCRATCH", "/tmp/peer-grpc-swift-2")
OURS = os.path.join(ROOT, ".build", "release", "slipstream-quotes-server")
UNARY_BODY = os.path.join(PEERS, "unary.bin")
CLIENT = os.path.join(PEERS, "python", "quotes_client.py")
SERVER_CPU = "0"
CLIENT_CPU = "1"
GRPC_FRAME = 5
MESSAGE = 64
UNARY_SCENARIOS = [(1, 1), (4, 16), (16, 32)]
# (c, m, grpc-timeout): calls that carry a deadline
DEADLINE_SCENARIOS = [(4, 16, "5S")]
STREAM_SCENARIOS = [1, 8]
GRPC_HEADERS = ["-H", "content-type: application/grpc", "-H", "te: trailers"]
# The malloc setting pricing-service runs with (services/run-platform.sh). Every Swift
# task takes a 1 KiB slab from malloc for its frames; with hundreds of calls in flight the
# slabs overflow glibc's per-thread cache (7 chunks per size by default) and every call pays
# malloc's and free's slow paths. Given to every server of a run alike (--glibc-tunables).
SERVER_GLIBC_TUNABLES = "glibc.malloc.tcache_count=1024"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- servers


class Server:
    """One server implementation: how to start it plain or with TLS."""

    def __init__(self, key, title, argv, available, why_not=""):
        self.key, self.title, self.argv, self.available, self.why_not = key, title, argv, available, why_not

    def command(self, port, tls):
        cmd = ["taskset", "-c", SERVER_CPU] + self.argv + ["--port", str(port)]
        if tls:
            cmd += ["--tls", tls["cert"], tls["key"]]
        return cmd


def servers(selected):
    peer_swift = os.path.join(PEER_SWIFT_SCRATCH, "release", "QuotesServer")
    try:
        import grpc  # noqa: F401
        have_grpcio, why = True, ""
    except ImportError:
        have_grpcio, why = False, "python grpcio is not installed (pip install grpcio)"
    all_servers = [
        Server("slipstream", "Slipstream", [OURS, "--threads", "1"], os.path.exists(OURS),
               f"{OURS} missing (build failed?)"),
        Server("slipstream-el", "Slipstream (handlers on the event loop)",
               [OURS, "--threads", "1", "--handlers", "event-loop"], os.path.exists(OURS),
               f"{OURS} missing (build failed?)"),
        Server("grpc-swift-2", "grpc-swift-2", [peer_swift, "--threads", "1"], os.path.exists(peer_swift),
               f"{peer_swift} missing: run with --build-peers (first build ~8 min)"),
        Server("grpcio", "grpcio (sync)", [sys.executable, os.path.join(PEERS, "python", "quotes_server.py")],
               have_grpcio, why),
    ]
    return [s for s in all_servers if s.key in selected]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Running:
    """A started server process; stopped on exit of the `with` block."""

    def __init__(self, server, tls, workdir):
        self.server, self.tls = server, tls
        self.port = free_port()
        mode = "tls" if tls else "h2c"
        self.logpath = os.path.join(workdir, f"{server.key}-{mode}.log")

    def __enter__(self):
        self.logfile = open(self.logpath, "w")
        env = dict(os.environ)
        env.pop("GLIBC_TUNABLES", None)
        if SERVER_GLIBC_TUNABLES:
            env["GLIBC_TUNABLES"] = SERVER_GLIBC_TUNABLES
        self.proc = subprocess.Popen(self.server.command(self.port, self.tls), stdout=self.logfile,
                                     stderr=subprocess.STDOUT, env=env)
        if not wait_listening(self.port, self.proc):
            self.__exit__(None, None, None)
            raise RuntimeError(f"{self.server.title} did not start listening; log: {self.logpath}\n"
                               + open(self.logpath).read()[-2000:])
        return self

    def cpu_seconds(self):
        """User + system CPU seconds of the server process so far (all threads)."""
        try:
            fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logfile.close()


# ---------------------------------------------------------------- h2load


def url(run, path):
    return f"{'https' if run.tls else 'http'}://127.0.0.1:{run.port}{path}"


def h2load(args, timeout):
    cmd = ["taskset", "-c", CLIENT_CPU, "h2load"] + args
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = parse_h2load(out)
    # h2load's own CPU share of its core: near 100 % means the figure is client-bound
    result["client_cpu"] = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall
    return result


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def parse_h2load(out):
    r = {"raw": out}
    if m := re.search(r"finished in ([\d.]+)(us|ms|s), ([\d.]+) req/s", out):
        r["elapsed"] = seconds(m.group(1) + m.group(2))
        r["rps"] = float(m.group(3))
    if m := re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                      r"(\d+) errored, (\d+) timeout", out):
        r["done"], r["succeeded"], r["failed"] = int(m.group(3)), int(m.group(4)), int(m.group(5))
    if m := re.search(r"traffic: .*?\((\d+)\) total.*\((\d+)\) data", out):
        r["data_bytes"] = int(m.group(2))
    if m := re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)", out):
        r["mean_latency"] = seconds(m.group(3))
    return r


def percentiles(logfile):
    """p50/p99 of request durations from an h2load --log-file (start µs, status, duration µs)."""
    durations = []
    with open(logfile) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1] == "200":
                durations.append(int(parts[2]) * 1e-6)
    if len(durations) < 2:
        return None, None
    durations.sort()
    q = lambda p: durations[min(len(durations) - 1, int(p * len(durations)))]
    return q(0.50), q(0.99)


def stream_body(path, count):
    payload = struct.pack("<Q", count) + b"\0" * 8
    with open(path, "wb") as f:
        f.write(b"\0" + struct.pack(">I", len(payload)) + payload)


# ---------------------------------------------------------------- verification


def verify(run, workdir, certs):
    """Real gRPC client check plus h2load DATA-bytes checks. Returns (ok, explanation)."""
    cmd = [sys.executable, CLIENT, "verify", "--target", f"127.0.0.1:{run.port}"]
    if run.tls:
        cmd += ["--tls", certs["ca"]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return False, "quotes_client.py verify timed out"
    if p.returncode != 0 or "VERIFY OK" not in out:
        return False, "quotes_client.py verify failed:\n" + out[-1500:]

    calls = 50
    r = h2load(["-n", str(calls), "-c", "1", "-m", "1", "-d", UNARY_BODY] + GRPC_HEADERS
               + [url(run, "/bench.Quotes/GetQuote")], timeout=60)
    want = calls * (GRPC_FRAME + MESSAGE)
    if not r or r.get("succeeded") != calls or r.get("data_bytes") != want:
        return False, f"h2load unary check: want {calls} succeeded and {want} DATA bytes, got " \
                      f"{r and (r.get('succeeded'), r.get('data_bytes'))}"

    n, streams = 1000, 4
    body = os.path.join(workdir, "verify-stream.bin")
    stream_body(body, n)
    r = h2load(["-n", str(streams), "-c", "1", "-m", str(streams), "-d", body] + GRPC_HEADERS
               + [url(run, "/bench.Quotes/Stream")], timeout=60)
    want = streams * n * (GRPC_FRAME + MESSAGE)
    if not r or r.get("succeeded") != streams or r.get("data_bytes") != want:
        return False, f"h2load stream check: want {streams} succeeded and {want} DATA bytes, got " \
                      f"{r and (r.get('succeeded'), r.get('data_bytes'))}"
    return True, out.strip().splitlines()[-1]


# ---------------------------------------------------------------- scenarios


def unary(run, c, m, duration, workdir, timeout=None):
    logfile = os.path.join(workdir, f"h2load-{run.server.key}-c{c}m{m}{'-t' if timeout else ''}.log")
    deadline = ["-H", f"grpc-timeout: {timeout}"] if timeout else []
    cpu0 = run.cpu_seconds()
    r = h2load(["-c", str(c), "-m", str(m), "-D", str(duration), "--warm-up-time", "1",
                "-d", UNARY_BODY, "--log-file", logfile] + GRPC_HEADERS + deadline
               + [url(run, "/bench.Quotes/GetQuote")], timeout=duration + 60)
    cpu1 = run.cpu_seconds()
    if not r or "rps" not in r:
        return {"error": "h2load failed or timed out" + ("" if not r else ": " + r["raw"][-500:])}
    # every request is verified for 2xx and the exact DATA bytes of a 64-byte reply
    expected = r.get("succeeded", 0) * (GRPC_FRAME + MESSAGE)
    result = {"value": r["rps"], "mean_latency": r.get("mean_latency"),
              "failed": r.get("failed", 0), "server_cpu": (cpu1 - cpu0) / (duration + 1),
              "client_cpu": r["client_cpu"],
              "data_ok": r.get("data_bytes", -1) >= expected and r.get("failed", 0) == 0}
    result["p50"], result["p99"] = percentiles(logfile)
    return result


def stream(run, streams, duration, workdir):
    body = os.path.join(workdir, f"stream-{run.server.key}.bin")

    def once(total):
        per_stream = max(1, total // streams)
        stream_body(body, per_stream)
        cpu0 = run.cpu_seconds()
        r = h2load(["-n", str(streams), "-c", "1", "-m", str(streams), "-d", body] + GRPC_HEADERS
                   + [url(run, "/bench.Quotes/Stream")], timeout=max(120, 10 * duration))
        cpu1 = run.cpu_seconds()
        if not r or "elapsed" not in r:
            return None
        want = streams * per_stream * (GRPC_FRAME + MESSAGE)
        msgs = streams * per_stream
        return {"value": msgs / r["elapsed"], "messages": msgs, "elapsed": r["elapsed"],
                "data_ok": r.get("data_bytes") == want and r.get("succeeded") == streams,
                "server_cpu": (cpu1 - cpu0) / r["elapsed"], "client_cpu": r["client_cpu"]}

    probe = once(20_000 * streams)  # calibration: also warms up
    if not probe:
        return {"error": "stream calibration run failed or timed out"}
    total = int(min(max(probe["value"] * duration, 20_000), 20_000_000))
    result = once(total)
    return result or {"error": "stream run failed or timed out"}


def scenarios():
    out = []
    for tls in (True, False):
        mode = "TLS" if tls else "h2c"
        for c, m in UNARY_SCENARIOS:
            out.append({"name": f"unary {mode} c{c}m{m}", "kind": "unary", "tls": tls, "c": c, "m": m})
        for c, m, timeout in DEADLINE_SCENARIOS:
            out.append({"name": f"unary {mode} c{c}m{m}, {timeout} deadline", "kind": "unary", "tls": tls,
                        "c": c, "m": m, "timeout": timeout})
        for s in STREAM_SCENARIOS:
            out.append({"name": f"stream {mode} {s} stream{'s' if s > 1 else ''}", "kind": "stream",
                        "tls": tls, "streams": s})
    return out


def median_result(results):
    good = [r for r in results if "value" in r]
    if not good:
        return results[-1]
    good.sort(key=lambda r: r["value"])
    return good[len(good) // 2] | {"runs": [r["value"] for r in good]}


def measure(server, certs, args, workdir):
    """All scenarios for one server: {scenario name: result}; or {"_failed": why}."""
    results = {}
    for tls in (True, False):
        mode = "TLS" if tls else "h2c"
        try:
            with Running(server, certs if tls else None, workdir) as run:
                ok, why = verify(run, workdir, certs)
                if not ok:
                    log(f"  {server.title} {mode}: VERIFICATION FAILED: {why}")
                    results[f"_failed_{mode}"] = why
                    continue
                log(f"  {server.title} {mode}: verified ({why})")
                for sc in [s for s in scenarios() if s["tls"] == tls]:
                    runs = []
                    for _ in range(args.repeat):
                        if sc["kind"] == "unary":
                            runs.append(unary(run, sc["c"], sc["m"], args.duration, workdir, sc.get("timeout")))
                        else:
                            runs.append(stream(run, sc["streams"], args.duration, workdir))
                        if run.proc.poll() is not None:
                            runs.append({"error": f"server exited (code {run.proc.returncode})"})
                            break
                    results[sc["name"]] = median_result(runs)
                    log(f"    {sc['name']}: {describe(results[sc['name']], sc['kind'])}")
                    if run.proc.poll() is not None:
                        results[f"_failed_{mode}"] = f"server exited during {sc['name']}; log {run.logpath}"
                        break
        except RuntimeError as e:
            results[f"_failed_{mode}"] = str(e)
            log(f"  {server.title} {mode}: {e}")
    return results


def describe(r, kind):
    if "value" not in r:
        return "ERROR " + r.get("error", "?")
    unit = "req/s" if kind == "unary" else "msgs/s"
    s = f"{r['value']:,.0f} {unit}"
    if r.get("mean_latency"):
        s += f", mean {r['mean_latency'] * 1e6:.0f} µs"
    if r.get("p99"):
        s += f", p50 {r['p50'] * 1e6:.0f} µs, p99 {r['p99'] * 1e6:.0f} µs"
    s += f", server CPU {100 * r.get('server_cpu', float('nan')):.0f} %"
    s += f", h2load CPU {100 * r.get('client_cpu', float('nan')):.0f} %"
    if not r.get("data_ok", True):
        s += " [DATA bytes mismatch]"
    return s


# ---------------------------------------------------------------- report


def cell(r, kind, with_latency):
    if r is None:
        return "—"
    if "value" not in r:
        return "error"
    s = f"{r['value']:,.0f}"
    if with_latency and r.get("mean_latency"):
        s += f" ({r['mean_latency'] * 1e6:.0f} µs)"
    if not r.get("data_ok", True):
        s += " ⚠"
    return s


def ratio(ours, peer):
    if not ours or not peer or "value" not in ours or "value" not in peer or not peer["value"]:
        return "—"
    return f"{ours['value'] / peer['value']:.2f}"


def table(all_results, measured):
    peers = [s for s in measured if s.key != "slipstream"]
    head = ["scenario", "Slipstream"]
    for p in peers:
        head += [p.title, f"ours/{p.key}"]
    # With handlers on the event loop measured too, its ratio against every other peer.
    el_measured = any(s.key == "slipstream-el" for s in measured)
    el_peers = [p for p in peers if p.key != "slipstream-el"] if el_measured else []
    head += [f"slipstream-el/{p.key}" for p in el_peers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ours = all_results.get("slipstream", {})
    el = all_results.get("slipstream-el", {})
    for sc in scenarios():
        name, kind = sc["name"], sc["kind"]
        latency = kind == "unary" and sc["c"] == 1
        unit = "req/s" if kind == "unary" else "msgs/s"
        row = [f"{name} ({unit}{', mean latency' if latency else ''})", cell(ours.get(name), kind, latency)]
        for p in peers:
            pr = all_results.get(p.key, {}).get(name)
            row += [cell(pr, kind, latency), ratio(ours.get(name), pr)]
        for p in el_peers:
            row.append(ratio(el.get(name), all_results.get(p.key, {}).get(name)))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def cpu_table(all_results, measured):
    head = ["scenario"] + [s.title for s in measured]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for sc in scenarios():
        row = [sc["name"]]
        for s in measured:
            r = all_results.get(s.key, {}).get(sc["name"])
            extra = ""
            if r and "value" in r and sc["kind"] == "unary" and r.get("p99"):
                extra = f", p50 {r['p50'] * 1e6:.0f} / p99 {r['p99'] * 1e6:.0f} µs"
            row.append(f"{100 * r['server_cpu']:.0f} % / {100 * r['client_cpu']:.0f} %{extra}"
                       if r and "server_cpu" in r else "—")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- setup


def make_certs(workdir):
    """A development CA and a server certificate for localhost / 127.0.0.1 (openssl CLI)."""
    ca, ca_key = os.path.join(workdir, "ca.crt"), os.path.join(workdir, "ca.key")
    cert, key = os.path.join(workdir, "server.crt"), os.path.join(workdir, "server.key")
    csr, ext = os.path.join(workdir, "server.csr"), os.path.join(workdir, "server.ext")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run = lambda cmd: subprocess.run(cmd, check=True, capture_output=True)
    run(["openssl", "req", "-x509"] + ec + ["-keyout", ca_key, "-out", ca, "-days", "30",
        "-subj", "/CN=Slipstream Bench CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["openssl", "req"] + ec + ["-keyout", key, "-out", csr, "-subj", "/CN=localhost"])
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                "keyUsage=critical,digitalSignature\n")
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", cert, "-days", "30", "-extfile", ext])
    return {"ca": ca, "cert": cert, "key": key}


def build_ours():
    log("building slipstream-quotes-server (release)...")
    subprocess.run(["swift", "build", "-c", "release", "--product", "slipstream-quotes-server"],
                   cwd=ROOT, check=True)


def build_peers():
    # Built from a copy in a folder of another name: SwiftPM names the root package after its
    # folder, and a root called "grpc-swift-2" hides the grpc-swift-2 dependency ("product
    # 'GRPCCore' ... not found in package 'grpc-swift-2'").
    source = os.path.join(os.path.dirname(PEER_SWIFT_SCRATCH), "peer-src", "quotes-peer-grpc-swift-2")
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(os.path.join(PEERS, "grpc-swift-2"), source, ignore=shutil.ignore_patterns(".build"))
    log(f"building the grpc-swift-2 peer into {PEER_SWIFT_SCRATCH} (first build takes ~8 min)...")
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", PEER_SWIFT_SCRATCH],
                   cwd=source, check=True)


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    h2 = subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "swift": swift[0] if swift else "?", "h2load": h2, "python": platform.python_version()}


def main():
    global SERVER_GLIBC_TUNABLES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=10, help="seconds per scenario (default 10)")
    ap.add_argument("--quick", action="store_true", help="3 s per scenario")
    ap.add_argument("--repeat", type=int, default=1, help="runs per scenario; the median is reported")
    ap.add_argument("--servers", default="slipstream,grpc-swift-2,grpcio")
    ap.add_argument("--build-peers", action="store_true", help="build the grpc-swift-2 peer first")
    ap.add_argument("--no-build", action="store_true", help="use the existing release build")
    ap.add_argument("--json", help="also write all results as JSON here")
    ap.add_argument("--glibc-tunables", default=SERVER_GLIBC_TUNABLES, metavar="VALUE",
                    help="GLIBC_TUNABLES for every server (default: %(default)s, the setting "
                         "pricing-service runs with; '' for glibc's defaults)")
    args = ap.parse_args()
    SERVER_GLIBC_TUNABLES = args.glibc_tunables
    if args.quick:
        args.duration = 3
    args.duration = int(args.duration) if args.duration == int(args.duration) else args.duration

    for tool in ("taskset", "h2load", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is required (apt-get install util-linux nghttp2-client openssl)")
    if (os.cpu_count() or 1) < 2:
        sys.exit("needs 2 CPUs: the server is pinned to CPU 0 and h2load to CPU 1")

    selected = set(args.servers.split(","))
    unknown = selected - {"slipstream", "slipstream-el", "grpc-swift-2", "grpcio"}
    if unknown:
        sys.exit(f"unknown server(s) {', '.join(sorted(unknown))}: choose from slipstream, slipstream-el, grpc-swift-2, grpcio")
    if not args.no_build and "slipstream" in selected:
        build_ours()
    if args.build_peers and "grpc-swift-2" in selected:
        build_peers()

    workdir = tempfile.mkdtemp(prefix="slipstream-bench-")
    certs = make_certs(workdir)
    started = datetime.datetime.now(datetime.timezone.utc)
    all_results, measured = {}, []
    for server in servers(selected):
        if not server.available:
            log(f"skipping {server.title}: {server.why_not}")
            continue
        log(f"measuring {server.title} ({args.duration} s per scenario)")
        all_results[server.key] = measure(server, certs, args, workdir)
        measured.append(server)

    info = machine()
    print(f"# Slipstream benchmark, {started:%Y-%m-%d %H:%M} UTC\n")
    print(f"machine: {info['cpu']}, {info['cores']} CPUs, Linux {info['kernel']}; {info['swift']}; "
          f"{info['h2load']}; Python {info['python']}; load average at the end {info['load']}")
    print(f"command: Benchmarks/run.sh {' '.join(sys.argv[1:])}")
    print(f"servers pinned to CPU {SERVER_CPU} (one event-loop thread), h2load pinned to CPU {CLIENT_CPU}; "
          f"{args.duration} s per scenario, median of {args.repeat}; every server started with "
          + (f"GLIBC_TUNABLES={SERVER_GLIBC_TUNABLES}" if SERVER_GLIBC_TUNABLES else "glibc's malloc defaults")
          + "\n")
    for s in measured:
        for mode in ("TLS", "h2c"):
            if f"_failed_{mode}" in all_results[s.key]:
                print(f"**{s.title} {mode}: FAILED — no figures reported.** "
                      f"{all_results[s.key][f'_failed_{mode}'].splitlines()[0]}\n")
    print(table(all_results, measured))
    print("\nserver CPU / h2load CPU (each a share of its one core) and unary latency percentiles:\n")
    print(cpu_table(all_results, measured))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"started": started.isoformat(), "machine": info, "duration": args.duration,
                       "results": {k: {n: {kk: vv for kk, vv in r.items() if kk != "raw"}
                                       if isinstance(r, dict) else r for n, r in v.items()}
                                   for k, v in all_results.items()}}, f, indent=1)
    log(f"logs in {workdir}")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Builds and runs every Slipstream service on its embedded defaults, each as its own process,
# from the repository root (so each reads services/<name>/config.json and shares the
# development certificates in .slipstream/dev-pki). Ctrl-C or SIGTERM stops them all
# gracefully; if one service stops on its own, the others are stopped too and this script
# exits with that service's status.
set -euo pipefail
cd "$(dirname "$0")/.."

services=(pricing-service ledger-service)

usage() {
  cat <<EOF
usage: services/run-platform.sh [--debug | --bin-path DIR]

Builds (release by default) and starts: ${services[*]}.
Each prints one line saying where it listens; their logs interleave on this terminal.
Ports, TLS and storage come from services/<name>/config.json. Environment overrides such as
SERVER__PORT would apply to every service: to change one service, edit its config file or
run it alone (swift run -c release <service> --help). pricing-service starts with
GLIBC_TUNABLES=glibc.malloc.tcache_count=1024 unless GLIBC_TUNABLES is already set.

  --debug          build and run debug binaries (faster to build, slower to run)
  --bin-path DIR   run the executables already built in DIR; build nothing
EOF
}

configuration=release
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) configuration=debug ;;
    --bin-path)
      [ $# -ge 2 ] || { echo "run-platform.sh: --bin-path needs a directory" >&2; exit 2; }
      bin="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-platform.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ -z "$bin" ]; then
  for service in "${services[@]}"; do
    echo "== building $service ($configuration)" >&2
    swift build -c "$configuration" --product "$service"
  done
  bin="$(swift build -c "$configuration" --show-bin-path)"
fi
for service in "${services[@]}"; do
  if [ ! -x "$bin/$service" ]; then
    echo "run-platform.sh: $bin/$service is not an executable (build it, or drop --bin-path)" >&2
    exit 2
  fi
done

# pricing-service runs with a larger glibc per-thread malloc cache: every call's Swift task
# takes a 1 KiB slab from malloc, and with hundreds of calls in flight the slabs overflow
# glibc's default cache (7 chunks per size), so every call pays malloc's slow paths; the
# larger cache measured +10-13 % unary calls/s on one core on the transport's benchmark
# server (BENCHMARKS.md). Not the ledger:
# its store measured no gain (slightly fewer trades/s, within noise). A GLIBC_TUNABLES
# already in the environment wins, for every service.
malloc_tuning="glibc.malloc.tcache_count=1024"

pids=()
signalled=0
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
}
# A terminal's Ctrl-C reaches every process of the foreground group, the services included;
# a SIGTERM or SIGINT sent to this script alone is passed on.
trap 'signalled=1; stop_all' TERM INT

for service in "${services[@]}"; do
  if [ "$service" = pricing-service ] && [ -z "${GLIBC_TUNABLES+set}" ]; then
    GLIBC_TUNABLES="$malloc_tuning" "$bin/$service" &
  else
    "$bin/$service" &
  fi
  pids+=("$!")
done

# Wait for the first service to stop (on a signal, or on its own: a port in use, a bad
# config), then stop the rest and wait for each. Stopped by a signal, the script's status is
# the worst of the services' (0 when they all stopped cleanly); otherwise it is the status of
# the service that stopped first, or 1 if that one exited 0 unasked.
first=0
wait -n "${pids[@]}" || first=$?
stop_all
worst=0
for pid in "${pids[@]}"; do
  code=0
  wait "$pid" 2>/dev/null || code=$?
  # A signal that arrives meanwhile interrupts `wait`: wait again while the service runs.
  while [ "$code" -gt 128 ] && kill -0 "$pid" 2>/dev/null; do
    code=0
    wait "$pid" 2>/dev/null || code=$?
  done
  # 127: already reaped by `wait -n` above.
  if [ "$code" != 127 ] && [ "$code" -gt "$worst" ]; then worst=$code; fi
done
if [ "$signalled" = 1 ]; then exit "$worst"; fi
echo "run-platform.sh: a service stopped (status $first); stopped the others" >&2
exit $(( first == 0 ? 1 : first ))

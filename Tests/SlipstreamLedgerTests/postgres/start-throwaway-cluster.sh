#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster for the ledger's PostgreSQL tests and prints its
# URL on stdout, for example:
#
#   export SLIPSTREAM_TEST_POSTGRES_URL="$(Tests/SlipstreamLedgerTests/postgres/start-throwaway-cluster.sh)"
#   swift test --filter SlipstreamLedgerTests
#   Tests/SlipstreamLedgerTests/postgres/stop-throwaway-cluster.sh "$SLIPSTREAM_TEST_POSTGRES_URL"
#
# The cluster lives in a new temporary directory, listens on 127.0.0.1 only, on a free port
# chosen at random, trusts local connections (user "ledger", database "ledger_test"), and runs
# with fsync off (it is thrown away) unless SLIPSTREAM_PG_FSYNC=on (for durable benchmark
# figures: `ledger-bench --postgres-url`). PostgreSQL refuses to run as root, so when this script
# runs as root the cluster runs as the "postgres" user (Debian's postgresql package creates
# it; override with SLIPSTREAM_PG_RUN_AS).
#
# Needs Debian's postgresql-15 (initdb and pg_ctl in /usr/lib/postgresql/15/bin; override with
# SLIPSTREAM_PG_BIN) and python3 (to find a free port).
set -euo pipefail

bin="${SLIPSTREAM_PG_BIN:-/usr/lib/postgresql/15/bin}"
for tool in initdb pg_ctl createdb; do
  if [[ ! -x "$bin/$tool" ]]; then
    echo "start-throwaway-cluster: $bin/$tool not found; install postgresql-15 (apt-get install postgresql-15) or set SLIPSTREAM_PG_BIN" >&2
    exit 1
  fi
done

run_as=()
if [[ "$(id -u)" == 0 ]]; then
  user="${SLIPSTREAM_PG_RUN_AS:-postgres}"
  if ! id "$user" >/dev/null 2>&1; then
    echo "start-throwaway-cluster: running as root and user '$user' does not exist; create it or set SLIPSTREAM_PG_RUN_AS" >&2
    exit 1
  fi
  run_as=(runuser -u "$user" --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/slipstream-ledger-pg.XXXXXX")"
chmod 755 "$dir"
if [[ ${#run_as[@]} -gt 0 ]]; then chown "$user" "$dir"; fi

fsync="${SLIPSTREAM_PG_FSYNC:-off}"
if [[ "$fsync" != on && "$fsync" != off ]]; then
  echo "start-throwaway-cluster: SLIPSTREAM_PG_FSYNC must be on or off, not '$fsync'" >&2
  exit 1
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U ledger --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=50" start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}
"${run_as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U ledger ledger_test

# Remember where the cluster of this port lives, for the stop script.
echo "$dir" >"${TMPDIR:-/tmp}/slipstream-ledger-pg.$port.dir"
echo "postgres://ledger@127.0.0.1:$port/ledger_test?sslmode=disable"

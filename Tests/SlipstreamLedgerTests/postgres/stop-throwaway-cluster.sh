#!/usr/bin/env bash
# Stops a cluster made by start-throwaway-cluster.sh and deletes its directory.
# Usage: stop-throwaway-cluster.sh <the URL the start script printed, or its port>
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: stop-throwaway-cluster.sh <postgres URL or port>" >&2
  exit 2
fi
port="$1"
if [[ "$port" == postgres* ]]; then
  port="$(echo "$1" | sed -E 's#^[^@]*@[^:/]*:([0-9]+)/.*$#\1#')"
fi
state="${TMPDIR:-/tmp}/slipstream-ledger-pg.$port.dir"
if [[ ! -f "$state" ]]; then
  echo "stop-throwaway-cluster: no cluster started on port $port ($state missing)" >&2
  exit 1
fi
dir="$(cat "$state")"
bin="${SLIPSTREAM_PG_BIN:-/usr/lib/postgresql/15/bin}"
run_as=()
if [[ "$(id -u)" == 0 ]]; then run_as=(runuser -u "${SLIPSTREAM_PG_RUN_AS:-postgres}" --); fi
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
rm -rf "$dir" "$state"

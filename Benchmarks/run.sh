#!/bin/sh
# The Slipstream benchmark program: builds the release server, verifies and measures it and
# the peer servers in one run, prints a table. Options: see `Benchmarks/run.sh --help`.
exec python3 "$(dirname "$0")/run.py" "$@"

#!/usr/bin/env bash
# Fuzzes the HTTP/2 frame layer (a server-side HTTP2ConnectionHandler on nghttp2, see
# Tests/Fuzz/HTTP2Fuzzer/HTTP2Fuzzing.swift) with libFuzzer + AddressSanitizer for SECONDS
# seconds (default 60).
#
#   Tests/Fuzz/run-fuzz-http2.sh 20
#
# Builds the `http2-fuzzer` product with SwiftPM into .build-fuzz-h2/ (gitignored; the first
# build compiles NIOCore with the sanitizers and takes a few minutes, later ones are
# incremental), seeds a corpus there with valid frame sequences (the corpus grows across
# runs), and exits non-zero if libFuzzer finds a crash, a failed check or a leak (the input
# is left in .build-fuzz-h2/artifacts/; replay it with a plain
# `swift run http2-fuzzer .build-fuzz-h2/artifacts/crash-...`).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build-fuzz-h2"
corpus="$out/corpus"
mkdir -p "$out" "$corpus" "$out/artifacts"
cd "$root"

# SwiftPM's --sanitize=fuzzer instruments only the executable's own module for coverage;
# -sanitize-coverage extends it to every Swift module (SlipstreamHTTP2, NIOCore). nghttp2 is
# the system library and is not instrumented: its parser is exercised, not coverage-guided.
flags=(-c release --scratch-path "$out/build" --sanitize=fuzzer --sanitize=address
  -Xswiftc -DFUZZING -Xswiftc -g -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)
echo "building the HTTP/2 fuzzer..."
swift build "${flags[@]}" --product http2-fuzzer
fuzzer="$(swift build "${flags[@]}" --show-bin-path)/http2-fuzzer"

python3 "$root/Tests/Fuzz/http2-seeds.py" "$corpus"

echo "fuzzing for ${seconds}s..."
# As in run-fuzz.sh: let ASan and libFuzzer, not the Swift backtracer, report crashes.
SWIFT_BACKTRACE=enable=no "$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
  -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$corpus"

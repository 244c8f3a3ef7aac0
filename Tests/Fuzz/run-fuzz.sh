#!/usr/bin/env bash
# Fuzzes SlipstreamWire, then the HTTP/2 frame layer (run-fuzz-http2.sh), with libFuzzer +
# AddressSanitizer for SECONDS seconds each (default 60).
#
#   Tests/Fuzz/run-fuzz.sh 20
#
# Builds Sources/SlipstreamWire/**/*.swift with the entry point in one swiftc invocation into
# .build-fuzz/ (gitignored), seeds a corpus there with a few generated inputs (the corpus
# grows across runs), and exits non-zero if libFuzzer finds a crash (the input is left in
# .build-fuzz/artifacts/).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build-fuzz"
corpus="$out/corpus"
mkdir -p "$out" "$corpus" "$out/artifacts"
cd "$root"

mapfile -t sources < <(find Sources/SlipstreamWire -name '*.swift' | sort)
echo "building fuzzer from ${#sources[@]} files..."
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  -swift-version 6 -enable-upcoming-feature ExistentialAny \
  -module-name SlipstreamWireFuzz \
  -I Sources/CZlib -lz \
  "${sources[@]}" Tests/Fuzz/FuzzMain.swift \
  -o "$out/wire-fuzzer"

# Seeds: valid frames (identity and gzip), a timeout, header fields, a status message.
printf '\x00\x00\x00\x00\x03abc\x00\x00\x00\x00\x00' >"$corpus/gen-two-messages"
printf '\x01\x00\x00\x00\x14\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$corpus/gen-gzip-empty"
printf '99999999H' >"$corpus/gen-timeout"
printf 'trace-id:abc\nblob-bin:AAEC\nx-bin:AQ==,Ag\n:path:/a/b' >"$corpus/gen-headers"
printf 'caf%%C3%%A9 %%zz %%' >"$corpus/gen-percent"

echo "fuzzing for ${seconds}s..."
# The Swift runtime's backtracer would race AddressSanitizer's own report; let ASan and
# libFuzzer report crashes (a failed precondition shows as a deadly signal with its message).
SWIFT_BACKTRACE=enable=no "$out/wire-fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$corpus"

# The HTTP/2 frame layer (HTTP2ConnectionHandler on nghttp2), for the same time.
"$root/Tests/Fuzz/run-fuzz-http2.sh" "$seconds"

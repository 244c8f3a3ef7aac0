#!/usr/bin/env bash
# Regenerates the committed Swift for proto-spec/:
#   slipstream/* and grpc/health/*  -> Sources/SlipstreamAPI/Generated/
#   grpc/testing/*                  -> Sources/SlipstreamInterop/Generated/
#
# Typed service stubs for SlipstreamRPC (`<file>.slipstream.swift`: method descriptors, a
# server protocol and a client per service) come from proto-spec/protoc-gen-slipstream, a
# small protoc plugin in Python (needs `pip install protobuf`, which grpcio-tools brings).
#
# Usage: proto-spec/generate-swift.sh
#
# Needs Debian's `protoc` (protobuf-compiler) on PATH. The protoc-gen-swift plugin is built
# from swift-protobuf 1.39.0 (the version Package.swift resolves) cloned from
# $SWIFT_PROTOBUF_GIT (default /opt/swift-packages/apple/swift-protobuf.git) into
# proto-spec/.build/ (gitignored). Set PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift to use a
# plugin you already built instead.
set -euo pipefail

SPEC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$SPEC_DIR/.." && pwd)"
SWIFT_PROTOBUF_TAG="1.39.0"
SWIFT_PROTOBUF_GIT="${SWIFT_PROTOBUF_GIT:-/opt/swift-packages/apple/swift-protobuf.git}"

command -v protoc >/dev/null || { echo "error: protoc not found; apt-get install protobuf-compiler" >&2; exit 1; }

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
  build_dir="$SPEC_DIR/.build/swift-protobuf-$SWIFT_PROTOBUF_TAG"
  if [[ ! -d "$build_dir" ]]; then
    git -c advice.detachedHead=false clone --quiet --branch "$SWIFT_PROTOBUF_TAG" "$SWIFT_PROTOBUF_GIT" "$build_dir"
  fi
  (cd "$build_dir" && swift build --product protoc-gen-swift >&2)
  PROTOC_GEN_SWIFT="$build_dir/.build/debug/protoc-gen-swift"
fi
[[ -x "$PROTOC_GEN_SWIFT" ]] || { echo "error: $PROTOC_GEN_SWIFT is not executable" >&2; exit 1; }

# generate OUT_DIR PROTO... : regenerates OUT_DIR from scratch with public visibility and
# file names derived from the full proto path (no clashes between packages).
generate() {
  local out="$1"; shift
  rm -rf "$out"
  mkdir -p "$out"
  protoc \
    --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --proto_path="$SPEC_DIR" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=PathToUnderscores \
    --swift_out="$out" \
    --plugin=protoc-gen-slipstream="$SPEC_DIR/protoc-gen-slipstream" \
    --slipstream_out="$out" \
    "$@"
}

cd "$SPEC_DIR"
generate "$ROOT_DIR/Sources/SlipstreamAPI/Generated" \
  $(find slipstream grpc/health -name '*.proto' | LC_ALL=C sort)
generate "$ROOT_DIR/Sources/SlipstreamInterop/Generated" \
  $(find grpc/testing -name '*.proto' | LC_ALL=C sort)
echo "generated Swift for $(find slipstream grpc -name '*.proto' | wc -l) proto files"

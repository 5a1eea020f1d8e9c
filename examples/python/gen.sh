#!/usr/bin/env bash
# Generates the Python stubs of the licnn.v1 contract into examples/python/build/gen
# (never committed). Needs protoc and grpc_python_plugin (Debian: protobuf-compiler,
# protobuf-compiler-grpc) and google/rpc/status.proto, looked up in this order:
# $GOOGLEAPIS, /usr/include, /usr/local/include, the proto-google-common-protos jar in ~/.m2
# (see ../googleapis.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PROTO="$ROOT/proto/src/main/proto"
BUILD="$HERE/build"
GEN="$BUILD/gen"

command -v protoc >/dev/null || { echo "gen.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 2; }
PLUGIN="$(command -v grpc_python_plugin || true)"
[ -n "$PLUGIN" ] || { echo "gen.sh: grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 2; }

googleapis="$("$ROOT/examples/googleapis.sh")"

rm -rf "$GEN"
mkdir -p "$GEN"
# google/rpc/status.proto is generated too: Debian has no googleapis-common-protos package.
protoc -I "$PROTO" -I "$googleapis" \
  --python_out="$GEN" --grpc_python_out="$GEN" --plugin=protoc-gen-grpc_python="$PLUGIN" \
  "$PROTO"/licnn/v1/types.proto "$PROTO"/licnn/v1/licnn_service.proto "$googleapis"/google/rpc/status.proto
# No __init__.py files: licnn/ and google/ stay namespace packages, so google.rpc (here) and
# google.protobuf (python3-protobuf) both import.
echo "$GEN"

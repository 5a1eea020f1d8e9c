#!/usr/bin/env bash
# Installs the npm dependencies when missing (npm ci, from package-lock.json), finds
# google/rpc/status.proto and runs explain.js.
# Usage: examples/node/run.sh --target HOST:PORT IMAGE --out saliency.npy
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -d "$HERE/node_modules/@grpc/grpc-js" ] || [ ! -d "$HERE/node_modules/@grpc/proto-loader" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
GOOGLEAPIS="$("$HERE/../googleapis.sh")"
export GOOGLEAPIS
exec node "$HERE/explain.js" "$@"

#!/usr/bin/env bash
# Polyglot check: one server on a free loopback port (bundled model), the same image explained
# by the Java client (`licnn explain`), the Python example and the Node example; the three
# saliency maps must agree (max abs difference < 1e-6). Installs its apt/npm dependencies when
# missing (as root, or through sudo).
#
# Usage: examples/check-polyglot.sh [IMAGE]   (default: a PNG under samples/, else a generated one)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-polyglot.XXXXXX")"
cleanup() {
  local rc=$?
  stop_servers
  if [ $rc -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- server log (tail)" >&2; tail -n 20 "$WORK/server.log" >&2
  fi
  [ "${KEEP_WORK:-0}" = 1 ] && log "work dir kept: $WORK" || rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-numpy python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
command -v node >/dev/null && command -v npm >/dev/null || ensure_apt nodejs npm
ensure_build

IMAGE="${1:-}"
if [ -z "$IMAGE" ]; then
  IMAGE="$(find "$ROOT/samples" -maxdepth 2 -name '*.png' 2>/dev/null | sort | head -n 1 || true)"
fi
if [ -z "$IMAGE" ]; then
  "$PY" "$HERE/make-images.py" "$WORK/images" 1
  IMAGE="$WORK/images/shape-000.png"
fi
log "image: $IMAGE"

PORT="$(free_port)"
start_server "$PORT" "$WORK/server.log"
PID="$STARTED_PID"
wait_serving "$PORT" "$PID" 180
TARGET="127.0.0.1:$PORT"
log "server serving on $TARGET (pid $PID)"

timeout 300 "$ROOT/licnn" explain "$IMAGE" --target "$TARGET" --out "$WORK/java" --layer-kinds NONE >&2
JAVA_NPY="$(find "$WORK/java" -name saliency.npy | head -n 1)"
[ -n "$JAVA_NPY" ] || die "the Java client wrote no saliency.npy"
log "java: $JAVA_NPY"

timeout 300 "$HERE/python/run.sh" --target "$TARGET" "$IMAGE" --out "$WORK/python.npy" >&2
log "python: $WORK/python.npy"

timeout 600 "$HERE/node/run.sh" --target "$TARGET" "$IMAGE" --out "$WORK/node.npy" >&2
log "node: $WORK/node.npy"

"$PY" - "$JAVA_NPY" "$WORK/python.npy" "$WORK/node.npy" <<'PY'
import sys
import numpy as np
ref = np.load(sys.argv[1])
assert ref.dtype == np.float32 and ref.ndim == 2, (ref.dtype, ref.shape)
assert np.isfinite(ref).all() and ref.max() > 0, "reference saliency map is degenerate"
for name, path in (("python", sys.argv[2]), ("node", sys.argv[3])):
    m = np.load(path)
    assert m.dtype == np.float32, f"{name}: dtype {m.dtype}"
    assert m.shape == ref.shape, f"{name}: shape {m.shape} != {ref.shape}"
    d = float(np.abs(m.astype(np.float64) - ref.astype(np.float64)).max())
    assert d < 1e-6, f"{name}: max abs diff {d} >= 1e-6"
    print(f"{name}: {m.shape[0]}x{m.shape[1]} float32, max abs diff to java {d:.3g}")
PY
log "PASS polyglot: java, python and node saliency maps agree"

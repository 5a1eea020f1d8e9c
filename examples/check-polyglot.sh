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
log "plaintext: java, python and node saliency maps agree"

# ---- the same over mutual TLS with a bearer token ----
command -v openssl >/dev/null || ensure_apt openssl
PKI="$WORK/pki"; mkdir -p "$PKI"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=licnn polyglot CA" \
  -keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null
for who in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$who" \
    -keyout "$PKI/$who.key" -out "$PKI/$who.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$PKI/$who.ext"
  openssl x509 -req -in "$PKI/$who.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial -days 1 \
    -extfile "$PKI/$who.ext" -out "$PKI/$who.pem" 2>/dev/null
done
printf '# polyglot check\npolyglot-token-%s\n' "$(openssl rand -hex 16)" >"$PKI/tokens"
TPORT="$(free_port)"
start_server "$TPORT" "$WORK/server-tls.log" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" \
  --tls-client-ca "$PKI/ca.pem" --token-file "$PKI/tokens"
TPID="$STARTED_PID"
TLS_ARGS=(--ca "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key")
start=$SECONDS
until "$ROOT/licnn" health --target "127.0.0.1:$TPORT" "${TLS_ARGS[@]}" --timeout-seconds 10 -q >/dev/null 2>&1; do
  kill -0 "$TPID" 2>/dev/null || die "TLS server exited: $(tail -n 3 "$WORK/server-tls.log")"
  (( SECONDS - start < 180 )) || die "TLS server not serving after 180 s"
  sleep 1
done
TTARGET="127.0.0.1:$TPORT"
log "mutual-TLS server with bearer tokens serving on $TTARGET"
"$ROOT/licnn" health --target "$TTARGET" --timeout-seconds 3 -q >/dev/null 2>&1 && die "plaintext health check succeeded against TLS"
if timeout 120 "$HERE/python/run.sh" --target "$TTARGET" "${TLS_ARGS[@]}" "$IMAGE" --out "$WORK/no-token.npy" \
    >"$WORK/no-token.log" 2>&1; then
  die "python without a token was served"
fi
grep -q UNAUTHENTICATED "$WORK/no-token.log" || die "no token: expected UNAUTHENTICATED, got: $(tail -n 2 "$WORK/no-token.log")"
timeout 300 "$ROOT/licnn" explain "$IMAGE" --target "$TTARGET" "${TLS_ARGS[@]}" --token-file "$PKI/tokens" \
  --out "$WORK/java-tls" --layer-kinds NONE >&2
timeout 300 "$HERE/python/run.sh" --target "$TTARGET" "${TLS_ARGS[@]}" --token-file "$PKI/tokens" "$IMAGE" \
  --out "$WORK/python-tls.npy" >&2
timeout 600 "$HERE/node/run.sh" --target "$TTARGET" "${TLS_ARGS[@]}" --token-file "$PKI/tokens" "$IMAGE" \
  --out "$WORK/node-tls.npy" >&2
"$PY" - "$JAVA_NPY" "$(find "$WORK/java-tls" -name saliency.npy | head -n 1)" "$WORK/python-tls.npy" "$WORK/node-tls.npy" <<'PY'
import sys
import numpy as np
ref = np.load(sys.argv[1])
for name, path in zip(("java", "python", "node"), sys.argv[2:]):
    d = float(np.abs(np.load(path).astype(np.float64) - ref.astype(np.float64)).max())
    assert d < 1e-6, f"{name} over TLS: max abs diff {d} >= 1e-6"
    print(f"{name} over mutual TLS with a token: max abs diff to plaintext java {d:.3g}")
PY
log "PASS polyglot: java, python and node agree, over plaintext and over mutual TLS with a bearer token"

#!/usr/bin/env bash
# The live viewer in a real browser: runs the viewer's unit tests, builds its bundle from the sources and checks that it is
# the committed one, starts `licnn serve --web-port` on free loopback ports (bundled model, and a narrow
# 1000-class model for the class search), and runs
# test/viewer-check.mjs in Debian's Chromium through puppeteer-core. Screenshots and the check's
# output go to web/target/viewer/. Installs chromium (apt) and the npm packages when missing.
#
# Usage: web/check-viewer.sh
set -euo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WEB/.." && pwd)"
# shellcheck source=../examples/lib.sh
. "$ROOT/examples/lib.sh"

OUT="$WEB/target/viewer"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-viewer.XXXXXX")"
cleanup() {
  local rc=$?
  stop_servers
  if [ $rc -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- server log (tail)" >&2; tail -n 30 "$WORK/server.log" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt chromium
command -v node >/dev/null && command -v npm >/dev/null || ensure_apt nodejs npm
ensure_build
(cd "$WEB" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2)
(cd "$WEB" && npm test >&2) || die "the viewer's unit tests failed"

# The committed bundle is what the sources build.
(cd "$WEB" && node build/generate.mjs >&2 && VIEWER_OUT="$WORK/bundle" node build/bundle.mjs >&2)
diff -r "$WORK/bundle" "$ROOT/server/src/main/resources/dev/licnn/server/web/viewer" >&2 \
  || die "the committed viewer bundle is stale: run (cd web && npm ci && npm run build) and commit it"
log "the committed bundle matches its sources"

# many_classes_models: the served models, the bundled one first (the default), then a narrow VGG-11 with
# seeded random weights and the 1000 ImageNet classes for the class-search checks.
MANY_CLASSES_MODEL=vgg11-16-random
many_classes_models() {
  MODELS=(--model "$ROOT/models/shapes-vgg16" --random-model vgg11/16)
}
many_classes_models

LICNN_JAVA_OPTS="${LICNN_SERVER_JAVA_OPTS:--Xmx1g}" "$ROOT/licnn" serve --host 127.0.0.1 --port 0 --web-port 0 \
    --metrics-port 0 --no-warmup "${MODELS[@]}" >"$WORK/server.log" 2>&1 &
PID=$!
SERVER_PIDS+=("$PID")
start=$SECONDS
until grep -q "licnn viewer and gRPC-Web on" "$WORK/server.log"; do
  kill -0 "$PID" 2>/dev/null || die "server exited before serving"
  (( SECONDS - start < 180 )) || die "server not serving after 180 s"
  sleep 1
done
URL="$(grep -o 'licnn viewer and gRPC-Web on http://[^ ]*' "$WORK/server.log" | awk '{print $NF}')"
METRICS_PORT="$(grep -o 'metrics on :[0-9]*' "$WORK/server.log" | grep -o '[0-9]*$')"
log "viewer at $URL, metrics on :$METRICS_PORT"

mkdir -p "$OUT"
(cd "$WEB" && timeout 600 node test/viewer-check.mjs --url "$URL" --metrics "http://127.0.0.1:$METRICS_PORT/metrics" --out "$OUT" \
    --many-classes-model "$MANY_CLASSES_MODEL")
log "PASS viewer: screenshots in ${OUT#"$ROOT"/}"

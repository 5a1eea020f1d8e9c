#!/usr/bin/env bash
# The Python client's check: installs the package (install.sh: apt + pip, no PyPI), runs its
# pytest suite (which starts its own `licnn serve` processes on the bundled model), then
# executes the notebook examples/explore.ipynb headless against a fresh server; any cell error
# fails the check. The executed notebook and its figures land in clients/python/build/notebook;
# with --update-docs the figures are also copied to docs/python/.
#
# Usage: clients/python/check.sh [--update-docs] [PYTEST ARGS...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../examples/lib.sh
. "$ROOT/examples/lib.sh"
UPDATE_DOCS=0
if [ "${1:-}" = "--update-docs" ]; then UPDATE_DOCS=1; shift; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-python.XXXXXX")"
cleanup() {
  local rc=$?
  stop_servers
  if [ $rc -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- notebook server log (tail)" >&2; tail -n 20 "$WORK/server.log" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_apt python3-pytest jupyter-nbconvert python3-ipykernel openssl
ensure_build
VPY="$("$HERE/install.sh")"
VENV="$(dirname "$(dirname "$VPY")")"
log "licnn package installed in $VENV"

start=$SECONDS
(cd "$HERE/tests" && timeout 900 "$VPY" -m pytest -q -p no:cacheprovider -c "$HERE/pyproject.toml" \
    --rootdir "$HERE" "$@") || die "pytest failed"
log "pytest passed ($((SECONDS - start)) s)"

start=$SECONDS
PORT="$(free_port)"
start_server "$PORT" "$WORK/server.log"
wait_serving "$PORT" "$STARTED_PID" 180
# The kernel must be the environment's python: a kernelspec named python3 inside it wins.
"$VPY" -m ipykernel install --prefix "$VENV" --name python3 >/dev/null 2>&1
OUTDIR="$HERE/build/notebook"
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR/figures"
(cd "$HERE/examples" && LICNN_TARGET="127.0.0.1:$PORT" LICNN_FIGURES="$OUTDIR/figures" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  timeout 600 "$VPY" -Xfrozen_modules=off -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
  --output-dir "$OUTDIR" explore.ipynb >"$WORK/nbconvert.log" 2>&1) \
  || { tail -n 40 "$WORK/nbconvert.log" >&2; die "the notebook failed"; }
n="$(find "$OUTDIR/figures" -name '*.png' | wc -l)"
(( n >= 4 )) || die "the notebook wrote $n figures, expected 4"
log "notebook executed: $OUTDIR/explore.ipynb, $n figures ($((SECONDS - start)) s)"
if [ $UPDATE_DOCS = 1 ]; then
  mkdir -p "$ROOT/docs/python"
  for f in "$OUTDIR"/figures/*.png; do cp "$f" "$ROOT/docs/python/explore-$(basename "$f")"; done
  log "figures copied to docs/python/"
fi
log "PASS python client: pytest suite and notebook"

#!/usr/bin/env bash
# Installs the licnn package (clients/python/install.sh: Debian packages, no PyPI) and runs
# explain.py with it. Usage: examples/python/run.sh --target HOST:PORT IMAGE --out saliency.npy
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="$("$HERE/../../clients/python/install.sh")"
exec "$PY" "$HERE/explain.py" "$@"

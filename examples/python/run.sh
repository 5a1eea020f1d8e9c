#!/usr/bin/env bash
# Generates the stubs (into build/, not committed) and runs explain.py with Debian's python3.
# Usage: examples/python/run.sh --target HOST:PORT IMAGE --out saliency.npy
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/gen.sh" >/dev/null
exec /usr/bin/python3 "$HERE/explain.py" "$@"

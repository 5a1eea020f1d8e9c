#!/usr/bin/env bash
# Installs the licnn Python package from this directory into a virtual environment that sees
# Debian's packages (no PyPI needed) and prints that environment's python. Installs the Debian
# packages it needs when they are missing (as root, or through sudo). Re-run it after proto/
# changes: the stubs are generated from proto/ by the build.
#
# Usage: clients/python/install.sh [VENV]   (default clients/python/build/venv)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../examples/lib.sh
. "$ROOT/examples/lib.sh"
VENV="${1:-$HERE/build/venv}"

ensure_apt python3-numpy python3-grpcio python3-protobuf python3-setuptools python3-venv python3-pip \
  protobuf-compiler protobuf-compiler-grpc python3-pil python3-matplotlib
[ -x "$VENV/bin/python" ] || $PY -m venv --system-site-packages "$VENV" >&2
mkdir -p "$HERE/build"
if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps \
    --no-index --force-reinstall "$HERE" >"$HERE/build/pip.log" 2>&1; then
  cat "$HERE/build/pip.log" >&2
  die "pip install of clients/python failed"
fi
echo "$VENV/bin/python"

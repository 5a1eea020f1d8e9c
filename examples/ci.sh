#!/usr/bin/env bash
# Runs the example checks one after the other and ends with the line `N passed, M failed`.
# Exit code 0 only when every check passed. Each check is bounded by CHECK_TIMEOUT seconds
# (default 1200). Usage: examples/ci.sh
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CHECKS=(
  "$HERE/check-polyglot.sh"
  "$HERE/scale-out-test.sh"
  "$ROOT/docker/check-deploy.sh"
  "$ROOT/web/check-viewer.sh"
  "$HERE/own-model.sh"
)
passed=0; failed=0; failures=()
for c in "${CHECKS[@]}"; do
  name="${c#"$ROOT"/}"
  echo "=== $name" >&2
  start=$SECONDS
  timeout --kill-after=30 "${CHECK_TIMEOUT:-1200}" "$c"
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "=== $name: PASS ($((SECONDS - start)) s)" >&2
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAIL, exit $rc ($((SECONDS - start)) s)" >&2
  fi
done
[ $failed -gt 0 ] && echo "failed: ${failures[*]}" >&2
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

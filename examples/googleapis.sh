#!/usr/bin/env bash
# Prints a directory that contains google/rpc/status.proto (imported by the licnn.v1 contract).
# Looks in $GOOGLEAPIS, /usr/include, /usr/local/include, then extracts the file from the
# proto-google-common-protos jar in the Maven repository (~/.m2, filled by the Java build)
# into DEST (default examples/build/googleapis).
# Usage: googleapis.sh [DEST]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="${1:-$HERE/build/googleapis}"
for d in ${GOOGLEAPIS:-} /usr/include /usr/local/include "$DEST"; do
  if [ -f "$d/google/rpc/status.proto" ]; then echo "$d"; exit 0; fi
done
jar=""
for f in "${M2_REPO:-$HOME/.m2/repository}"/com/google/api/grpc/proto-google-common-protos/*/proto-google-common-protos-*.jar; do
  case "$f" in *-sources.jar|*-javadoc.jar) continue ;; esac
  [ -f "$f" ] && jar="$f"   # versions sort by name; the last one wins
done
if [ -z "$jar" ]; then
  echo "googleapis.sh: google/rpc/status.proto not found: set GOOGLEAPIS to a googleapis checkout," \
       "or build the Java project first (mvn install fetches proto-google-common-protos)" >&2
  exit 2
fi
mkdir -p "$DEST"
/usr/bin/python3 - "$jar" "$DEST" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extract("google/rpc/status.proto", sys.argv[2])
PY
echo "$DEST"

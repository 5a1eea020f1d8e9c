#!/usr/bin/env bash
# Packs what docker/gpu/run-on-gpu.sh needs on a GPU machine that has PyTorch (CUDA) but no JDK and
# no network: a jlink'd JRE (with the JNI headers), the server/CLI jars without DJL's CPU libtorch,
# and DJL 0.36.0's JNI sources with their generated header, in case DJL's prebuilt JNI library
# does not load against the machine's libtorch. Run it from the repository root on a build machine
# with JDK 17 and Maven:
#
#   DJL_SRC=/path/to/djl docker/gpu/prepare.sh      # a git clone of deepjavalibrary/djl (tag v0.36.0 is used)
#
# Output: .gpu/payload.tar.xz (git-ignored through .git/info/exclude), about 26 MiB: with the
# repository's own files (about 32 MiB) it fits a 64 MiB transfer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DJL_TAG="${DJL_TAG:-v0.36.0}"
: "${DJL_SRC:?set DJL_SRC to a git clone of https://github.com/deepjavalibrary/djl}"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"

grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> "$(git rev-parse --git-path info/exclude)"
STAGE=.gpu/stage
rm -rf "$STAGE" .gpu/payload.tar.xz
mkdir -p "$STAGE/app/lib" "$STAGE/djl"

echo "building the jars (reactor package, no install)..." >&2
mvn -q -B -ntp -DskipTests package
# Jars re-packed without compression (and pytorch-jni with its linux-x86_64 libraries only), so
# that xz compresses them all together: about 40% smaller than the jars as they come.
restore() {
  local jar="$1" dest="$2" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q "$jar" && rm -rf jnilib/linux-aarch64 jnilib/osx-* jnilib/win-* && zip -q -0 -r -X "$dest" .)
  rm -rf "$tmp"
}
restore "$(ls "$ROOT"/cli/target/licnn-cli-*.jar)" "$ROOT/$STAGE/app/licnn-cli-0.1.0-SNAPSHOT.jar"
for j in "$ROOT"/cli/target/lib/*.jar; do
  case "$(basename "$j")" in pytorch-native-cpu-*) continue ;; esac
  restore "$j" "$ROOT/$STAGE/app/lib/$(basename "$j")"
done

echo "jlink: a JRE with the modules the server and benchmarks use..." >&2
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,jdk.unsupported,jdk.crypto.ec,jdk.management \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$STAGE/jre"
# JNI headers, for building DJL's JNI library there (FindJNI looks under JAVA_HOME/include).
cp -r "$JAVA_HOME/include" "$STAGE/jre/include"

echo "DJL $DJL_TAG JNI sources and header..." >&2
git -C "$DJL_SRC" archive "$DJL_TAG" api/src/main/native engines/pytorch/pytorch-native/CMakeLists.txt \
  engines/pytorch/pytorch-native/src/main/native engines/pytorch/pytorch-engine/src/main/java | tar -x -C "$STAGE/djl"
API_JAR="$(ls "$ROOT"/cli/target/lib/api-0.36.0.jar)"
NATIVE="$STAGE/djl/engines/pytorch/pytorch-native"
mkdir -p "$NATIVE/build/include" /tmp/licnn-djl-classes
"$JAVA_HOME/bin/javac" -cp "$API_JAR" -sourcepath "$STAGE/djl/engines/pytorch/pytorch-engine/src/main/java" \
  -h "$NATIVE/build/include" -d /tmp/licnn-djl-classes \
  "$STAGE/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$STAGE/djl/engines/pytorch/pytorch-engine" /tmp/licnn-djl-classes

tar -C "$STAGE" -cf - . | xz -T0 -6 > .gpu/payload.tar.xz
rm -rf "$STAGE"
SIZE=$(stat -c %s .gpu/payload.tar.xz)
echo ".gpu/payload.tar.xz: $((SIZE / 1024 / 1024)) MiB" >&2
if [ "$SIZE" -gt $((30 * 1024 * 1024)) ]; then
  echo "larger than the 30 MiB budget beside the repository's files" >&2
  exit 1
fi

#!/usr/bin/env bash
# Runs the engine on a CUDA GPU with the machine's own PyTorch, and measures it. For a machine that
# has PyTorch with CUDA (a Python environment) but no JDK and no network; everything else comes in
# .gpu/payload.tar.xz, made by docker/gpu/prepare.sh. Run from the repository root:
#
#   docker/gpu/run-on-gpu.sh [OUT_DIR]          # default: $OUT, else ./gpu-results
#
# Environment (all optional): TORCH_DIR (the torch package; default: found under /opt/torch/.venv,
# then python3's), DEVICE (cuda:0), QUICK=1 (parity only), LICNN_JNI (a libdjl_torch.so built by
# an earlier run: skips the build), JNI_FLAVOR (route 1's flavour, cu128; cpu to try the script on a
# CPU-only machine with DEVICE=cpu against a CPU libtorch 2.7.1).
#
# Route, in order:
#   1. DJL's own CUDA JNI library (pytorch-jni 2.7.1-0.36.0, flavour cu128) against the machine's
#      libtorch, through PYTORCH_LIBRARY_PATH / PYTORCH_VERSION / PYTORCH_FLAVOR;
#   2. if that does not load, libdjl_torch.so built here from DJL 0.36.0's JNI sources against
#      the machine's torch (CMake, the torch package's TorchConfig.cmake), copied to OUT_DIR so a
#      later run can skip the build (LICNN_JNI).
# Then: DeviceParity on the bundled model and on VGG-16 (TF32 off: NVIDIA_TF32_OVERRIDE=0), the
# engine benchmark on VGG-16 at batch 1/4/16/32 (tensor and Java gates), GPU memory (nvidia-smi),
# and the service benchmark with a cuda:0 worker at 1/8/32 clients. Every output lands in OUT_DIR.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT_DIR="${1:-${OUT:-$ROOT/gpu-results}}"
DEVICE="${DEVICE:-cuda:0}"
mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/run.log"
exec > >(tee -a "$LOG") 2>&1
say() { echo "== $(date -u +%H:%M:%S) $*"; }

[ -f .gpu/payload.tar.xz ] || { echo "no .gpu/payload.tar.xz: run docker/gpu/prepare.sh first (and carry .gpu)"; exit 2; }
W=/tmp/licnn-gpu
rm -rf "$W" && mkdir -p "$W" && tar -C "$W" -xJf .gpu/payload.tar.xz
export JAVA_HOME="$W/jre" PATH="$W/jre/bin:$PATH"

if [ -z "${TORCH_DIR:-}" ]; then
  for py in /opt/torch/.venv/bin/python3 python3; do
    TORCH_DIR="$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__))' 2>/dev/null)" && break
  done
fi
[ -d "${TORCH_DIR:-}/lib" ] || { echo "no torch package found (set TORCH_DIR)"; exit 2; }
TORCH_VERSION="$(sed -n "s/^__version__ = '\([^'+]*\).*/\1/p" "$TORCH_DIR/version.py")"
TORCH_CUDA="$(sed -n "s/^cuda: .*= '\([0-9]*\)\.\([0-9]*\)'.*/cu\1\2/p; s/^cuda = '\([0-9]*\)\.\([0-9]*\)'.*/cu\1\2/p" "$TORCH_DIR/version.py" | head -1)"
say "torch $TORCH_VERSION ($TORCH_CUDA) at $TORCH_DIR"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

# libtorch's own libraries and the CUDA ones from the nvidia-* wheels beside it.
SITE="$(dirname "$TORCH_DIR")"
NV_LIBS="$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')"
export LD_LIBRARY_PATH="$TORCH_DIR/lib:${NV_LIBS}${LD_LIBRARY_PATH:-}"
# DJL loads every library of PYTORCH_LIBRARY_PATH, and takes <djl version>-libdjl_torch.so from it
# when present; a directory of links keeps the torch package untouched.
LIBDIR="$W/libtorch"
mkdir -p "$LIBDIR"
for f in "$TORCH_DIR"/lib/*.so*; do ln -sf "$f" "$LIBDIR/"; done

export GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184
export NVIDIA_TF32_OVERRIDE=0
export DJL_CACHE_DIR="$W/djl-cache" ENGINE_CACHE_DIR="$W/djl-cache"
CP="$W/app/licnn-cli-0.1.0-SNAPSHOT.jar:$W/app/lib/*"
JAVA=(java -Xmx16g -Dai.djl.offline=true -cp "$CP")
jrun() { "${JAVA[@]}" "$@"; }
smoke() { timeout 300 "${JAVA[@]}" dev.licnn.engine.bench.DeviceParity --device "$DEVICE" --model models/shapes-vgg16 --images 1; }

# Route 1: DJL's prebuilt cu128 JNI library.
export PYTORCH_LIBRARY_PATH="$LIBDIR" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR="${JNI_FLAVOR:-cu128}"
if [ -n "${LICNN_JNI:-}" ]; then
  say "using the JNI library $LICNN_JNI"
  cp "$LICNN_JNI" "$LIBDIR/0.36.0-libdjl_torch.so"
  export PYTORCH_VERSION="$TORCH_VERSION" PYTORCH_FLAVOR="$TORCH_CUDA"
  smoke > "$OUT_DIR/smoke.txt" 2>&1 || { say "the given JNI library does not work"; tail -30 "$OUT_DIR/smoke.txt"; exit 3; }
else
  say "route 1: DJL's prebuilt JNI (2.7.1, cu128) against torch $TORCH_VERSION"
  if smoke > "$OUT_DIR/smoke-route1.txt" 2>&1; then
    say "route 1 works"
  else
    tail -15 "$OUT_DIR/smoke-route1.txt"
    say "route 2: building libdjl_torch.so from DJL 0.36.0 sources against torch $TORCH_VERSION"
    SRC="$W/djl/engines/pytorch/pytorch-native"
    cmake -S "$SRC" -B "$W/jni-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TORCH_DIR/share/cmake" -DTorch_DIR="$TORCH_DIR/share/cmake/Torch" \
      -DUSE_CUDA=1 -DJAVA_HOME="$JAVA_HOME" -DJAVA_INCLUDE_PATH="$JAVA_HOME/include" \
      -DJAVA_INCLUDE_PATH2="$JAVA_HOME/include/linux" -DJAVA_JVM_LIBRARY="$JAVA_HOME/lib/server/libjvm.so" \
      > "$OUT_DIR/jni-cmake.txt" 2>&1 || { tail -40 "$OUT_DIR/jni-cmake.txt"; exit 4; }
    cmake --build "$W/jni-build" -j "$(nproc)" > "$OUT_DIR/jni-build.txt" 2>&1 || { grep -m 20 -B2 -A5 "error" "$OUT_DIR/jni-build.txt"; exit 4; }
    cp "$W/jni-build/libdjl_torch.so" "$OUT_DIR/libdjl_torch.so"
    cp "$W/jni-build/libdjl_torch.so" "$LIBDIR/0.36.0-libdjl_torch.so"
    export PYTORCH_VERSION="$TORCH_VERSION" PYTORCH_FLAVOR="$TORCH_CUDA"
    smoke > "$OUT_DIR/smoke-route2.txt" 2>&1 || { say "route 2 built but does not run"; tail -30 "$OUT_DIR/smoke-route2.txt"; exit 5; }
    say "route 2 works (libdjl_torch.so in $OUT_DIR)"
  fi
fi

say "parity with the CPU (TF32 off)"
jrun dev.licnn.engine.bench.DeviceParity --device "$DEVICE" --model models/shapes-vgg16 --images 4 > "$OUT_DIR/parity.txt" 2>&1
jrun dev.licnn.engine.bench.DeviceParity --device "$DEVICE" --arch vgg16 --images 2 >> "$OUT_DIR/parity.txt" 2>&1
grep -E "^(model|image|worst)" "$OUT_DIR/parity.txt"
[ "${QUICK:-0}" = 1 ] && exit 0

say "engine on VGG-16, batch 1/4/16/32"
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$OUT_DIR/gpu-memory-trace.txt" 2>/dev/null &
SMI=$!
for b in 1 4 16 32; do
  echo "batch $b" >> "$OUT_DIR/engine.txt"
  timeout 240 "${JAVA[@]}" dev.licnn.engine.bench.EngineBench --device "$DEVICE" --arch vgg16 --batch "$b" --repeats 5 --maps 0 \
    --engines "tensor,batch;java,batch" 2>&1 | grep -vE "INFO|WARN" | tee -a "$OUT_DIR/engine.txt"
done
kill "$SMI" 2>/dev/null
echo "peak GPU memory used (MiB, whole device): $(sort -n "$OUT_DIR/gpu-memory-trace.txt" | tail -1)" | tee -a "$OUT_DIR/engine.txt"

say "service with a $DEVICE worker, 1/8/32 clients"
timeout 300 "${JAVA[@]}" dev.licnn.server.bench.ServiceBench --arch vgg16 --workers "$DEVICE" --clients 1,8,32 --seconds 20 \
  --min-maps 20 --max-batch 32 --queue-delay-ms 5 --modes final 2>&1 | grep -vE "INFO|WARN" | tee "$OUT_DIR/service.txt"
say "done; results in $OUT_DIR"

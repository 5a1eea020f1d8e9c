#!/usr/bin/env bash
# Container image check, on a real Docker engine with no image registry:
#  1. builds docker/Dockerfile.cpu on locally made Debian bases (debootstrap; docker/lib.sh) with
#     the jars of the host build, and prints the image size;
#  2. runs it as Kubernetes would (read-only root filesystem, /tmp a tmpfs, all capabilities
#     dropped, no new privileges) and checks that it runs as uid 10001, that the image's own
#     HEALTHCHECK reports it healthy (gRPC health SERVING), and prints the cold start (container
#     start to SERVING);
#  3. `licnn explain` from the host against the container gives the same saliency maps as the
#     in-process run of the same model (prints the largest absolute difference; fails above
#     EXPLAIN_BOUND, default 1e-4 of the map's range);
#  4. SIGTERM (`docker stop`) ends it with exit code 0 within the grace period;
#  5. builds the Java stage of docker/Dockerfile.cuda (its CUDA and PyTorch bases cannot be
#     reached here) and checks that the CPU libtorch is left out and the CUDA JNI library is in.
# The image stays (licnn:cpu) for docker/check-swarm.sh. Usage: docker/check-images.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-images.XXXXXX")"
CID=""
cleanup() {
  local rc=$?
  if [ -n "$CID" ]; then
    [ $rc -ne 0 ] && { echo "--- container log (tail)" >&2; docker logs --tail 20 "$CID" >&2 2>&1 || true; }
    docker rm -f "$CID" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-numpy curl
ensure_docker
check_start=$SECONDS

# ---- 1. build ----
LICNN_REBUILD=1 build_image
size_bytes="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
base_bytes="$(docker image inspect -f '{{.Size}}' "$RUNTIME_BASE")"
log "image $IMAGE: $((size_bytes / 1000000)) MB ($((base_bytes / 1000000)) MB of it the Debian JRE base)"
[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = 10001:10001 ] || die "image USER is not 10001:10001"
grep -q '"health"' <<<"$(docker image inspect -f '{{json .Config.Healthcheck.Test}}' "$IMAGE")" \
  || die "image has no HEALTHCHECK through licnn health"

# ---- 2. run, hardened; uid, HEALTHCHECK, cold start ----
CID="$(docker run -d --read-only --tmpfs /tmp:rw,exec,size=2g --cap-drop ALL --security-opt no-new-privileges \
    --cpus 2 --memory 4g -p 127.0.0.1::50051 -p 127.0.0.1::9464 "$IMAGE")"
PORT="$(docker port "$CID" 50051/tcp | sed -n '1s/.*://p')"
MPORT="$(docker port "$CID" 9464/tcp | sed -n '1s/.*://p')"
started="$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$CID")" +%s.%N)"
log "container ${CID:0:12} started; gRPC on 127.0.0.1:$PORT, metrics on 127.0.0.1:$MPORT"
until "$ROOT/licnn" health --target "127.0.0.1:$PORT" --timeout-seconds 2 -q >/dev/null 2>&1; do
  [ "$(docker inspect -f '{{.State.Running}}' "$CID")" = true ] || die "container exited: $(docker logs --tail 3 "$CID" 2>&1)"
  (( $(date +%s) - ${started%.*} < 240 )) || die "not SERVING 240 s after start"
  sleep 0.5
done
serving="$(date +%s.%N)"
cold="$(awk -v a="$started" -v b="$serving" 'BEGIN { printf "%.1f", b - a }')"
log "cold start: SERVING $cold s after container start (model load + warm-up explain; host health polled every 0.5 s)"
# (grep on a file, not a pipe: grep -q ends early and pipefail would count the writer's SIGPIPE)
docker logs "$CID" >"$WORK/start.log" 2>&1
grep -q "shapes-vgg16" "$WORK/start.log" || die "the container does not serve the bundled shapes-vgg16 model"
if grep -qi "random" "$WORK/start.log"; then die "the container fell back to a random model"; fi

uid="$(docker exec "$CID" id -u)"; gid="$(docker exec "$CID" id -g)"
[ "$uid:$gid" = 10001:10001 ] || die "runs as $uid:$gid, not 10001:10001"
pid1_uid="$(docker exec "$CID" awk '/^Uid:/ {print $2}' /proc/1/status)"
[ "$pid1_uid" = 10001 ] || die "PID 1 (java) runs as uid $pid1_uid"
[ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$CID")" = true ] || die "root filesystem not read-only"
if docker exec "$CID" sh -c 'echo x > /opt/licnn/probe' 2>/dev/null; then die "root filesystem is writable"; fi
docker exec "$CID" sh -c 'ls /tmp/djl >/dev/null' || die "DJL cache not under /tmp"
log "runs as uid 10001 (PID 1 too), root filesystem read-only, DJL natives extracted to the /tmp tmpfs"

# The image's own HEALTHCHECK (interval 15 s): wait for docker to report healthy.
until [ "$(docker inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]; do
  (( $(date +%s) - ${started%.*} < 300 )) || die "HEALTHCHECK not healthy 300 s after start: $(docker inspect -f '{{json .State.Health}}' "$CID")"
  sleep 1
done
health_out="$(docker inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$CID")"
log "HEALTHCHECK: healthy (exit codes of its runs: $health_out)"
metrics="$(curl -fsS --max-time 10 "http://127.0.0.1:$MPORT/metrics")" || die "no /metrics on :$MPORT"
grep -q '^licnn_queue_time_seconds_bucket' <<<"$metrics" || die "metrics lack licnn_queue_time_seconds"

# ---- 3. explain through the container == in-process ----
IMAGES=("$ROOT/samples/natural_000001_square.png" "$ROOT/samples/natural_000003_star.png" "$ROOT/samples/adversarial_000007_arrow.png")
"$ROOT/licnn" explain "${IMAGES[@]}" --target "127.0.0.1:$PORT" --out "$WORK/remote" --top-k 2 >"$WORK/remote.log" \
  || die "explain against the container failed: $(tail -n 3 "$WORK/remote.log")"
"$ROOT/licnn" explain "${IMAGES[@]}" --out "$WORK/local" --top-k 2 >"$WORK/local.log" 2>"$WORK/local.err" \
  || die "in-process explain failed: $(tail -n 3 "$WORK/local.err")"
"$PY" - "$WORK/remote" "$WORK/local" "${EXPLAIN_BOUND:-1e-4}" <<'PY'
import json, os, sys
import numpy as np
remote, local, bound = sys.argv[1], sys.argv[2], float(sys.argv[3])
names = sorted(os.listdir(local))
assert names and sorted(os.listdir(remote)) == names, (os.listdir(remote), names)
worst = 0.0
for n in names:
    r = json.load(open(os.path.join(remote, n, "result.json")))
    l = json.load(open(os.path.join(local, n, "result.json")))
    rk = [c["label"] for c in r["prediction"]["top_classes"]]
    lk = [c["label"] for c in l["prediction"]["top_classes"]]
    assert rk == lk, f"{n}: top classes differ: container {rk}, in-process {lk}"
    a = np.load(os.path.join(remote, n, "saliency.npy")).astype(np.float64)
    b = np.load(os.path.join(local, n, "saliency.npy")).astype(np.float64)
    assert a.shape == b.shape, (n, a.shape, b.shape)
    span = float(b.max() - b.min()) or 1.0
    d = float(np.abs(a - b).max())
    worst = max(worst, d / span)
    print(f"  {n}: top {lk}, saliency {b.shape}, largest |container - in-process| = {d:.3g} ({d / span:.3g} of the map's range)")
    assert d <= bound * span, f"{n}: saliency differs by {d:.3g} > {bound} x range {span:.3g}"
print(f"saliency through the container == in-process: largest difference {worst:.3g} of the map's range (bound {bound})")
PY

# ---- 4. SIGTERM: drained exit 0 within the grace period ----
grace="$(docker exec "$CID" sh -c 'echo "$LICNN_GRACE_SECONDS"')"
limit=$((grace + 10))
stop_start="$(date +%s.%N)"
docker stop --time "$limit" "$CID" >/dev/null
stopped="$(awk -v a="$stop_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
code="$(docker inspect -f '{{.State.ExitCode}}' "$CID")"
[ "$code" = 0 ] || die "exit code $code after SIGTERM (a drained shutdown exits 0; 137 = killed after ${limit} s)"
docker logs "$CID" >"$WORK/stop.log" 2>&1
grep -q "health NOT_SERVING" "$WORK/stop.log" || die "no NOT_SERVING phase in the shutdown log"
grep -q "server stopped" "$WORK/stop.log" || die "no 'server stopped' in the log"
log "SIGTERM: exit 0 after $stopped s (NOT_SERVING, shutdown delay, drain; docker would kill after $limit s)"
docker rm "$CID" >/dev/null; CID=""

# ---- 5. the CUDA image's Java stage ----
start=$SECONDS
(cd "$ROOT" && DOCKER_BUILDKIT=0 docker build -q -f docker/Dockerfile.cuda --target build \
    --build-arg BUILD_IMAGE="$RUNTIME_BASE" --build-arg PREBUILT=docker/dist -t licnn:cuda-build . >/dev/null 2>"$WORK/cuda-build.err") \
  || { tail -n 20 "$WORK/cuda-build.err" >&2; die "docker build of Dockerfile.cuda --target build failed"; }
listing="$(docker run --rm --entrypoint sh licnn:cuda-build -c 'ls /out/lib')"
if grep -q '^pytorch-native-cpu' <<<"$listing"; then die "CUDA image stage keeps the CPU libtorch jar"; fi
jni="$(grep -m1 '^pytorch-jni' <<<"$listing")" || die "CUDA image stage lacks pytorch-jni"
cid="$(docker create licnn:cuda-build true)"
docker cp "$cid:/out/lib/$jni" "$WORK/$jni"
docker rm "$cid" >/dev/null
"$PY" -c 'import sys, zipfile; print("\n".join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if "cu1" in n and n.endswith(".so")))' \
    "$WORK/$jni" >"$WORK/cuda.txt"
grep -q 'cu128' "$WORK/cuda.txt" || die "pytorch-jni ($jni) holds no cu128 JNI library: $(head -n 3 "$WORK/cuda.txt")"
docker image rm licnn:cuda-build >/dev/null
log "Dockerfile.cuda build stage: built in $((SECONDS - start)) s; CPU libtorch left out; $jni holds $(head -n 1 "$WORK/cuda.txt")"
log "PASS images: $IMAGE $((size_bytes / 1000000)) MB, cold start $cold s, SIGTERM exit 0 in $stopped s; check took $((SECONDS - check_start)) s"

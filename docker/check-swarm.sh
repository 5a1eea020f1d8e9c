#!/usr/bin/env bash
# Scale-out on a real orchestrator: Docker swarm on this one machine (no Kubernetes here).
# Deploys the stack derived from docker/compose.yaml (docker/swarm-stack.py: one service, 3
# replicas, DNS round-robin endpoint, internal overlay network) and runs the experiment client
# (`licnn explain --streams 3`, client-side round-robin over dns:///licnn:50051, i.e. over every
# task the name resolves to, as over a headless Kubernetes Service) in a container on the stack's
# network:
#  1. one run of N images (default 60) is spread over all 3 replicas (per-replica counts from
#     each replica's own /metrics) and every image is answered exactly once;
#  2. a replica killed mid-run (`docker kill`) is replaced by the orchestrator, and the run still
#     answers every image exactly once (its requests are re-sent to the others);
#  3. a rolling update under load (`docker service update --force`, start-first) completes with
#     0 failed requests; every replaced replica logged NOT_SERVING, waited the shutdown delay,
#     drained and exited 0;
#  4. traffic stays on this machine: no published port, the overlay network is internal, and the
#     replicas and the client are on that network only (health and metrics are read on each
#     container's loopback).
# Usage: docker/check-swarm.sh [N_IMAGES]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

N="${1:-60}"
STACK="${LICNN_STACK:-licnn-check}"
SERVICE="${STACK}_licnn"
NET="${STACK}_licnn"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-swarm.XXXXXX")"
SWARM_CREATED=0
CLIENTS=()
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for c in "${CLIENTS[@]}"; do docker logs --tail 8 "$c" 2>&1 | sed "s/^/[$c] /" >&2 || true; done
    docker service ps --no-trunc "$SERVICE" 2>/dev/null | head -n 12 >&2 || true
  fi
  for c in "${CLIENTS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  if grep -qx "$STACK" <<<"$(docker stack ls --format '{{.Name}}' 2>/dev/null)"; then
    docker stack rm "$STACK" >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do
      docker network inspect "$NET" >/dev/null 2>&1 || break
      sleep 1
    done
  fi
  [ $SWARM_CREATED = 1 ] && docker swarm leave --force >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-numpy python3-yaml
ensure_docker
ensure_image
check_start=$SECONDS

if [ "$(docker info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  SWARM_CREATED=1
  log "swarm initialised on this node (advertise 127.0.0.1)"
fi

# One intra-op thread per replica: three replicas share this machine's cores.
"$PY" "$HERE/swarm-stack.py" 3 LICNN_WORKERS=cpu@1 >"$WORK/stack.yaml"
docker stack deploy --resolve-image never -c "$WORK/stack.yaml" "$STACK" >/dev/null

# healthy: the service's running containers that their HEALTHCHECK reports healthy.
healthy() {
  docker ps -q --no-trunc --filter "label=com.docker.swarm.service.name=$SERVICE" --filter health=healthy | sort
}
# wait_healthy N SECONDS: until N replicas are healthy and N tasks run.
wait_healthy() {
  local want="$1" limit="$2" start=$SECONDS
  until [ "$(healthy | wc -l)" -eq "$want" ] \
      && [ "$(docker service ps -q --filter desired-state=running "$SERVICE" | wc -l)" -eq "$want" ]; do
    (( SECONDS - start < limit )) || die "$want healthy replicas not reached in $limit s: $(docker service ps --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$SERVICE" | head -n 6 | tr '\n' ';')"
    sleep 1
  done
}
# metric CID NAME: a sample of the replica's own /metrics (read on its loopback; 0 when absent).
metric() {
  docker exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464; printf "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3; cat <&3' \
    | awk -v want="$2" '
        /^#/ { next }
        index($0, "licnn_requests_total{") == 1 && want == "ok" && /rpc="ExplainStream"/ && /code="OK"/ { n += $NF }
        index($0, "licnn_in_flight ") == 1 && want == "in_flight" { n += $NF }
        END { printf "%d\n", n }'
}
# client NAME: starts `licnn explain` over the images as container NAME on the stack's network.
client() {
  local name="$STACK-$1"
  docker run -d --name "$name" --network "$NET" -v "$WORK/images:/images:ro" -v "$WORK/out:/out" \
      "$IMAGE" explain /images --target dns:///licnn:50051 --out "/out/$1" --streams 3 --in-flight 6 \
      --top-k 1 --layer-kinds NONE --deadline-seconds 600 >/dev/null
  CLIENTS+=("$name")
}
# finish NAME: waits for client NAME, saves its report to $WORK/NAME.log, fails on a non-zero exit.
finish() {
  local name="$STACK-$1" code
  code="$(timeout 900 docker wait "$name")" || die "client $1 did not finish within 900 s"
  docker logs "$name" >"$WORK/$1.log" 2>"$WORK/$1.err"
  [ "$code" = 0 ] || die "client $1 exited with $code: $(grep -m3 -E 'FAILED|error' "$WORK/$1.log" "$WORK/$1.err" | tr '\n' ';')"
}
# exactly_once REPORT OUTDIR: every image answered exactly once, no failed request.
exactly_once() {
  "$PY" - "$WORK/images" "$1" "$2" <<'PY'
import json, os, sys
images, report, out = sys.argv[1:4]
names = sorted(f[:-4] for f in os.listdir(images) if f.endswith(".png"))
dirs = sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)))
assert dirs == names, f"result folders {len(dirs)} != images {len(names)}: missing {sorted(set(names) - set(dirs))[:5]}"
for d in dirs:
    with open(os.path.join(out, d, "result.json")) as f:
        r = json.load(f)
    assert os.path.basename(r["image"]) == d + ".png" and r["prediction"]["top_classes"], d
lines = [l for l in open(report) if ".png: " in l]
assert not [l for l in lines if "FAILED" in l], f"failed requests: {[l for l in lines if 'FAILED' in l][:3]}"
per = {n: sum(1 for l in lines if f"/{n}.png: " in l) for n in names}
bad = {n: c for n, c in per.items() if c != 1}
assert not bad, f"images not answered exactly once: {list(bad.items())[:5]}"
PY
}

"$PY" "$ROOT/examples/make-images.py" "$WORK/images" "$N"
mkdir -p "$WORK/out"
chown 10001:10001 "$WORK/out" 2>/dev/null || chmod 0777 "$WORK/out"

deploy_start=$SECONDS
wait_healthy 3 300
log "stack $STACK: 3 replicas healthy $((SECONDS - deploy_start)) s after deploy"

# ---- 4 (first, it holds throughout). Traffic stays on this machine ----
[ "$(docker service inspect -f '{{.Spec.EndpointSpec.Mode}}' "$SERVICE")" = dnsrr ] || die "endpoint mode is not dnsrr"
ports="$(docker service inspect -f '{{json .Endpoint.Ports}}' "$SERVICE")"
[ "$ports" = null ] || [ "$ports" = "[]" ] || die "the service publishes ports: $ports"
[ "$(docker network inspect -f '{{.Driver}} {{.Internal}} {{.Scope}}' "$NET")" = "overlay true swarm" ] \
  || die "network $NET is not an internal swarm overlay: $(docker network inspect -f '{{.Driver}} {{.Internal}} {{.Scope}}' "$NET")"
for c in $(healthy); do
  nets="$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$c")"
  [ "$nets" = "$NET " ] || die "replica ${c:0:12} is on networks: $nets"
done
log "traffic: no published port, $NET is an internal overlay, every replica is on it alone"

# ---- 1. one run spread over all replicas ----
mapfile -t REPLICAS < <(healthy)
declare -A BASE
for c in "${REPLICAS[@]}"; do BASE[$c]="$(metric "$c" ok)"; done
start=$SECONDS
client run1
nets="$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$STACK-run1")"
[ "$nets" = "$NET " ] || die "client is on networks: $nets"
finish run1
exactly_once "$WORK/run1.log" "$WORK/out/run1"
[ "$(healthy)" = "$(printf '%s\n' "${REPLICAS[@]}")" ] || die "a replica was replaced during run 1 (its counts are lost)"
total=0; counts=()
for c in "${REPLICAS[@]}"; do
  k=$(( $(metric "$c" ok) - ${BASE[$c]} ))
  (( k > 0 )) || die "replica ${c:0:12} answered no request: the run was not spread over all replicas"
  total=$((total + k)); counts+=("$k")
done
[ "$total" -eq "$N" ] || die "the replicas' metrics count $total answered requests, not $N"
log "run 1: $N images in $((SECONDS - start)) s, each answered once; per replica (own /metrics): ${counts[*]}"

# ---- 2. a replica killed mid-run is replaced; nothing lost ----
for c in "${REPLICAS[@]}"; do BASE[$c]="$(metric "$c" ok)"; done
start=$SECONDS
client run2
threshold=$(( N / 3 ))
until [ "$( (find "$WORK/out/run2" -name result.json 2>/dev/null || true) | wc -l)" -ge "$threshold" ]; do
  [ "$(docker inspect -f '{{.State.Running}}' "$STACK-run2")" = true ] || die "client ended before the kill"
  (( SECONDS - start < 600 )) || die "fewer than $threshold results after 600 s"
  sleep 0.5
done
victim=""; best=-1
for c in "${REPLICAS[@]}"; do
  busy=$(( $(metric "$c" ok) - ${BASE[$c]} + 1000 * $(metric "$c" in_flight) ))
  if (( busy > best )); then best=$busy; victim=$c; fi
done
log "run 2: $threshold of $N done; docker kill replica ${victim:0:12} (busy: it answers and holds requests)"
docker kill "$victim" >/dev/null
kill_time=$SECONDS
finish run2
exactly_once "$WORK/run2.log" "$WORK/out/run2"
resent_line="$(grep -E '^re-sent ' "$WORK/run2.log")"
restarts="$(sed -E 's/.* after ([0-9]+) stream restart.*/\1/' <<<"$resent_line")"
(( restarts >= 1 )) || die "the killed replica held no stream: $resent_line"
log "run 2: every image answered exactly once in $((SECONDS - start)) s; $resent_line"
wait_healthy 3 300
if grep -qx "$victim" <<<"$(healthy)"; then die "the killed replica is still listed"; fi
log "orchestrator replaced the killed replica: 3 healthy again $((SECONDS - kill_time)) s after the kill"

# ---- 3. rolling update under load: 0 failed requests ----
mapfile -t OLD < <(healthy)
cat >"$WORK/loop.sh" <<'SH'
i=0
while [ ! -e /out/stop ]; do
  i=$((i + 1))
  licnn explain /images --target dns:///licnn:50051 --out "/out/upd$i" --streams 3 --in-flight 6 \
      --top-k 1 --layer-kinds NONE --deadline-seconds 600 >"/out/upd$i.log" 2>"/out/upd$i.err"
  echo "$i $?" >>/out/upd.codes
done
SH
docker run -d --name "$STACK-update" --network "$NET" -v "$WORK/images:/images:ro" -v "$WORK/out:/out" \
    -v "$WORK/loop.sh:/loop.sh:ro" --entrypoint sh "$IMAGE" /loop.sh >/dev/null
CLIENTS+=("$STACK-update")
until [ "$( (find "$WORK/out/upd1" -name result.json 2>/dev/null || true) | wc -l)" -ge 3 ]; do
  [ "$(docker inspect -f '{{.State.Running}}' "$STACK-update")" = true ] || die "update client ended early"
  sleep 0.5
done
start=$SECONDS
timeout 900 docker service update --force --detach=false --quiet "$SERVICE" >/dev/null 2>&1 \
  || die "rolling update did not complete: $(docker service inspect -f '{{json .UpdateStatus}}' "$SERVICE")"
update_s=$((SECONDS - start))
state="$(docker service inspect -f '{{.UpdateStatus.State}}' "$SERVICE")"
[ "$state" = completed ] || die "update state: $state"
touch "$WORK/out/stop"
timeout 900 docker wait "$STACK-update" >/dev/null || die "update client did not stop"
runs=0; resent=0
while read -r i code; do
  [ "$code" = 0 ] || die "explain run $i during the update exited with $code: $(grep -m3 FAILED "$WORK/out/upd$i.log" | tr '\n' ';')"
  exactly_once "$WORK/out/upd$i.log" "$WORK/out/upd$i"
  r="$(sed -nE 's/^re-sent ([0-9]+) request.*/\1/p' "$WORK/out/upd$i.log")"
  resent=$((resent + r)); runs=$((runs + 1))
done <"$WORK/out/upd.codes"
(( runs >= 1 )) || die "no explain run finished during the update"
log "rolling update: completed in $update_s s under load; $runs explain run(s) of $N images, 0 failed requests, every image once per run ($resent re-sent after drains)"
if grep -qxF -f <(printf '%s\n' "${OLD[@]}") <<<"$(healthy)"; then die "an old replica is still running after the update"; fi
delay="$(grep -m1 -oE 'LICNN_SHUTDOWN_DELAY_SECONDS: *"?[0-9]+' "$WORK/stack.yaml" | grep -oE '[0-9]+$' || echo 5)"
for c in "${OLD[@]}"; do
  code="$(docker inspect -f '{{.State.ExitCode}}' "$c")"
  [ "$code" = 0 ] || die "replaced replica ${c:0:12} exited with $code"
  docker logs -t "$c" >"$WORK/old.log" 2>&1
  "$PY" - "$WORK/old.log" "$delay" "${c:0:12}" <<'PY'
import datetime, re, sys
log, delay, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
def t(pattern):
    for line in open(log):
        if re.search(pattern, line):
            ts = line.split()[0]
            return datetime.datetime.fromisoformat(ts[:26].rstrip("Z")).timestamp()
    raise SystemExit(f"{name}: no '{pattern}' in its log")
not_serving, stopped = t("health NOT_SERVING"), t("server stopped")
assert stopped - not_serving >= delay - 0.5, f"{name}: stopped {stopped - not_serving:.1f} s after NOT_SERVING, less than the {delay} s delay"
print(f"  replica {name}: NOT_SERVING, {delay:.0f} s shutdown delay, drained, stopped {stopped - not_serving:.1f} s after NOT_SERVING, exit 0")
PY
done
log "PASS swarm: spread over 3 replicas (${counts[*]}), kill replaced with nothing lost, rolling update with 0 failures; check took $((SECONDS - check_start)) s"

#!/usr/bin/env bash
# Scale-out test: three server replicas on loopback ports, one `licnn explain` run spread over
# them (client-side round-robin, one ExplainStream per replica), one replica killed with
# SIGKILL mid-run. Passes when every image is answered exactly once (one result folder with a
# parseable result.json per image) and the run reports the requests it re-sent.
#
# Usage: examples/scale-out-test.sh [N_IMAGES]   (default 30)
# Env: SCALE_OUT_TIMEOUT (seconds for the explain run, default 600), KEEP_WORK=1 keeps the work dir.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

N="${1:-30}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-scale-out.XXXXXX")"
CLIENT_PID=""
cleanup() {
  local rc=$?
  [ -n "$CLIENT_PID" ] && kill -KILL "$CLIENT_PID" 2>/dev/null || true
  stop_servers
  if [ $rc -ne 0 ]; then
    for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f (tail)" >&2; tail -n 15 "$f" >&2; }; done
  fi
  [ "${KEEP_WORK:-0}" = 1 ] && log "work dir kept: $WORK" || rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-numpy
ensure_build

"$PY" "$HERE/make-images.py" "$WORK/images" "$N"

PORTS=(); PIDS=()
for i in 1 2 3; do
  port="$(free_port)"
  start_server "$port" "$WORK/server$i.log" --grace-seconds 2 --worker cpu@1
  pid="$STARTED_PID"
  PORTS+=("$port"); PIDS+=("$pid")
done
for i in 0 1 2; do wait_serving "${PORTS[$i]}" "${PIDS[$i]}" 180; done
log "replicas serving on ports ${PORTS[*]} (pids ${PIDS[*]})"

TARGET="127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[1]},127.0.0.1:${PORTS[2]}"
declare -A BASE
for pid in "${PIDS[@]}"; do BASE[$pid]="$(cpu_ticks "$pid")"; done

OUT="$WORK/out"
start=$SECONDS
timeout "${SCALE_OUT_TIMEOUT:-600}" "$ROOT/licnn" explain "$WORK/images" --target "$TARGET" --out "$OUT" \
    --in-flight 6 --streams 3 --top-k 1 --layer-kinds NONE --deadline-seconds 300 >"$WORK/client.log" 2>"$WORK/client.err" &
CLIENT_PID=$!

# Wait until about a third of the images are done, then kill the busiest replica (the one whose
# CPU time grew most since the start: it holds at least one stream).
threshold=$(( N / 3 > 0 ? N / 3 : 1 ))
while true; do
  done_count="$( (find "$OUT" -name result.json 2>/dev/null || true) | wc -l)"
  (( done_count >= threshold )) && break
  kill -0 "$CLIENT_PID" 2>/dev/null || die "client ended before the kill ($done_count results)"
  (( SECONDS - start < 300 )) || die "only $done_count results after 300 s"
  sleep 0.5
done
victim=""; best=-1
for i in 0 1 2; do
  pid="${PIDS[$i]}"; used=$(( $(cpu_ticks "$pid") - ${BASE[$pid]} ))
  log "replica $((i + 1)) (port ${PORTS[$i]}): $used CPU ticks since the start"
  if (( used > best )); then best=$used; victim=$i; fi
done
log "$done_count of $N results written; kill -9 replica $((victim + 1)) (port ${PORTS[$victim]}, pid ${PIDS[$victim]})"
kill -KILL "${PIDS[$victim]}"

set +e
wait "$CLIENT_PID"; client_rc=$?
set -e
CLIENT_PID=""
elapsed=$(( SECONDS - start ))
cat "$WORK/client.log" >&2
[ $client_rc -eq 124 ] && die "explain did not finish within ${SCALE_OUT_TIMEOUT:-600} s"
[ $client_rc -eq 0 ] || die "explain exited with $client_rc: $(tail -n 3 "$WORK/client.err")"

# Every image answered exactly once: one folder per image, each with a parseable result.json
# naming that image, no other folder, and one report line per image.
"$PY" - "$WORK/images" "$OUT" "$WORK/client.log" <<'PY'
import json, os, sys
images, out, report = sys.argv[1:4]
names = sorted(f[:-4] for f in os.listdir(images) if f.endswith(".png"))
dirs = sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)))
assert dirs == names, f"result folders {len(dirs)} != images {len(names)}: extra {sorted(set(dirs) - set(names))[:5]}, missing {sorted(set(names) - set(dirs))[:5]}"
for d in dirs:
    with open(os.path.join(out, d, "result.json")) as f:
        r = json.load(f)
    assert os.path.basename(r["image"]) == d + ".png", (d, r["image"])
    assert r["prediction"]["top_classes"], d
    assert os.path.getsize(os.path.join(out, d, "saliency.npy")) > 0, d
lines = [l for l in open(report) if ".png: " in l]
per_image = {n: sum(1 for l in lines if f"/{n}.png: " in l) for n in names}
twice = [n for n, c in per_image.items() if c != 1]
assert not twice, f"images not reported exactly once: {twice[:5]}"
assert not any("FAILED" in l for l in lines), "failed requests in the report"
print(f"{len(dirs)} result folders, each result.json parses, every image reported once")
PY

summary="$(grep -E '^explained ' "$WORK/client.log")"
resent_line="$(grep -E '^re-sent ' "$WORK/client.log")" || die "no re-sent line in the report"
[[ "$summary" == "explained $N of $N image(s)"* ]] || die "unexpected summary: $summary"
resent="$(sed -E 's/^re-sent ([0-9]+) request.*/\1/' <<<"$resent_line")"
restarts="$(sed -E 's/.* after ([0-9]+) stream restart.*/\1/' <<<"$resent_line")"
(( restarts >= 1 )) || die "the killed replica held no stream: $resent_line"
(( resent >= 1 )) || die "no request was re-sent: $resent_line"
log "PASS scale-out: $summary; $resent_line; killed replica $((victim + 1)); ${elapsed}s"

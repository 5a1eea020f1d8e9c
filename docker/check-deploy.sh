#!/usr/bin/env bash
# Deployment check, without a container engine:
#  1. lints the shell scripts (shellcheck, when installable) and the Dockerfiles (hadolint when
#     present, else structural checks: stages, non-root USER, HEALTHCHECK, ENTRYPOINT);
#  2. parses every YAML file (python3-yaml) and checks the fields the manifests rely on
#     (gRPC probes, headless Service, resources, GPU request, HPA target, grace periods);
#  3. runs docker/entrypoint.sh outside a container against the real build, with LICNN_* env
#     settings, and checks that the flags took effect, that the server answers its gRPC health
#     check and serves the metric the HPA uses, and that SIGTERM stops it within the grace period.
# Usage: docker/check-deploy.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=../examples/lib.sh
. "$ROOT/examples/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/licnn-deploy.XXXXXX")"
cleanup() {
  local rc=$?
  stop_servers
  if [ $rc -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- entrypoint server log (tail)" >&2; tail -n 20 "$WORK/server.log" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: command failed at line $LINENO: $BASH_COMMAND"' ERR

ensure_apt python3-yaml curl
ensure_apt shellcheck || log "shellcheck not installable; shell lint skipped"
ensure_build

# ---- 1. lint ----
if command -v shellcheck >/dev/null; then
  (cd "$ROOT" && shellcheck -x -S warning examples/*.sh examples/*/*.sh docker/*.sh)
  log "shellcheck: clean"
fi
if command -v hadolint >/dev/null; then
  hadolint "$HERE/Dockerfile.cpu" "$HERE/Dockerfile.cuda"
  log "hadolint: clean"
else
  log "hadolint not available; structural Dockerfile checks only"
fi
"$PY" - "$HERE" <<'PY'
import re, sys, os
here = sys.argv[1]
for name in ("Dockerfile.cpu", "Dockerfile.cuda"):
    text = open(os.path.join(here, name)).read()
    lines = re.sub(r"\\\n", " ", text).splitlines()
    instr = [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]
    stages = [re.search(r"\bAS\s+(\S+)", l, re.I).group(1) for l in instr if l.upper().startswith("FROM ") and re.search(r"\bAS\s", l, re.I)]
    for l in instr:
        m = re.search(r"--from=(\S+)", l)
        if m: assert m.group(1) in stages, f"{name}: COPY --from={m.group(1)} names no stage {stages}"
    final = instr[max(i for i, l in enumerate(instr) if l.upper().startswith("FROM ")):]
    users = [l for l in final if l.upper().startswith("USER ")]
    assert users and not re.match(r"USER\s+(root|0)(:|$)", users[-1], re.I), f"{name}: runtime stage must run as non-root"
    assert any(l.upper().startswith("HEALTHCHECK ") and "health" in l for l in final), f"{name}: HEALTHCHECK through `licnn health` missing"
    assert any(l.upper().startswith("ENTRYPOINT ") for l in final), f"{name}: ENTRYPOINT missing"
    assert "GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184" in text, f"{name}: GLIBC_TUNABLES"
    assert "mvn -B" in text and "install" in text and "maven:3-eclipse-temurin-17" in text, f"{name}: build stage"
    assert "cli/target/lib" in text and "models" in text, f"{name}: runtime must get cli/target/lib and models/"
    # Base images are build arguments (CI builds on local bases) and the classic builder suffices.
    first_from = next(i for i, l in enumerate(instr) if l.upper().startswith("FROM "))
    assert any(l.startswith("ARG BUILD_IMAGE=maven:3-eclipse-temurin-17") for l in instr[:first_from]), f"{name}: ARG BUILD_IMAGE before FROM"
    assert "FROM ${BUILD_IMAGE} AS build" in instr, f"{name}: build stage must be FROM ${{BUILD_IMAGE}}"
    assert "PREBUILT" in text, f"{name}: build stage must take PREBUILT jars"
    assert not re.search(r"^#\s*syntax=", text, re.M) and "--mount=" not in text, f"{name}: BuildKit-only syntax"
    print(f"{name}: {len(stages)} named stage(s), non-root, HEALTHCHECK, ENTRYPOINT: ok")
PY

# ---- 2. YAML ----
"$PY" - "$HERE" "$ROOT/server/src/main/java/dev/licnn/server/ServeCommand.java" <<'PY'
import glob, os, re, sys
import yaml
here, serve = sys.argv[1], sys.argv[2]
docs = {}
for p in sorted(glob.glob(os.path.join(here, "*.yaml")) + glob.glob(os.path.join(here, "k8s", "*.yaml"))):
    with open(p) as f:
        docs[os.path.relpath(p, here)] = [d for d in yaml.safe_load_all(f) if d is not None]
print(f"{len(docs)} YAML files parse")

# Every LICNN_* setting the server reads is known to the entrypoint.
server_env = set(re.findall(r"env:(LICNN_[A-Z_]+)", open(serve).read()))
entry = open(os.path.join(here, "entrypoint.sh")).read()
missing = sorted(e for e in server_env if e not in entry)
assert not missing, f"entrypoint.sh does not map {missing}"

def env_of(c):
    return {e["name"]: e.get("value") for e in c.get("env", [])}

kinds = {}
for f, ds in docs.items():
    for d in ds:
        if f.startswith("k8s/") and f != "k8s/kustomization.yaml":
            for k in ("apiVersion", "kind", "metadata"):
                assert k in d, f"{f}: {k} missing"
            assert d["metadata"].get("name"), f"{f}: metadata.name missing"
        kinds.setdefault(d.get("kind"), []).append((f, d))

deployments = {d["metadata"]["name"]: (f, d) for f, d in kinds.get("Deployment", [])}
assert {"licnn", "licnn-gpu"} <= set(deployments), deployments.keys()
for name, (f, d) in deployments.items():
    spec = d["spec"]; pod = spec["template"]["spec"]
    sel = spec["selector"]["matchLabels"]
    labels = spec["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in sel.items()), f"{f}: selector does not match the pod labels"
    c = pod["containers"][0]
    env = env_of(c)
    grace = int(env["LICNN_GRACE_SECONDS"])
    assert pod["terminationGracePeriodSeconds"] >= grace + 5, f"{f}: terminationGracePeriodSeconds < LICNN_GRACE_SECONDS + 5"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["grpc"] == int(env["LICNN_PORT"]), f"{f}: grpc port != LICNN_PORT"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        pr = c[probe]
        assert pr["grpc"]["port"] == ports["grpc"], f"{f}: {probe} must be a grpc probe on the gRPC port"
    budget = c["startupProbe"]["periodSeconds"] * c["startupProbe"]["failureThreshold"]
    assert budget >= 120, f"{f}: startup probe allows only {budget}s for model loading"
    for part in ("requests", "limits"):
        assert c["resources"][part].get("cpu") and c["resources"][part].get("memory"), f"{f}: resources.{part}"
    sc = pod.get("securityContext", {})
    assert sc.get("runAsNonRoot") is True, f"{f}: runAsNonRoot"
    if name == "licnn-gpu":
        assert c["resources"]["limits"].get("nvidia.com/gpu") == 1, f"{f}: nvidia.com/gpu: 1 limit"
        assert env["LICNN_WORKERS"] == "cuda:0", f"{f}: LICNN_WORKERS must be cuda:0"
    print(f"{f}: {name}: probes, resources, grace {pod['terminationGracePeriodSeconds']}s >= {grace}+5: ok")

services = {d["metadata"]["name"]: d for f, d in kinds.get("Service", [])}
assert services["licnn"]["spec"].get("clusterIP") == "None", "service licnn must be headless"
dep_labels = deployments["licnn"][1]["spec"]["template"]["metadata"]["labels"]
assert all(dep_labels.get(k) == v for k, v in services["licnn"]["spec"]["selector"].items()), "service selector"

hpa = kinds["HorizontalPodAutoscaler"][0][1]
assert hpa["spec"]["scaleTargetRef"]["name"] in deployments, "HPA target"
metric = hpa["spec"]["metrics"][0]["pods"]["metric"]["name"]
rules = [d for f, d in kinds.get("ConfigMap", []) if "rules.yaml" in d.get("data", {})]
assert rules and metric in rules[0]["data"]["rules.yaml"], f"adapter rules do not define {metric}"
adapter = yaml.safe_load(rules[0]["data"]["rules.yaml"])
assert adapter["rules"][0]["seriesQuery"].startswith("licnn_queue_time_seconds_bucket")

kust = docs["k8s/kustomization.yaml"][0]
for r in kust["resources"]:
    assert os.path.isfile(os.path.join(here, "k8s", r)), f"kustomization lists missing {r}"

compose = docs["compose.yaml"][0]
svc = compose["services"]
assert {"server1", "server2", "server3", "client"} <= set(svc), svc.keys()
for s in ("server1", "server2", "server3"):
    assert svc[s]["healthcheck"]["test"][1:3] == ["/usr/local/bin/licnn-entrypoint", "health"], s
    assert svc[s]["build"]["dockerfile"] == "docker/Dockerfile.cpu", s
assert set(svc["client"]["depends_on"]) == {"server1", "server2", "server3"}
assert "server1:50051,server2:50051,server3:50051" in str(svc["client"]["environment"])
print("compose: 3 replicas + client; k8s: headless service, HPA on", metric, ": ok")
PY

# ---- 3. entrypoint outside a container ----
PORT="$(free_port)"; MPORT="$(free_port)"
ENTRY_ENV=(
  LICNN_HOME="$ROOT" LICNN_JAR="$(ls "$ROOT"/cli/target/licnn-cli-*.jar | head -n 1)" LICNN_LIB="$ROOT/cli/target/lib"
  LICNN_HOST=127.0.0.1 LICNN_PORT="$PORT" LICNN_METRICS_PORT="$MPORT" LICNN_WORKERS=cpu@1
  LICNN_MAX_BATCH_SIZE=3 LICNN_MAX_QUEUE_DELAY_MS=7 LICNN_MAX_QUEUE_SIZE=16 LICNN_STREAM_BUDGET_MB=32
  LICNN_GRACE_SECONDS=2 LICNN_SHUTDOWN_DELAY_SECONDS=1 LICNN_RPC_THREADS=2 LICNN_WARMUP=false JAVA_OPTS=-Xmx1g
)
env "${ENTRY_ENV[@]}" "$HERE/entrypoint.sh" >"$WORK/server.log" 2>&1 &
PID=$!
SERVER_PIDS+=("$PID")
start=$SECONDS
until env "${ENTRY_ENV[@]}" "$HERE/entrypoint.sh" health --target "127.0.0.1:$PORT" --timeout-seconds 2 -q >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || die "entrypoint server exited: $(tail -n 3 "$WORK/server.log")"
  (( SECONDS - start < 180 )) || die "entrypoint server not serving after 180 s"
  sleep 1
done
log "entrypoint server SERVING on 127.0.0.1:$PORT after $((SECONDS - start)) s"
env "${ENTRY_ENV[@]}" "$HERE/entrypoint.sh" health --target "127.0.0.1:$PORT" --service licnn.v1.LicnnService -q \
  || die "licnn.v1.LicnnService not SERVING"
grep -q "on \[/127.0.0.1:$PORT\] with 1 worker(s), max batch 3, max queue delay 7 ms" "$WORK/server.log" \
  || die "LICNN_* settings did not reach the server: $(grep -m1 'serving model' "$WORK/server.log")"
grep -q "metrics on :$MPORT" "$WORK/server.log" || die "LICNN_METRICS_PORT not applied"
metrics="$(curl -fsS --max-time 10 "http://127.0.0.1:$MPORT/metrics")" || die "no metrics on :$MPORT"
grep -q '^licnn_queue_time_seconds_bucket' <<<"$metrics" || die "licnn_queue_time_seconds histogram (HPA metric) not exported"
log "env -> flags ok; metrics on :$MPORT export licnn_queue_time_seconds"
kill -TERM "$PID"
stop_start=$SECONDS
while kill -0 "$PID" 2>/dev/null; do
  (( SECONDS - stop_start < 15 )) || die "server still running 15 s after SIGTERM (grace 2 s)"
  sleep 0.5
done
code=0; wait "$PID" || code=$?
SERVER_PIDS=()
log "SIGTERM: exited with $code after $((SECONDS - stop_start)) s"
[ "$code" = 0 ] || die "exit code $code after SIGTERM (a drained shutdown exits 0)"
log "PASS deploy: lint, manifests, entrypoint"

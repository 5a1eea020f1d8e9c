#!/usr/bin/env bash
# Container entrypoint: maps LICNN_* environment settings to `licnn serve` flags and execs java
# (so the JVM is PID 1's child-free replacement and receives SIGTERM directly).
#
# With no arguments, or with flags as arguments, it serves: `entrypoint.sh [--extra-flag ...]`.
# With a subcommand (explain, bench, classify, models, health, ...) it runs that instead:
# `entrypoint.sh bench --target server1:50051,...`.
#
# Settings (unset: the server's default):
#   LICNN_HOST               bind address (the image sets 0.0.0.0; serve's own default is 127.0.0.1)
#   LICNN_PORT               gRPC port (50051)
#   LICNN_WORKERS            workers, DEVICE[@THREADS], comma-separated: cpu, cpu@4, cuda:0 (cpu)
#   LICNN_MAX_BATCH_SIZE     largest batch a worker runs (4)
#   LICNN_MAX_QUEUE_DELAY_MS how long a worker waits to fill a batch (5)
#   LICNN_MAX_QUEUE_SIZE     queued requests before RESOURCE_EXHAUSTED (64)
#   LICNN_STREAM_BUDGET_MB   MiB that may wait for one slow reader (64)
#   LICNN_METRICS_PORT       Prometheus metrics port, -1 to disable (9464)
#   LICNN_METRICS_HOST       address the metrics port binds to (LICNN_HOST)
#   LICNN_MAX_REQUEST_MB     largest request message in MiB (4)
#   LICNN_TLS_CERT, LICNN_TLS_KEY  serve TLS with this PEM certificate chain and PKCS#8 key
#   LICNN_TLS_CLIENT_CA      require client certificates signed by this CA (mutual TLS)
#   LICNN_TOKEN_FILE         require a bearer token from this file (one per line; re-read while serving)
#   LICNN_REFLECTION         gRPC reflection: on, off or loopback (on)
#   LICNN_SHUTDOWN_DELAY_SECONDS  NOT_SERVING while still accepting calls, before the drain (5)
#   LICNN_WEB_PORT           gRPC-Web and the live viewer on this port, HTTPS with LICNN_TLS_* (off)
#   LICNN_WEB_HOSTS          Host names the web port answers without a token file, comma-separated
#   LICNN_WEB_REQUEST_TIMEOUT_SECONDS  longest web-port request, a trickling upload included (600)
#   LICNN_WEB_MAX_CONNECTIONS  open web-port connections at most (256)
#   LICNN_GRACE_SECONDS      drain period on SIGTERM (30)
#   LICNN_RPC_THREADS        RPC/decoding threads (4)
#   LICNN_MAX_IMAGE_PIXELS   largest width x height an image may declare (40000000)
#   LICNN_MAX_REQUEST_COST   largest estimated cost of one request, forward-pass equivalents (4096)
#   LICNN_MAX_DEADLINE_SECONDS  longest call; later client deadlines are cut to it (300)
#   LICNN_MODEL_DIRS         model folders, comma-separated, first = default
#                            (default: $LICNN_HOME/models/shapes-vgg16, else a seeded random model)
#   LICNN_RANDOM_MODELS      ARCH[:CLASSES] served with random weights, comma-separated
#   LICNN_WARMUP             "false" skips the warm-up explain at start (true)
#   LICNN_HOME               project home holding models/ (/opt/licnn)
#   JAVA_OPTS                JVM flags; without -Xmx or -XX:MaxRAMPercentage, `serve` adds a heap
#                            sized for what it serves (dev.licnn.server.HeapSizing) and G1 flags
#                            that return unused heap
#   LICNN_HEALTH_JAVA_OPTS   JVM flags of `health` (the HEALTHCHECK): a small, quickly started JVM
#                            (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -Xss512k)
#   GLIBC_TUNABLES           malloc settings (set in the image; see docs/deployment.md)
#   LICNN_JAR, LICNN_LIB     the CLI jar and its lib folder (found under $LICNN_HOME)
set -euo pipefail

LICNN_HOME="${LICNN_HOME:-/opt/licnn}"
export LICNN_HOME
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184}"
JAR="${LICNN_JAR:-$(ls -1 "$LICNN_HOME"/licnn-cli-*.jar 2>/dev/null | head -n 1 || true)}"
LIB="${LICNN_LIB:-$LICNN_HOME/lib}"
if [ -z "$JAR" ] || [ ! -f "$JAR" ] || [ ! -d "$LIB" ]; then
  echo "entrypoint: licnn-cli jar or lib/ not found under $LICNN_HOME (set LICNN_JAR and LICNN_LIB)" >&2
  exit 2
fi

args=()
if [ $# -eq 0 ] || [[ "$1" == -* ]] || [ "$1" = serve ]; then
  [ "${1:-}" = serve ] && shift
  args=(serve)
  flag() { # flag ENV_NAME --flag
    local v="${!1:-}"
    [ -n "$v" ] && args+=("$2" "$v")
    return 0
  }
  flag LICNN_HOST --host
  flag LICNN_PORT --port
  flag LICNN_WORKERS --worker
  flag LICNN_MAX_BATCH_SIZE --max-batch-size
  flag LICNN_MAX_QUEUE_DELAY_MS --max-queue-delay-ms
  flag LICNN_MAX_QUEUE_SIZE --max-queue-size
  flag LICNN_STREAM_BUDGET_MB --stream-budget-mb
  flag LICNN_METRICS_PORT --metrics-port
  flag LICNN_METRICS_HOST --metrics-host
  flag LICNN_MAX_REQUEST_MB --max-request-mb
  flag LICNN_TLS_CERT --tls-cert
  flag LICNN_TLS_KEY --tls-key
  flag LICNN_TLS_CLIENT_CA --tls-client-ca
  flag LICNN_TOKEN_FILE --token-file
  flag LICNN_REFLECTION --reflection
  flag LICNN_SHUTDOWN_DELAY_SECONDS --shutdown-delay-seconds
  flag LICNN_WEB_PORT --web-port
  flag LICNN_WEB_HOSTS --web-host
  flag LICNN_WEB_REQUEST_TIMEOUT_SECONDS --web-request-timeout-seconds
  flag LICNN_WEB_MAX_CONNECTIONS --web-max-connections
  flag LICNN_GRACE_SECONDS --grace-seconds
  flag LICNN_RPC_THREADS --rpc-threads
  flag LICNN_MAX_IMAGE_PIXELS --max-image-pixels
  flag LICNN_MAX_REQUEST_COST --max-request-cost
  flag LICNN_MAX_DEADLINE_SECONDS --max-deadline-seconds
  if [ -n "${LICNN_MODEL_DIRS:-}" ]; then
    IFS=',' read -r -a dirs <<<"$LICNN_MODEL_DIRS"
    for d in "${dirs[@]}"; do args+=(--model "$d"); done
  fi
  if [ -n "${LICNN_RANDOM_MODELS:-}" ]; then
    IFS=',' read -r -a rms <<<"$LICNN_RANDOM_MODELS"
    for m in "${rms[@]}"; do args+=(--random-model "$m"); done
  fi
  case "${LICNN_WARMUP:-true}" in
    false|0|no) args+=(--no-warmup) ;;
  esac
fi
args+=("$@")

# The health check runs every few seconds next to the server: a small JVM that starts quickly
# (C1 only, serial GC, small heap) keeps it well inside the check's timeout on a busy machine.
if [ "${args[0]:-}" = health ]; then
  JAVA_OPTS="${LICNN_HEALTH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -Xss512k}"
fi

# The server's heap from its models, workers, batch, queue and stream budget, unless JAVA_OPTS sizes it.
if [ "${args[0]:-}" = serve ] && [[ "${JAVA_OPTS:-}" != *-Xmx* && "${JAVA_OPTS:-}" != *MaxRAMPercentage* ]]; then
  HEAP_OPTS="$(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$JAR:$LIB/*" dev.licnn.server.HeapSizing "${args[@]:1}")" \
    || HEAP_OPTS="-XX:MaxRAMPercentage=75"
  JAVA_OPTS="$HEAP_OPTS ${JAVA_OPTS:-}"
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java ${JAVA_OPTS:--XX:MaxRAMPercentage=75} -Dai.djl.offline="${LICNN_DJL_OFFLINE:-true}" \
  -cp "$JAR:$LIB/*" dev.licnn.cli.Licnn "${args[@]}"

# shellcheck shell=bash
# Shared helpers of the example checks (sourced, not run).
# Every wait is bounded; servers started with start_server are killed by stop_servers.

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PY=/usr/bin/python3
SERVER_PIDS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# as_root CMD...: runs CMD as root (directly, or through sudo when available).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

# ensure_apt PKG...: installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_build: builds the project (through the launcher) unless it is up to date.
ensure_build() {
  (cd "$ROOT" && timeout 1800 ./licnn --version >/dev/null) || die "build failed"
}

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server PORT LOG [ARGS...]: starts `licnn serve` on 127.0.0.1:PORT in the background
# (bundled model, no warm-up, no metrics), records its pid for stop_servers and sets
# STARTED_PID. Call it directly, not in $(...): a subshell would lose the record.
start_server() {
  local port="$1" logf="$2"; shift 2
  LICNN_JAVA_OPTS="${LICNN_SERVER_JAVA_OPTS:--Xmx1g}" "$ROOT/licnn" serve --host 127.0.0.1 --port "$port" \
      --metrics-port -1 --no-warmup "$@" >"$logf" 2>&1 &
  STARTED_PID=$!
  SERVER_PIDS+=("$STARTED_PID")
}

# wait_serving PORT PID [SECONDS]: waits until the server answers its health check.
wait_serving() {
  local port="$1" pid="$2" limit="${3:-120}" start=$SECONDS
  while (( SECONDS - start < limit )); do
    kill -0 "$pid" 2>/dev/null || die "server on port $port exited before serving"
    if "$ROOT/licnn" health --target "127.0.0.1:$port" --timeout-seconds 10 -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  die "server on port $port not serving after ${limit}s"
}

# stop_servers: kills every server this script started (TERM, then KILL after 10 s).
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
}

# cpu_ticks PID: user + system clock ticks used by PID so far (0 when it is gone).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

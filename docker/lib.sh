# shellcheck shell=bash
# Shared helpers of the container checks (sourced, not run): a Docker engine, locally made Debian
# base images, and the CPU image built from docker/Dockerfile.cpu with them. Nothing here pulls
# from an image registry.

DOCKER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$DOCKER_DIR/.." && pwd)}"
# shellcheck source=../examples/lib.sh
. "$ROOT/examples/lib.sh"

# The base image the checks build the Dockerfiles on (instead of the public defaults): with the
# jars built on the host (PREBUILT), the build stage needs only a shell, so one Debian JRE base
# serves as BUILD_IMAGE and RUNTIME_IMAGE.
RUNTIME_BASE="${LICNN_RUNTIME_BASE:-licnn-base/debian-jre:bookworm}"
IMAGE="${LICNN_IMAGE:-licnn:cpu}"

# ensure_docker: installs Debian's docker.io when the engine is missing and starts dockerd when
# it is not running (as root; its log goes to /var/log/dockerd.log).
ensure_docker() {
  command -v dockerd >/dev/null 2>&1 || ensure_apt docker.io
  command -v docker >/dev/null 2>&1 || ensure_apt docker.io
  if ! timeout 20 docker info >/dev/null 2>&1; then
    log "starting dockerd"
    as_root sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
    local start=$SECONDS
    until timeout 10 docker info >/dev/null 2>&1; do
      (( SECONDS - start < 60 )) || die "dockerd did not start within 60 s: $(tail -n 3 /var/log/dockerd.log 2>/dev/null)"
      sleep 1
    done
  fi
  log "docker: client $(docker version --format '{{.Client.Version}}'), engine $(docker version --format '{{.Server.Version}}')"
}

# debian_mirror: the Debian mirror this machine's apt uses (deb822 or one-line sources).
debian_mirror() {
  local url
  url="$(grep -rhoE '(URIs:|deb)[[:space:]]+https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
      /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -oE 'https?://[^[:space:]]+' | sed -n 1p || true)"
  echo "${url:-http://deb.debian.org/debian}"
}

# ensure_base NAME PACKAGES: imports a minimal Debian bookworm with PACKAGES (comma-separated)
# as image NAME, unless it exists already (debootstrap from the apt mirror, about 2-3 minutes).
ensure_base() {
  local name="$1" pkgs="$2" dir
  if docker image inspect "$name" >/dev/null 2>&1; then
    log "base image $name: present"
    return 0
  fi
  ensure_apt debootstrap
  dir="$(mktemp -d "${TMPDIR:-/tmp}/licnn-rootfs.XXXXXX")"
  local start=$SECONDS mirror
  mirror="$(debian_mirror)"
  log "base image $name: debootstrap bookworm from $mirror with $pkgs"
  if ! as_root timeout 900 debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" "$mirror" \
      >"$dir.log" 2>&1; then
    tail -n 5 "$dir.log" >&2
    as_root rm -rf "$dir" "$dir.log"
    die "debootstrap failed"
  fi
  as_root rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  as_root tar -C "$dir" -c . | docker import -c 'ENV LANG=C.UTF-8' - "$name" >/dev/null
  as_root rm -rf "$dir" "$dir.log"
  log "base image $name: made in $((SECONDS - start)) s"
}

# ensure_runtime_base: the JRE base (what eclipse-temurin:17-jre is to the public build).
ensure_runtime_base() {
  ensure_base "$RUNTIME_BASE" openjdk-17-jre-headless,passwd
}

# stage_dist: copies the host build's CLI jar and lib/ to docker/dist/ (the build context's
# prebuilt jars; git-ignored), after making sure the build is up to date.
stage_dist() {
  ensure_build
  rm -rf "$DOCKER_DIR/dist"
  mkdir -p "$DOCKER_DIR/dist"
  cp "$ROOT"/cli/target/licnn-cli-*.jar "$DOCKER_DIR/dist/"
  cp -r "$ROOT/cli/target/lib" "$DOCKER_DIR/dist/lib"
}

# build_image: builds docker/Dockerfile.cpu as $IMAGE on the local bases with the host's
# prebuilt jars (PREBUILT=docker/dist): no registry, no Maven Central at build time.
# Sets BUILD_SECONDS.
build_image() {
  ensure_runtime_base
  stage_dist
  local start=$SECONDS err old
  err="$(mktemp)"
  old="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  # DOCKER_BUILDKIT=0: the classic builder (what Debian's docker.io has), so that the Dockerfile
  # is shown to need no BuildKit feature.
  if ! (cd "$ROOT" && DOCKER_BUILDKIT=0 docker build -q -f docker/Dockerfile.cpu \
      --build-arg BUILD_IMAGE="$RUNTIME_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" \
      --build-arg PREBUILT=docker/dist -t "$IMAGE" . >/dev/null 2>"$err"); then
    tail -n 20 "$err" >&2; rm -f "$err"
    die "docker build of $IMAGE failed"
  fi
  rm -f "$err"
  # The image this build replaced, unless something still uses it.
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
  BUILD_SECONDS=$((SECONDS - start))
  log "built $IMAGE from docker/Dockerfile.cpu in $BUILD_SECONDS s (bases: $RUNTIME_BASE, jars from the host build)"
}

# ensure_image: builds $IMAGE unless it exists (LICNN_REBUILD=1 forces a build).
ensure_image() {
  if [ "${LICNN_REBUILD:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "image $IMAGE: present"
    return 0
  fi
  build_image
}

#!/usr/bin/env bash
# Provisions the real container build stack the integration tests drive, on a bare Debian
# bookworm machine with no image registry access: Docker Engine 26 (containerd image store),
# docker-buildx, QEMU user emulation through binfmt_misc, an OCI registry on loopback, a
# BuildKit image for the docker-container driver (built offline from Debian's docker.io source),
# per-architecture busybox binaries for the fixtures, and a local stand-in for the binfmt image.
#
# Idempotent. Usage: .ci/testenv.sh [up|packages|dockerd|registry|buildkit|fixtures|bins|status|down|started|stop NAME|clean-builders]
# Env: TESTENV_DIR (state and logs, default /var/tmp/testenv), REGISTRY_ADDR (default 127.0.0.1:5000)
set -euo pipefail

TESTENV_DIR=${TESTENV_DIR:-/var/tmp/testenv}
REGISTRY_ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
BUILDKIT_IMAGE=${BUILDKIT_IMAGE:-moby/buildkit:buildx-stable-1}
# Test fixture only: honours the tonistiigi/binfmt command-line contract with Debian's qemu-user-static.
BINFMT_STANDIN_IMAGE=${BINFMT_STANDIN_IMAGE:-localhost/test-fixture/binfmt-standin:latest}
FIXTURE_ARCHES=(amd64 arm64 armhf)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FIXTURE_BIN_DIR=${FIXTURE_BIN_DIR:-$ROOT/__tests__/fixtures/.bin}
mkdir -p "$TESTENV_DIR"
export DEBIAN_FRONTEND=noninteractive

log() { printf '[testenv] %s\n' "$*" >&2; }

# Ubuntu (GitHub-hosted runners) already has Docker and buildx and can pull images; Debian (this
# project's machines) cannot pull and builds what it needs. Decided from the OS, not from
# GITHUB_ACTIONS, which sudo does not pass on.
ubuntu() { grep -qx 'ID=ubuntu' /etc/os-release; }

# Debian mirrors are sometimes mid-sync; retry, then go on with what was fetched
# (a package that really is missing makes the install below fail loudly).
apt_update() {
  local i
  for i in 1 2 3; do apt-get update -qq && return 0; sleep $((i * 5)); done
  log "apt-get update reported errors; continuing with the indexes it fetched"
}

# trixie supplies amd64 packages and sources only: a foreign-architecture index caught mid-sync
# would otherwise make apt drop the whole release (and `-t trixie` with it).
ensure_trixie_sources() {
  local f=/etc/apt/sources.list.d/trixie.sources want
  want='Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
  if [ "$(cat "$f" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" >"$f"
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' >/etc/apt/preferences.d/trixie
  fi
}

ensure_foreign_arches() {
  local a changed=0
  for a in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$a" || { dpkg --add-architecture "$a"; changed=1; }
  done
  return $changed
}

have_packages() {
  command -v docker-registry >/dev/null && [ -x /usr/bin/qemu-aarch64-static ] && [ -x /bin/busybox ] &&
    command -v htpasswd >/dev/null && command -v openssl >/dev/null &&
    /usr/sbin/dockerd --version 2>/dev/null | grep -q ' 26\.' && [ -x /usr/libexec/docker/cli-plugins/docker-buildx ] &&
    dpkg --print-foreign-architectures | grep -qx arm64 && dpkg --print-foreign-architectures | grep -qx armhf
}

# On Ubuntu (GitHub-hosted runners) Docker, buildx and image pulls already work: add the rest.
packages_github() {
  apt-get update -qq
  apt-get install -y -qq qemu-user-static busybox-static apache2-utils docker-registry >/dev/null
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
}

packages() {
  if ubuntu; then packages_github; return; fi
  if have_packages; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    return 0
  fi
  ensure_trixie_sources
  ensure_foreign_arches || true
  apt_update
  if ! command -v docker-registry >/dev/null || ! [ -x /usr/bin/qemu-aarch64-static ] || ! [ -x /bin/busybox ] || ! command -v htpasswd >/dev/null; then
    apt-get install -y -qq docker-registry qemu-user-static busybox-static ca-certificates openssl apache2-utils >/dev/null
  fi
  if ! /usr/sbin/dockerd --version 2>/dev/null | grep -q ' 26\.' || ! [ -x /usr/libexec/docker/cli-plugins/docker-buildx ]; then
    apt-get install -y -qq -t trixie docker.io docker-buildx >/dev/null
  fi
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
}

dockerd_start() {
  if docker info >/dev/null 2>&1; then return 0; fi
  mkdir -p /etc/docker
  # containerd image store: multi-platform images can be loaded by the docker driver.
  [ -f /etc/docker/daemon.json ] || echo '{"features":{"containerd-snapshotter":true}}' >/etc/docker/daemon.json
  # No bridge and no iptables here: builds and containers use network=host.
  nohup /usr/sbin/dockerd --iptables=false --ip6tables=false --bridge=none \
    >"$TESTENV_DIR/dockerd.log" 2>&1 &
  echo $! >"$TESTENV_DIR/dockerd.pid"
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "dockerd did not start; see $TESTENV_DIR/dockerd.log"; return 1
}

registry_start() {
  if curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then return 0; fi
  mkdir -p "$TESTENV_DIR/registry"
  cat >"$TESTENV_DIR/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $TESTENV_DIR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
EOF
  nohup docker-registry serve "$TESTENV_DIR/registry.yml" >"$TESTENV_DIR/registry.log" 2>&1 &
  echo $! >"$TESTENV_DIR/registry.pid"
  for _ in $(seq 1 40); do curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1 && return 0; sleep 0.25; done
  log "registry did not start; see $TESTENV_DIR/registry.log"; return 1
}

# BuildKit built from the buildkit component of Debian trixie's docker.io source, with Debian's
# golang-*-dev packages in GOPATH mode (offline), packed FROM scratch under the name buildx's
# docker-container driver looks for.
buildkit_image() {
  if docker image inspect "$BUILDKIT_IMAGE" >/dev/null 2>&1; then return 0; fi
  if ubuntu; then docker pull -q "$BUILDKIT_IMAGE" >/dev/null; return; fi
  ensure_trixie_sources
  local W="$TESTENV_DIR/buildkit"; rm -rf "$W"; mkdir -p "$W"
  (
  cd "$W"
  apt-get install -y -qq -t trixie golang-go >/dev/null
  apt-get source -q --download-only -t trixie docker.io >/dev/null 2>&1 || true
  ls docker.io_*orig-buildkit.tar.xz >/dev/null
  mkdir -p src && (cd src &&
    tar -xf ../docker.io_*.orig-buildkit.tar.xz &&
    tar -xf "$(ls ../docker.io_*.orig.tar.xz)" --strip-components=2 &&
    tar -xf "$(ls ../docker.io_*.debian.tar.xz)" &&
    for p in $(grep -E '^(grpc-middleware-v1|buildkit-)' debian/patches/series); do patch -s -p1 -i "debian/patches/$p"; done)
  mkdir -p debs debroot && (cd debs &&
    # shellcheck disable=SC2046
    apt-get download -q -t trixie $(cat "$HERE/buildkit-go-deps.txt") >/dev/null 2>&1 &&
    for d in *.deb; do dpkg -x "$d" ../debroot; done)
  mkdir -p gopath/src/github.com/moby out && cp -a src/buildkit gopath/src/github.com/moby/buildkit
  (export GOPATH="$W/gopath:$W/debroot/usr/share/gocode" GO111MODULE=off GOPROXY=off CGO_ENABLED=0 GOCACHE="$W/gocache"
   cd gopath/src/github.com/moby/buildkit
   ldf="-s -w -X github.com/moby/buildkit/version.Version=v0.13.2+debian"
   go build -trimpath -ldflags "$ldf" -tags "osusergo netgo static_build seccomp" -o "$W/out/buildkitd" ./cmd/buildkitd
   go build -trimpath -ldflags "$ldf" -tags "osusergo netgo static_build" -o "$W/out/buildctl" ./cmd/buildctl)
  mkdir -p rtdebs img/rootfs && (cd rtdebs && apt-get download -q runc libc6 libseccomp2 >/dev/null 2>&1)
  (cd img/rootfs && for d in ../../rtdebs/*.deb; do dpkg -x "$d" .; done
   rm -rf usr/share/doc usr/share/man usr/share/lintian usr/share/locale
   # trixie's libc6 assumes a merged /usr (the loader is /lib64/ld-linux-x86-64.so.2).
   for d in bin sbin lib lib64; do [ -e "$d" ] || [ ! -d "usr/$d" ] || ln -s "usr/$d" "$d"; done
   mkdir -p tmp etc/buildkit etc/ssl/certs var/lib/buildkit run && chmod 1777 tmp
   cp "$W/out/buildkitd" "$W/out/buildctl" usr/bin/ && cp /etc/ssl/certs/ca-certificates.crt etc/ssl/certs/)
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'VOLUME /var/lib/buildkit' 'ENTRYPOINT ["buildkitd"]' >img/Dockerfile
  docker build -q --network=host -t "$BUILDKIT_IMAGE" img >/dev/null
  rm -rf "$W/debroot" "$W/gocache" "$W/debs" "$W/gopath" "$W/src"
  )
}

# Per-architecture static busybox for the fixture Dockerfiles (busybox-amd64, busybox-arm64,
# busybox-arm), and the binfmt stand-in image.
fixtures() {
  bins
  binfmt_standin_image
}

bins() {
  mkdir -p "$FIXTURE_BIN_DIR"
  local a name tmp
  for a in "${FIXTURE_ARCHES[@]}"; do
    name=$a; [ "$a" = armhf ] && name=arm
    [ -x "$FIXTURE_BIN_DIR/busybox-$name" ] && continue
    if ubuntu; then
      # Hosted runners can pull: take the static busybox out of the official multi-arch image.
      local plat=linux/$name; [ "$name" = arm ] && plat=linux/arm/v7
      local cid; cid=$(docker create --platform "$plat" busybox:musl)
      docker cp "$cid:/bin/busybox" "$FIXTURE_BIN_DIR/busybox-$name" && docker rm "$cid" >/dev/null
      continue
    fi
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -q "busybox-static:$a" >>"$TESTENV_DIR/apt.log" 2>&1 && dpkg -x busybox-static_*.deb x) ||
      { log "could not fetch busybox-static:$a; see $TESTENV_DIR/apt.log"; return 1; }
    cp "$tmp/x/bin/busybox" "$FIXTURE_BIN_DIR/busybox-$name"
    rm -rf "$tmp"
  done
}

binfmt_standin_image() {
  if docker image inspect "$BINFMT_STANDIN_IMAGE" >/dev/null 2>&1; then return 0; fi
  local W="$TESTENV_DIR/binfmt-standin"; rm -rf "$W"; mkdir -p "$W/rootfs/bin" "$W/rootfs/usr/bin" "$W/rootfs/etc/binfmt.d"
  cp "$FIXTURE_BIN_DIR/busybox-amd64" "$W/rootfs/bin/busybox"
  for l in sh mount cat grep sed echo printf ls tr cut head basename; do ln -sf busybox "$W/rootfs/bin/$l"; done
  for n in aarch64 arm riscv64 s390x ppc64le; do
    cp "/usr/bin/qemu-$n-static" "$W/rootfs/usr/bin/" && cp "/usr/lib/binfmt.d/qemu-$n.conf" "$W/rootfs/etc/binfmt.d/"
  done
  cp "$ROOT/__tests__/fixtures/binfmt-standin/entrypoint.sh" "$W/rootfs/bin/binfmt"
  chmod +x "$W/rootfs/bin/binfmt"
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' 'ENTRYPOINT ["/bin/binfmt"]' >"$W/Dockerfile"
  docker build -q --network=host -t "$BINFMT_STANDIN_IMAGE" "$W" >/dev/null
}

status() {
  docker version --format 'docker client {{.Client.Version}} / engine {{.Server.Version}}'
  docker buildx version
  docker image inspect "$BUILDKIT_IMAGE" --format "$BUILDKIT_IMAGE {{.Id}}" 2>/dev/null || echo "no $BUILDKIT_IMAGE"
  curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null && echo "registry http://$REGISTRY_ADDR up"
  ls /proc/sys/fs/binfmt_misc
}

stop_pid() {
  local f="$TESTENV_DIR/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    # dockerd gives its containers 15 s to stop; wait longer before forcing it.
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Builders a test run of the action left behind (one aborted before its post step): only the
# action's own `multiarch-<run>-<hex>` builders, never anyone else's.
remove_builders() {
  local name
  for name in $(docker buildx ls --format '{{.Name}}' 2>/dev/null | grep -E '^multiarch-' | sort -u); do
    docker buildx rm --force "$name" >/dev/null 2>&1 || true
  done
  docker ps -aq --filter 'name=^buildx_buildkit_multiarch-' 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
}

# Stops what this script started (by PID file); an engine started some other way is left alone.
down() {
  remove_builders
  stop_pid registry
  stop_pid dockerd
}

# Names of the services this script has PID files for (what `up` started, now or earlier).
started() {
  local f
  for f in "$TESTENV_DIR"/*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  return 0
}

case "${1:-up}" in
  up) packages; dockerd_start; registry_start; buildkit_image; fixtures; status ;;
  packages) packages ;;
  dockerd) dockerd_start ;;
  registry) registry_start ;;
  buildkit) buildkit_image ;;
  fixtures) fixtures ;;
  status) status ;;
  down) down ;;
  started) started ;;
  stop) [ "${2:?service name}" = dockerd ] && remove_builders; stop_pid "$2" ;;
  clean-builders) remove_builders ;;
  bins) bins ;;
  *) echo "usage: $0 [up|packages|dockerd|registry|buildkit|fixtures|bins|status|down|started|stop NAME|clean-builders]" >&2; exit 2 ;;
esac

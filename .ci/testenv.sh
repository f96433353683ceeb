#!/usr/bin/env bash
# Provisions the real container build stack the integration tests drive, on a bare Debian machine
# with no image registry access: a Docker engine (containerd image store), docker-buildx, QEMU
# user emulation through binfmt_misc, an OCI registry on loopback, a BuildKit image for the
# docker-container driver (built offline from Debian's docker.io source), per-architecture
# busybox binaries for the fixtures, and a local stand-in for the binfmt image.
#
# Two stacks, one engine running at a time (TESTENV_STACK selects; switching is idempotent):
#   minimum  Debian trixie's docker.io 26.1, docker-buildx 0.13.1, BuildKit 0.13: the oldest we support.
#   current  Debian forky's docker.io 28.5, docker-buildx 0.29.1 and the BuildKit of that source:
#            what GitHub's hosted runners are close to. Unpacked beside the system packages, pinned.
#
# Usage: .ci/testenv.sh [up|packages|dockerd|registry|buildkit|fixtures|bins|status|versions|check|down|started|running-stack|stop NAME|clean-builders]
# Env: TESTENV_STACK (minimum|current, default minimum), TESTENV_DIR (state and logs, default
# /var/tmp/testenv), REGISTRY_ADDR (default 127.0.0.1:5000)
set -euo pipefail

TESTENV_DIR=${TESTENV_DIR:-/var/tmp/testenv}
TESTENV_STACK=${TESTENV_STACK:-minimum}
REGISTRY_ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
BUILDKIT_IMAGE=${BUILDKIT_IMAGE:-moby/buildkit:buildx-stable-1}
# Test fixture only: honours the tonistiigi/binfmt command-line contract with Debian's qemu-user-static.
BINFMT_STANDIN_IMAGE=${BINFMT_STANDIN_IMAGE:-localhost/test-fixture/binfmt-standin:latest}
FIXTURE_ARCHES=(amd64 arm64 armhf)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FIXTURE_BIN_DIR=${FIXTURE_BIN_DIR:-$ROOT/__tests__/fixtures/.bin}

# The current stack's pins: the Debian versions it was tested with. When forky moves on, the
# download fails with what it has now; test that version, then update these.
CURRENT_DOCKER_DEB=28.5.2+dfsg4-5
CURRENT_BUILDX_DEB=0.29.1+ds1-4
CURRENT_ROOT=$TESTENV_DIR/stacks/current/root
# The buildx plugin directory the docker CLI searches before /usr/libexec/docker/cli-plugins.
PLUGIN_LINK=/usr/local/lib/docker/cli-plugins/docker-buildx

case "$TESTENV_STACK" in
  minimum)
    DOCKERD=/usr/sbin/dockerd; DATA_ROOT=/var/lib/docker; ENGINE_VERSION='26.'; BUILDX_VERSION='0.13.'; EMBEDDED_BUILDKIT=v0.13.2
    BUILDKIT_VERSION=v0.13.2; RUNTIME_SUITE=trixie ;;
  current)
    DOCKERD=$CURRENT_ROOT/usr/sbin/dockerd; DATA_ROOT=/var/lib/docker-current; ENGINE_VERSION='28.5.2'; BUILDX_VERSION='0.29.1'; EMBEDDED_BUILDKIT=v0.25.2
    BUILDKIT_VERSION=v0.25.2; RUNTIME_SUITE=forky ;;
  *) echo "TESTENV_STACK must be minimum or current, not '$TESTENV_STACK'" >&2; exit 2 ;;
esac
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

# trixie (pin 100) and forky (pin 1: only ever asked for by version) supply amd64 packages and
# sources only: a foreign-architecture index caught mid-sync would otherwise make apt drop the
# whole release (and `-t trixie` with it). Returns 1 when it changed the sources.
ensure_suite_sources() {
  local suite=$1 priority=$2 f=/etc/apt/sources.list.d/$1.sources want
  want="Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  [ "$(cat "$f" 2>/dev/null)" = "$want" ] && return 0
  printf '%s\n' "$want" >"$f"
  printf 'Package: *\nPin: release n=%s\nPin-Priority: %s\n' "$suite" "$priority" >"/etc/apt/preferences.d/$suite"
  return 1
}
ensure_trixie_sources() { ensure_suite_sources trixie 100 || true; }

ensure_foreign_arches() {
  local a changed=0
  for a in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$a" || { dpkg --add-architecture "$a"; changed=1; }
  done
  return $changed
}

# skopeo and cosign: the promotion tests read with skopeo and sign and verify with cosign.
PROMOTE_TOOLS=(skopeo cosign)
have_promote_tools() { command -v skopeo >/dev/null && command -v cosign >/dev/null; }

have_packages() {
  command -v docker-registry >/dev/null && [ -x /usr/bin/qemu-aarch64-static ] && [ -x /bin/busybox ] &&
    command -v htpasswd >/dev/null && command -v openssl >/dev/null && have_promote_tools &&
    /usr/sbin/dockerd --version 2>/dev/null | grep -q ' 26\.' && [ -x /usr/libexec/docker/cli-plugins/docker-buildx ] &&
    dpkg --print-foreign-architectures | grep -qx arm64 && dpkg --print-foreign-architectures | grep -qx armhf
}

# On Ubuntu (GitHub-hosted runners) Docker, buildx and image pulls already work: add the rest.
packages_github() {
  apt-get update -qq
  apt-get install -y -qq qemu-user-static busybox-static apache2-utils docker-registry skopeo >/dev/null
  # The signing and promotion tests verify with cosign 2.x; older Ubuntu archives have none.
  command -v cosign >/dev/null || apt-get install -y -qq cosign >/dev/null || log "no cosign package here: the signing and promotion tests need cosign on PATH"
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
}

packages() {
  if ubuntu; then packages_github; return; fi
  if have_packages; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [ "$TESTENV_STACK" = current ] && current_packages
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
  # cosign 2.x (trixie has 2.5), what the signing and promotion tests verify signatures with.
  have_promote_tools || apt-get install -y -qq -t trixie "${PROMOTE_TOOLS[@]}" >/dev/null
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ "$TESTENV_STACK" = current ] && current_packages
  return 0
}

# The current stack's engine, CLI and buildx, unpacked (not installed) beside trixie's packages:
# they run on trixie's libc, containerd and runc.
current_packages() {
  local want="docker.io=$CURRENT_DOCKER_DEB docker-cli=$CURRENT_DOCKER_DEB docker-buildx=$CURRENT_BUILDX_DEB"
  [ "$(cat "$CURRENT_ROOT/.pins" 2>/dev/null)" = "$want" ] && return 0
  ensure_suite_sources forky 1 || apt_update
  local debs="$TESTENV_DIR/stacks/current/debs"
  rm -rf "$debs" "$CURRENT_ROOT" && mkdir -p "$debs" "$CURRENT_ROOT"
  # shellcheck disable=SC2086
  if ! (cd "$debs" && apt-get download -q $want >>"$TESTENV_DIR/apt.log" 2>&1); then
    apt_update
    # shellcheck disable=SC2086
    (cd "$debs" && apt-get download -q $want >>"$TESTENV_DIR/apt.log" 2>&1) || forky_moved
  fi
  local d
  for d in "$debs"/*.deb; do dpkg -x "$d" "$CURRENT_ROOT"; done
  echo "$want" >"$CURRENT_ROOT/.pins"
}

forky_moved() {
  log "The current stack is pinned to docker.io and docker-cli $CURRENT_DOCKER_DEB and docker-buildx $CURRENT_BUILDX_DEB,"
  log "and Debian forky no longer has them. forky has now:"
  apt-cache madison docker.io docker-buildx 2>/dev/null | grep forky | sed 's/^/[testenv]   /' >&2 || true
  log "Test the new versions, then update CURRENT_DOCKER_DEB and CURRENT_BUILDX_DEB in .ci/testenv.sh."
  exit 1
}

# The engine of TESTENV_STACK, and no other: an engine this script started for the other stack is
# stopped first; one started some other way is left alone and reported.
dockerd_start() {
  # A hosted runner's engine is the runner's own, whatever the stack.
  if ubuntu && docker info >/dev/null 2>&1; then return 0; fi
  if docker info >/dev/null 2>&1; then
    engine_matches && { use_buildx_plugin; return; }
    [ -n "$(our_pid dockerd)" ] || {
      log "a Docker engine $(engine_version) not started by this script is running; stop it to use the $TESTENV_STACK stack"
      return 1
    }
    log "switching to the $TESTENV_STACK stack: stopping engine $(engine_version)"
    remove_builders
    stop_pid dockerd
  fi
  use_buildx_plugin
  mkdir -p /etc/docker
  # containerd image store: multi-platform images can be loaded by the docker driver.
  [ -f /etc/docker/daemon.json ] || echo '{"features":{"containerd-snapshotter":true}}' >/etc/docker/daemon.json
  # No bridge and no iptables here: builds and containers use network=host. Each stack keeps its
  # own images (and its own BuildKit image) in its own data root.
  PATH="$(dirname "$DOCKERD"):$PATH" nohup "$DOCKERD" --iptables=false --ip6tables=false --bridge=none \
    --data-root "$DATA_ROOT" >"$TESTENV_DIR/dockerd.log" 2>&1 &
  echo $! >"$TESTENV_DIR/dockerd.pid"
  echo "$TESTENV_STACK" >"$TESTENV_DIR/dockerd.stack"
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && engine_matches && return 0; sleep 0.5; done
  log "dockerd ($TESTENV_STACK stack) did not start; see $TESTENV_DIR/dockerd.log"; return 1
}

# A second engine of the same stack with the classic image store, which hosted runners' Docker 28
# uses by default: the tests that depend on the image store run against it too (DOCKER_HOST).
CLASSIC_SOCK=/var/run/docker-classic.sock
classic() { DOCKER_HOST="unix://$CLASSIC_SOCK" "$@"; }

classic_start() {
  if [ -n "$(our_pid dockerd-classic)" ] && [ "$(cat "$TESTENV_DIR/dockerd-classic.stack" 2>/dev/null)" = "$TESTENV_STACK" ]; then
    classic_images; return
  fi
  stop_pid dockerd-classic
  local dockerd=$DOCKERD; ubuntu && dockerd=$(command -v dockerd)
  echo '{"features":{"containerd-snapshotter":false}}' >"$TESTENV_DIR/daemon-classic.json"
  PATH="$(dirname "$dockerd"):$PATH" nohup "$dockerd" --config-file "$TESTENV_DIR/daemon-classic.json" \
    --iptables=false --ip6tables=false --bridge=none -H "unix://$CLASSIC_SOCK" \
    --data-root "$DATA_ROOT-classic" --exec-root /var/run/docker-classic --pidfile /var/run/docker-classic.pid \
    >"$TESTENV_DIR/dockerd-classic.log" 2>&1 &
  echo $! >"$TESTENV_DIR/dockerd-classic.pid"
  echo "$TESTENV_STACK" >"$TESTENV_DIR/dockerd-classic.stack"
  for _ in $(seq 1 120); do classic docker info >/dev/null 2>&1 && break; sleep 0.5; done
  classic docker info >/dev/null 2>&1 || { log "the classic-store dockerd did not start; see $TESTENV_DIR/dockerd-classic.log"; return 1; }
  classic_images
}

# The BuildKit image and the binfmt stand-in, copied from the main engine when missing or different.
classic_images() {
  local image same='{{.Created}} {{json .Config.Labels}}'
  for image in "$BUILDKIT_IMAGE" "$BINFMT_STANDIN_IMAGE"; do
    [ "$(classic docker image inspect --format "$same" "$image" 2>/dev/null)" = "$(docker image inspect --format "$same" "$image")" ] && continue
    docker save "$image" | classic docker load -q >/dev/null
  done
}

engine_version() { docker version --format '{{.Server.Version}}' 2>/dev/null; }
engine_matches() { case "$(engine_version)" in "$ENGINE_VERSION"*) return 0 ;; *) return 1 ;; esac; }

# The docker CLI takes the first docker-buildx it finds, and PLUGIN_LINK's directory comes before
# the system one: the current stack links its buildx there, the minimum stack removes that link.
# A buildx someone installed there is never replaced.
use_buildx_plugin() {
  ubuntu && return 0
  if [ "$TESTENV_STACK" != current ]; then unlink_buildx_plugin; return; fi
  if [ -e "$PLUGIN_LINK" ] && ! our_plugin_link; then
    log "$PLUGIN_LINK is someone else's buildx, which the docker CLI would use instead of the current stack's; move it away first"
    return 1
  fi
  mkdir -p "$(dirname "$PLUGIN_LINK")"
  ln -sfn "$CURRENT_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$PLUGIN_LINK"
}

our_plugin_link() { [ -L "$PLUGIN_LINK" ] && [[ "$(readlink "$PLUGIN_LINK")" == "$TESTENV_DIR"/* ]]; }
unlink_buildx_plugin() { if our_plugin_link; then rm -f "$PLUGIN_LINK"; fi; }

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

# A BuildKit image for the docker-container driver, built offline from Debian's sources with
# Debian's golang-*-dev packages in GOPATH mode, packed FROM scratch under the name buildx looks
# for, in the engine of TESTENV_STACK (each stack's engine keeps its own).
buildkit_image() {
  if docker image inspect "$BUILDKIT_IMAGE" >/dev/null 2>&1; then return 0; fi
  if ubuntu; then docker pull -q "$BUILDKIT_IMAGE" >/dev/null; return; fi
  ensure_trixie_sources
  local W="$TESTENV_DIR/buildkit-$TESTENV_STACK"
  rm -rf "$W"; mkdir -p "$W/out"
  (cd "$W"; "buildkit_binaries_$TESTENV_STACK" "$W")
  (cd "$W"; pack_buildkit_image "$W")
  rm -rf "$W/debroot" "$W/gocache" "$W/debs" "$W/gopath" "$W/src" "$W/extra" "$W/goroot"
}

# BuildKit v0.13.2: the buildkit component of trixie's docker.io 26.1.5 source, trixie's Go.
buildkit_binaries_minimum() {
  local W=$1
  apt-get install -y -qq -t trixie golang-go >/dev/null
  apt-get source -q --download-only -t trixie docker.io >/dev/null 2>&1 || true
  ls docker.io_*orig-buildkit.tar.xz >/dev/null
  mkdir -p src && (cd src &&
    tar -xf ../docker.io_*.orig-buildkit.tar.xz &&
    tar -xf "$(ls ../docker.io_*.orig.tar.xz)" --strip-components=2 &&
    tar -xf "$(ls ../docker.io_*.debian.tar.xz)" &&
    for p in $(grep -E '^(grpc-middleware-v1|buildkit-)' debian/patches/series); do patch -s -p1 -i "debian/patches/$p"; done)
  fetch_go_deps trixie "$HERE/buildkit-go-deps.txt"
  mkdir -p gopath/src/github.com/moby && cp -a src/buildkit gopath/src/github.com/moby/buildkit
  GOPATH="$W/gopath:$W/debroot/usr/share/gocode" go_build_buildkit "$W"
}

# BuildKit v0.25.2, as vendored by forky's docker.io 28.5.2, with forky's Go 1.27 (unpacked, not
# installed: BuildKit's dependencies in forky need Go 1.25 or newer). Forky ships the Debian-patched
# buildkit tree in golang-github-docker-docker-dev (its orig-buildkit tarball is not on the mirrors);
# the engine's vendor directory supplies the two packages Debian lacks. Two changes, both checked:
# the stargz snapshotter is left out (Debian packages only a version for the containerd 1 API), and
# fuse-overlayfs-snapshotter, found only in trixie's orig-buildkit tarball, moves to containerd 2 paths.
buildkit_binaries_current() {
  local W=$1
  mkdir -p godebs && (cd godebs && apt-get download -q golang-1.27-go/forky golang-1.27-src/forky >>"$TESTENV_DIR/apt.log" 2>&1)
  local d; for d in godebs/*.deb; do dpkg -x "$d" goroot; done
  apt-get source -q --download-only -t forky "docker.io=$CURRENT_DOCKER_DEB" >/dev/null 2>&1 || true
  apt-get source -q --download-only -t trixie docker.io=26.1.5+dfsg1-9+deb13u1 >/dev/null 2>&1 || true
  local engine_src="docker.io_${CURRENT_DOCKER_DEB%-*}.orig.tar.xz" fuse_src=docker.io_26.1.5+dfsg1.orig-buildkit.tar.xz
  [ -f "$engine_src" ] && [ -f "$fuse_src" ] || { log "could not download $engine_src and $fuse_src (apt-get source)"; return 1; }
  mkdir -p src
  tar -C src -xJf "$engine_src" --strip-components=2 --wildcards '*/engine/vendor/*'
  tar -C src -xJf "$fuse_src" ./buildkit/vendor/github.com/containerd/fuse-overlayfs-snapshotter
  fetch_go_deps forky "$HERE/buildkit-go-deps-current.txt"
  local bk=gopath/src/github.com/moby/buildkit
  mkdir -p gopath/src/github.com/moby && cp -a debroot/usr/share/gocode/src/github.com/moby/buildkit "$bk"
  # Without a go.mod, GOPATH mode does not map major-version import paths (…/v2) onto Debian's trees.
  printf 'module github.com/moby/buildkit\n\ngo 1.24.0\n' >"$bk/go.mod"
  without_stargz "$bk/cmd/buildkitd/main_oci_worker.go"
  local F=extra/src/github.com/containerd/fuse-overlayfs-snapshotter/v2
  mkdir -p "$F" && cp src/buildkit/vendor/github.com/containerd/fuse-overlayfs-snapshotter/{check.go,fuseoverlayfs.go,LICENSE} "$F"/
  sed -i -e 's#"github.com/containerd/containerd/\(mount\|snapshots\|snapshots/storage\)"#"github.com/containerd/containerd/v2/core/\1"#' \
    -e 's#\([ug]id\)mapping=%s", mapping)#\1mapping=%s", strings.ReplaceAll(mapping, ",", ":"))#' "$F"/*.go
  mkdir -p vendorpath && ln -sfn ../src/engine/vendor vendorpath/src
  GOROOT="$W/goroot/usr/lib/go-1.27" PATH="$W/goroot/usr/lib/go-1.27/bin:$PATH" GOTOOLCHAIN=local \
    GOPATH="$W/gopath:$W/extra:$W/debroot/usr/share/gocode:$W/vendorpath" go_build_buildkit "$W"
}

# buildkitd's stargz snapshotter option, cut out; fails loudly if the source no longer matches.
without_stargz() {
  perl -0pi -e '
    s{\t\w+ "github\.com/containerd/stargz-snapshotter/[^"]+"\n}{}g;
    s{\t"(fmt|path/filepath|strings|github\.com/containerd/containerd/v2/pkg/reference|github\.com/moby/buildkit/util/resolver|github\.com/pelletier/go-toml|github\.com/sirupsen/logrus)"\n}{}g;
    s{(\tcase "stargz":\n).*?(?=\tdefault:\n)}{$1\t\treturn snFactory, errors.New("stargz snapshotter is not supported in this build")\n}s;
    s{const \(\n\t// targetRefLabel.*\z}{}s;' "$1"
  if grep -q 'stargz-snapshotter/\|sourceWithSession' "$1"; then log "could not cut stargz out of $1"; return 1; fi
}

# The Debian Go library packages a BuildKit build needs, unpacked into debroot (never installed).
fetch_go_deps() {
  local suite=$1 list=$2
  mkdir -p debs debroot
  # shellcheck disable=SC2046
  (cd debs && apt-get download -q $(sed "s|\$|/$suite|" "$list") >>"$TESTENV_DIR/apt.log" 2>&1) ||
    { log "could not download the Go packages in $list from $suite; see $TESTENV_DIR/apt.log"; return 1; }
  local d; for d in debs/*.deb; do dpkg -x "$d" debroot; done
}

go_build_buildkit() {
  local W=$1 ldf="-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION+debian"
  (export GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOCACHE="$W/gocache"
   cd gopath/src/github.com/moby/buildkit
   go build -trimpath -ldflags "$ldf" -tags "osusergo netgo static_build seccomp" -o "$W/out/buildkitd" ./cmd/buildkitd
   go build -trimpath -ldflags "$ldf" -tags "osusergo netgo static_build" -o "$W/out/buildctl" ./cmd/buildctl)
  "$W/out/buildkitd" --version >/dev/null
}

# buildkitd and buildctl with runc and its libraries from RUNTIME_SUITE, FROM scratch.
pack_buildkit_image() {
  local W=$1
  mkdir -p rtdebs img/rootfs
  (cd rtdebs && apt-get download -q "runc/$RUNTIME_SUITE" "libc6/$RUNTIME_SUITE" "libseccomp2/$RUNTIME_SUITE" >>"$TESTENV_DIR/apt.log" 2>&1)
  (cd img/rootfs && for d in ../../rtdebs/*.deb; do dpkg -x "$d" .; done
   rm -rf usr/share/doc usr/share/man usr/share/lintian usr/share/locale
   # Debian's libc6 assumes a merged /usr (the loader is /lib64/ld-linux-x86-64.so.2).
   for d in bin sbin lib lib64; do [ -e "$d" ] || [ ! -d "usr/$d" ] || ln -s "usr/$d" "$d"; done
   mkdir -p tmp etc/buildkit etc/ssl/certs var/lib/buildkit run && chmod 1777 tmp
   cp "$W/out/buildkitd" "$W/out/buildctl" usr/bin/ && cp /etc/ssl/certs/ca-certificates.crt etc/ssl/certs/)
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "LABEL org.opencontainers.image.version=$BUILDKIT_VERSION" \
    'VOLUME /var/lib/buildkit' 'ENTRYPOINT ["buildkitd"]' >img/Dockerfile
  docker build -q --network=host -t "$BUILDKIT_IMAGE" img >/dev/null
}

# Per-architecture static busybox for the fixture Dockerfiles (busybox-amd64, busybox-arm64,
# busybox-arm) and the SSH agent lister, the binfmt stand-in image, and the SBOM scanner stand-in
# (pushed to the local registry, where BuildKit pulls generator images from).
fixtures() {
  bins
  ssh_agent_list
  binfmt_standin_image
  sbom_scanner_image
}

# A static Go program that lists an SSH agent's keys, built for amd64 and arm64 when its source changes.
ssh_agent_list() {
  local src="$ROOT/__tests__/fixtures/ssh-agent-list/main.go" a
  command -v go >/dev/null || { ensure_trixie_sources; apt_update; apt-get install -y -qq -t trixie golang-go >/dev/null; }
  for a in amd64 arm64; do
    [ "$FIXTURE_BIN_DIR/ssh-agent-list-$a" -nt "$src" ] && continue
    (cd "$(dirname "$src")" && CGO_ENABLED=0 GOOS=linux GOARCH=$a GOFLAGS=-buildvcs=false GOCACHE="$TESTENV_DIR/gocache" \
      go build -ldflags='-s -w' -o "$FIXTURE_BIN_DIR/ssh-agent-list-$a" main.go)
  done
}

SBOM_SCANNER_IMAGE=$REGISTRY_ADDR/test-fixture/sbom-scanner:1

sbom_scanner_image() {
  local want W
  want=$(sha256sum "$ROOT/__tests__/fixtures/sbom-scanner/scan.sh" | cut -c1-64)
  [ "$(docker image inspect --format '{{index .Config.Labels "test-fixture.scan"}}' "$SBOM_SCANNER_IMAGE" 2>/dev/null)" = "$want" ] &&
    curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
      "http://$REGISTRY_ADDR/v2/test-fixture/sbom-scanner/manifests/1" && return 0
  W="$TESTENV_DIR/sbom-scanner"; rm -rf "$W"; mkdir -p "$W/rootfs/bin"
  cp "$FIXTURE_BIN_DIR/busybox-amd64" "$W/rootfs/bin/busybox"
  for l in sh find sed sort tr basename cat; do ln -sf busybox "$W/rootfs/bin/$l"; done
  cp "$ROOT/__tests__/fixtures/sbom-scanner/scan.sh" "$W/rootfs/bin/scan"
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' "LABEL test-fixture.scan=$want" 'ENTRYPOINT ["/bin/scan"]' >"$W/Dockerfile"
  docker build -q --network=host -t "$SBOM_SCANNER_IMAGE" "$W" >/dev/null
  docker push -q "$SBOM_SCANNER_IMAGE" >/dev/null
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
  # Rebuilt whenever the entrypoint changes (its hash is a label of the image).
  local want have
  want=$(sha256sum "$ROOT/__tests__/fixtures/binfmt-standin/entrypoint.sh" | cut -c1-64)
  have=$(docker image inspect --format '{{index .Config.Labels "test-fixture.entrypoint"}}' "$BINFMT_STANDIN_IMAGE" 2>/dev/null || true)
  [ "$have" = "$want" ] && return 0
  local W="$TESTENV_DIR/binfmt-standin"; rm -rf "$W"; mkdir -p "$W/rootfs/bin" "$W/rootfs/usr/bin" "$W/rootfs/usr/libexec/qemu-binfmt" "$W/rootfs/etc/binfmt.d"
  cp "$FIXTURE_BIN_DIR/busybox-amd64" "$W/rootfs/bin/busybox"
  for l in sh mount cat grep sed echo printf ls tr cut head basename; do ln -sf busybox "$W/rootfs/bin/$l"; done
  for n in aarch64 arm riscv64 s390x ppc64le; do
    cp "/usr/bin/qemu-$n-static" "$W/rootfs/usr/bin/" && cp "/usr/lib/binfmt.d/qemu-$n.conf" "$W/rootfs/etc/binfmt.d/"
    ln -s "../../bin/qemu-$n-static" "$W/rootfs/usr/libexec/qemu-binfmt/$n-binfmt-P"
  done
  cp "$ROOT/__tests__/fixtures/binfmt-standin/entrypoint.sh" "$W/rootfs/bin/binfmt"
  chmod +x "$W/rootfs/bin/binfmt"
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' "LABEL test-fixture.entrypoint=$want" 'ENTRYPOINT ["/bin/binfmt"]' >"$W/Dockerfile"
  docker build -q --network=host -t "$BINFMT_STANDIN_IMAGE" "$W" >/dev/null
}

# What is in use, as key=value lines (tests read them through `versions`).
versions() {
  echo "stack=$TESTENV_STACK"
  echo "engine=$(engine_version)"
  echo "cli=$(docker version --format '{{.Client.Version}}' 2>/dev/null)"
  echo "buildx=$(buildx_version)"
  echo "buildkit-image=$(buildkit_image_version)"
  # Debian's engine build does not stamp its vendored BuildKit's version (it reports v0.0.0+unknown).
  echo "buildkit-embedded=$(docker buildx inspect default 2>/dev/null | awk '/^BuildKit version:/ {print $3}') (vendored: $EMBEDDED_BUILDKIT)"
  echo "image-store=$(docker info --format '{{range .DriverStatus}}{{index . 1}}{{end}}' 2>/dev/null)"
}

buildx_version() { docker buildx version 2>/dev/null | awk '{print $2}'; }
buildkit_image_version() {
  docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "$BUILDKIT_IMAGE" 2>/dev/null || true
}

# Whether what runs is TESTENV_STACK's engine, buildx and BuildKit image: prints each mismatch and
# fails if there is one. A hosted runner's stack is the runner's own.
check() {
  ubuntu && return 0
  local bad=0 buildx buildkit fix="switch with: sudo TESTENV_STACK=$TESTENV_STACK bash .ci/testenv.sh up"
  engine_matches || { echo "the $TESTENV_STACK stack's engine $ENGINE_VERSION* (running: $(engine_version || echo none)); $fix"; bad=1; }
  buildx=$(buildx_version)
  [[ "$buildx" == "$BUILDX_VERSION"* ]] || { echo "the $TESTENV_STACK stack's buildx $BUILDX_VERSION* (found: ${buildx:-none}); $fix"; bad=1; }
  buildkit=$(buildkit_image_version)
  [ "$buildkit" = "$BUILDKIT_VERSION" ] || { echo "the $TESTENV_STACK stack's BuildKit image $BUILDKIT_VERSION (found: ${buildkit:-no version label}); $fix"; bad=1; }
  case "$(classic docker version --format '{{.Server.Version}}' 2>/dev/null)" in
    "$ENGINE_VERSION"*) ;;
    *) echo "the $TESTENV_STACK stack's classic-store engine at $CLASSIC_SOCK; $fix"; bad=1 ;;
  esac
  return $bad
}

status() {
  versions
  echo "classic-store engine=$(classic docker version --format '{{.Server.Version}}' 2>/dev/null || echo none) at $CLASSIC_SOCK"
  docker image inspect "$BUILDKIT_IMAGE" --format "$BUILDKIT_IMAGE {{.Id}}" 2>/dev/null || echo "no $BUILDKIT_IMAGE"
  curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null && echo "registry http://$REGISTRY_ADDR up"
  ls /proc/sys/fs/binfmt_misc
}

# The PID in NAME's PID file, if that process is alive and still the program this script started
# (a PID file can outlive a reboot, and its number be reused by anything).
our_pid() {
  local f="$TESTENV_DIR/$1.pid" pid exe
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  exe=$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)" 2>/dev/null)
  case "$1:$exe" in dockerd:dockerd | dockerd-classic:dockerd | registry:docker-registry) echo "$pid" ;; esac
}

stop_pid() {
  local f="$TESTENV_DIR/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(our_pid "$1")
  if [ -n "$pid" ]; then
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
  stop_pid dockerd-classic
  stop_pid dockerd
  unlink_buildx_plugin
}

# The stack of the engine this script started, if it is running.
running_stack() {
  if [ -n "$(our_pid dockerd)" ]; then cat "$TESTENV_DIR/dockerd.stack" 2>/dev/null || true; fi
}

# Names of the services this script has PID files for (what `up` started, now or earlier).
started() {
  local f
  for f in "$TESTENV_DIR"/*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  return 0
}

case "${1:-up}" in
  up) packages; dockerd_start; registry_start; buildkit_image; fixtures; classic_start; status ;;
  classic) classic_start ;;
  packages) packages ;;
  dockerd) dockerd_start ;;
  registry) registry_start ;;
  buildkit) buildkit_image ;;
  fixtures) fixtures ;;
  status) status ;;
  versions) versions ;;
  check) check ;;
  down) down ;;
  started) started ;;
  running-stack) running_stack ;;
  stop) if [ "${2:?service name}" = dockerd ]; then remove_builders; stop_pid dockerd; unlink_buildx_plugin; else stop_pid "$2"; fi ;;
  clean-builders) remove_builders ;;
  bins) bins ;;
  *) echo "usage: $0 [up|packages|dockerd|registry|buildkit|fixtures|bins|status|versions|check|down|started|running-stack|stop NAME|clean-builders]" >&2; exit 2 ;;
esac

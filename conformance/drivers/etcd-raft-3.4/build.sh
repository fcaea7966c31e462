#!/bin/sh
# Builds the etcd raft 3.4 driver from Debian's golang-etcd-server-dev (GOPATH mode, no network),
# with Debian's own Go toolchain (golang-go, Go 1.19), whatever `go` on PATH is.
# Output, GOPATH scratch and build cache all go under bin/ (gitignored).
#
# Our own hook file (_hook/zz_driver_hooks.go) must join etcd's raft package. `go build -overlay`
# can do that, but go vet 1.19 ignores overlays for dependencies, so we use a shadow package
# instead: bin/_gopath/src/go.etcd.io/etcd/raft holds symlinks to Debian's files plus the hook,
# and comes first in GOPATH. Nothing from etcd is copied; its sub-packages resolve to Debian's.
# The same root maps raftconformance/etcddriver (the protocol code all etcd drivers share) to
# ../etcd-common.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/bin"
install_hint() {
  echo "etcd-raft-3.4 driver: $1" >&2
  echo "install it with: apt-get install -y golang-go golang-etcd-server-dev" >&2
  exit 1
}

# ETCD34_GO names another Go toolchain (one that still has GOPATH mode); default: Debian's.
go=${ETCD34_GO:-/usr/lib/go-1.19/bin/go}
[ -x "$go" ] || install_hint "Debian's Go toolchain $go is not installed"
unset GOROOT GOTOOLCHAIN
mkdir -p "$bin/_gopath" "$bin/gocache"
# ETCD_GOPATH points at another GOPATH root holding go.etcd.io/etcd (e.g. an unpacked .deb).
GOPATH="${ETCD_GOPATH:-/usr/share/gocode}"
GO111MODULE=off GOCACHE="$bin/gocache" GOFLAGS=
export GOPATH GO111MODULE GOCACHE GOFLAGS

raftdir=$("$go" list -f '{{.Dir}}' go.etcd.io/etcd/raft 2>/dev/null) ||
  install_hint "package go.etcd.io/etcd/raft (etcd 3.4) is not in GOPATH $GOPATH"
[ -d "$raftdir/confchange" ] || install_hint "$raftdir is older than etcd raft 3.4"

version=$(dpkg-query -W -f '${Version}' golang-etcd-server-dev 2>/dev/null || true)
version=${version:-3.4}

shadow="$bin/_gopath/src/go.etcd.io/etcd/raft"
rm -rf "$shadow"
mkdir -p "$shadow"
for f in "$raftdir"/*.go; do
  case "$f" in *_test.go) ;; *) ln -s "$f" "$shadow/" ;; esac
done
ln -s "$here/_hook/zz_driver_hooks.go" "$shadow/"
mkdir -p "$bin/_gopath/src/raftconformance"
rm -f "$bin/_gopath/src/raftconformance/etcddriver"
ln -s "$here/../etcd-common" "$bin/_gopath/src/raftconformance/etcddriver"
GOPATH="$bin/_gopath:$GOPATH"

cd "$here"
"$go" vet ./... raftconformance/etcddriver
"$go" build -ldflags "-X main.etcdVersion=$version" -o "$bin/etcd-raft-3.4-driver" .
echo "built $bin/etcd-raft-3.4-driver (etcd raft $version)" >&2
echo "run it with: node dist/src/cli.js run --driver $bin/etcd-raft-3.4-driver traces/" >&2

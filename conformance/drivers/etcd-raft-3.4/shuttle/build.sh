#!/bin/sh
# Builds the P4 benchmark program (see main.go) against Debian's etcd raft 3.4, in GOPATH mode
# and without network, like ../build.sh builds the driver. It needs no hook into etcd's package.
# Output: ../bin/etcd-raft-3.4-shuttle (bin/ is gitignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../bin"
# Debian's Go toolchain (or ETCD34_GO): GOPATH mode, whatever `go` on PATH is.
go=${ETCD34_GO:-/usr/lib/go-1.19/bin/go}
[ -x "$go" ] || { echo "shuttle: $go is not installed (apt-get install -y golang-go)" >&2; exit 1; }
unset GOROOT GOTOOLCHAIN
mkdir -p "$bin/gocache"
GOPATH="${ETCD_GOPATH:-/usr/share/gocode}" GO111MODULE=off GOCACHE="$bin/gocache" GOFLAGS=
export GOPATH GO111MODULE GOCACHE GOFLAGS
"$go" list go.etcd.io/etcd/raft/confchange >/dev/null 2>&1 || {
  echo "shuttle: etcd raft 3.4 is not in GOPATH $GOPATH (apt-get install -y golang-etcd-server-dev)" >&2
  exit 1
}
cd "$here"
"$go" vet .
"$go" build -o "$bin/etcd-raft-3.4-shuttle" .
echo "built $bin/etcd-raft-3.4-shuttle" >&2

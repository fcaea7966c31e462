#!/bin/sh
# Builds a module-mode etcd-io/raft driver (etcd-raft-3.6, etcd-raft-3.7): sh build-module.sh DIR.
# DIR/go.mod and go.sum pin go.etcd.io/raft/v3 exactly; the module comes from the Go module proxy
# into the default module cache (GOMODCACHE), the binary goes to DIR/bin/ (gitignored).
#
# Our hook file (_hook_v3/zz_driver_hooks.go, a setter for the randomized election timeout) joins
# etcd's raft package through a shadow module: bin/raft-shadow holds symlinks to every file and
# directory of the verified go.etcd.io/raft/v3 in the module cache, plus the hook, and a build
# go.mod (bin/build.mod: DIR/go.mod plus a replace directive to the shadow, used through -modfile)
# points the build at it. (`go build -overlay` refuses files beneath GOMODCACHE.) Nothing from etcd
# is copied or changed; the committed go.mod/go.sum stay the exact pins.
set -eu
dir=$(cd "$1" && pwd)
common=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$dir")
bin="$dir/bin"
install_hint() {
  echo "$name driver: $1" >&2
  echo "install Go $2 or later from https://go.dev/dl/ (e.g. to /usr/local/go) and put its bin/ on PATH" >&2
  echo "(or set ETCD_GO to its go command); the build downloads go.etcd.io/raft/v3 from the Go module proxy" >&2
  exit 1
}
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$dir/go.mod")
go=${ETCD_GO:-go}
command -v "$go" >/dev/null 2>&1 || install_hint "the go command is not installed" "$need"
have=$(GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null | sed 's/^go//') || have=0
lowest=$(printf '%s\n%s\n' "$need" "${have:-0}" | sort -V | head -n 1)
[ "$lowest" = "$need" ] || install_hint "$go is Go ${have:-unknown}, go.mod needs Go $need" "$need"

GOFLAGS=-mod=readonly GOTOOLCHAIN=local
export GOFLAGS GOTOOLCHAIN
mkdir -p "$bin"
cd "$dir"
"$go" mod download go.etcd.io/raft/v3
raftdir=$("$go" list -m -f '{{.Dir}}' go.etcd.io/raft/v3)
version=$("$go" list -m -f '{{.Version}}' go.etcd.io/raft/v3)

shadow="$bin/raft-shadow"
rm -rf "$shadow"
mkdir -p "$shadow"
for f in "$raftdir"/*; do
  ln -s "$f" "$shadow/"
done
ln -s "$common/_hook_v3/zz_driver_hooks.go" "$shadow/"
cp go.mod "$bin/build.mod"
cp go.sum "$bin/build.sum"
printf '\nreplace go.etcd.io/raft/v3 => %s\n' "$shadow" >>"$bin/build.mod"

"$go" vet -modfile "$bin/build.mod" . raftconformance/etcddriver raftconformance/etcdv3
"$go" build -modfile "$bin/build.mod" -trimpath -o "$bin/$name-driver" .
echo "built $bin/$name-driver (go.etcd.io/raft/v3 $version)" >&2

#!/bin/sh
# Builds the tikv/raft-rs 0.7.0 driver with cargo (crates.io, versions pinned by Cargo.lock).
# raft-proto's build runs protoc through protobuf-build: we point it at Debian's protoc, so the
# binary bundled in the crate is never used. Output: bin/raft-rs-0.7-driver (bin/ and target/ are
# gitignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
install_hint() {
  echo "raft-rs-0.7 driver: $1" >&2
  echo "install it with: $2" >&2
  exit 1
}
command -v cargo >/dev/null 2>&1 ||
  install_hint "cargo (Rust) is not installed" "https://rustup.rs (or apt-get install -y cargo rustc; Rust 1.73 or later)"
PROTOC=${PROTOC:-$(command -v protoc || true)}
[ -n "$PROTOC" ] && [ -x "$PROTOC" ] ||
  install_hint "protoc (the protobuf compiler) is not installed" "apt-get install -y protobuf-compiler"
export PROTOC

cd "$here"
cargo build --release --locked --quiet
mkdir -p bin
cp target/release/raft-rs-driver bin/raft-rs-0.7-driver
echo "built $here/bin/raft-rs-0.7-driver (tikv/raft-rs 0.7.0, protoc $("$PROTOC" --version | cut -d' ' -f2))" >&2
echo "run it with: node dist/src/cli.js run --driver conformance/drivers/raft-rs-0.7/bin/raft-rs-0.7-driver --level observable traces/" >&2

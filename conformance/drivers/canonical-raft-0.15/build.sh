#!/bin/sh
# Builds the canonical/raft 0.15 driver from Debian's libraft-dev and libjansson-dev.
#   sudo apt-get install -y libraft-dev libjansson-dev pkg-config gcc
set -eu
cd "$(dirname "$0")"
for tool in cc pkg-config; do
  command -v "$tool" > /dev/null || { echo "canonical-raft-0.15: $tool is missing: sudo apt-get install -y gcc pkg-config libraft-dev libjansson-dev" >&2; exit 1; }
done
for lib in raft jansson; do
  pkg-config --exists "$lib" || { echo "canonical-raft-0.15: lib$lib is missing: sudo apt-get install -y libraft-dev libjansson-dev" >&2; exit 1; }
done
mkdir -p bin
cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -o bin/canonical-raft-0.15-driver driver.c $(pkg-config --cflags --libs raft jansson)
echo "built $(pwd)/bin/canonical-raft-0.15-driver (canonical/raft $(pkg-config --modversion raft))"

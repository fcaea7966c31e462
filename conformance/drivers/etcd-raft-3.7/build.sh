#!/bin/sh
# Builds the etcd-io/raft v3.7.0 driver (module mode, Go 1.26+, network to the Go module proxy).
exec sh "$(dirname "$0")/../etcd-common/build-module.sh" "$(dirname "$0")"

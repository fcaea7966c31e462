// Our own file, not etcd's: build.sh adds it to etcd's raft package through a symlink in a shadow
// GOPATH. It changes no raft logic; it lets the conformance driver make the randomized election
// timeout deterministic, as etcd's own tests do internally.
package raft

import "math/rand"

// DriverSetRandomizedElectionTimeout pins the timeout until the node's next state change.
func (rn *RawNode) DriverSetRandomizedElectionTimeout(ticks int) {
	rn.raft.randomizedElectionTimeout = ticks
}

// DriverUseRand makes every later timeout draw (at each state change) come from r.
func DriverUseRand(r *rand.Rand) {
	globalRand.mu.Lock()
	globalRand.rand = r
	globalRand.mu.Unlock()
}

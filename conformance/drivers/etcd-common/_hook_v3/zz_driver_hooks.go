// Our own file, not etcd's: build.sh of the etcd-io/raft v3.6 and v3.7 drivers adds it to etcd's
// raft package with `go build -overlay`. It changes no raft logic; it lets the conformance driver
// pin the randomized election timeout, as etcd's own tests do internally.
package raft

// DriverSetRandomizedElectionTimeout pins the timeout until the node's next state change.
func (rn *RawNode) DriverSetRandomizedElectionTimeout(ticks int) {
	rn.raft.randomizedElectionTimeout = ticks
}

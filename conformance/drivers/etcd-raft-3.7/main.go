// Command etcd-raft-3.7-driver serves etcd-io/raft v3.7.0 (go.etcd.io/raft/v3, from the Go module
// proxy, pinned in go.mod/go.sum) over the raft-conformance driver protocol: NDJSON requests on
// stdin, one response per request on stdout (spec/protocol.md). One process hosts every node of a
// trace; the protocol itself is the shared package etcddriver (../etcd-common).
package main

import (
	"runtime/debug"

	"go.etcd.io/raft/v3"
	ed "raftconformance/etcddriver"
)

// capabilities are every feature of spec/protocol.md §5: v3.7 has them all (async storage writes,
// ForgetLeader, StepDownOnRemoval, DisableConfChangeValidation, MaxInflightBytes, and the fast log
// rejection of 3984dc6, v3.5).
var capabilities = []string{
	"election", "replication", "fast_log_rejection", "prevote", "check_quorum", "read_index_safe",
	"read_index_lease", "leader_transfer", "forget_leader", "conf_change_v1", "conf_change_v2",
	"joint_consensus", "learners", "step_down_on_removal", "disable_conf_change_validation",
	"disable_proposal_forwarding", "snapshots", "compaction", "async_storage_writes",
	"pin_election_timeout", "progress_status", "report_unreachable", "report_snapshot",
	"flow_control", "uncommitted_size_limit", "committed_size_per_ready",
}

// etcdErrors are etcd's error values, by their Go names.
var etcdErrors = []ed.NamedError{
	{Err: raft.ErrProposalDropped, Name: "ErrProposalDropped"},
	{Err: raft.ErrStepLocalMsg, Name: "ErrStepLocalMsg"},
	{Err: raft.ErrStepPeerNotFound, Name: "ErrStepPeerNotFound"},
	{Err: raft.ErrCompacted, Name: "ErrCompacted"},
	{Err: raft.ErrSnapOutOfDate, Name: "ErrSnapOutOfDate"},
	{Err: raft.ErrUnavailable, Name: "ErrUnavailable"},
	{Err: raft.ErrSnapshotTemporarilyUnavailable, Name: "ErrSnapshotTemporarilyUnavailable"},
}

func main() {
	ed.Serve(ed.Impl{
		Name: "etcd-io/raft", Version: ed.ModuleVersion(debug.ReadBuildInfo()), URL: "https://github.com/etcd-io/raft",
		Capabilities: capabilities, Errors: etcdErrors,
		NewNode: func(id uint64, c ed.NodeConfig, d ed.DurableState) (ed.Node, error) { return newNode(id, c, d) },
	})
}

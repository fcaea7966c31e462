// Command etcd-raft-3.4-driver serves etcd raft 3.4 (go.etcd.io/etcd/raft, Debian's
// golang-etcd-server-dev) over the raft-conformance driver protocol: NDJSON requests on stdin,
// one response per request on stdout (spec/protocol.md). One process hosts every node of a
// trace; the protocol itself is the shared package etcddriver (../etcd-common).
package main

import (
	"go.etcd.io/etcd/raft"
	ed "raftconformance/etcddriver"
)

// etcdVersion is the Debian package version of etcd, set by build.sh (-X main.etcdVersion).
var etcdVersion = "3.4"

// capabilities are the features etcd raft 3.4 really has. Absent: async_storage_writes,
// forget_leader, step_down_on_removal and disable_conf_change_validation (later etcd versions), and
// fast_log_rejection (3.4 rejects with the follower's last index only, no term hint).
// flow_control is MaxInflightMsgs only: a MaxInflightBytes limit is answered `unsupported`.
var capabilities = []string{
	"election", "replication", "prevote", "check_quorum", "read_index_safe", "read_index_lease",
	"leader_transfer", "conf_change_v1", "conf_change_v2", "joint_consensus", "learners",
	"disable_proposal_forwarding", "snapshots", "compaction", "pin_election_timeout",
	"progress_status", "report_unreachable", "report_snapshot", "flow_control",
	"uncommitted_size_limit", "committed_size_per_ready",
	// etcd's behaviours (spec/protocol.md §5.1), which every etcd-io/raft version has.
	"campaign", "empty_entry_on_election", "commit_broadcast", "proposal_forwarding",
	"durable_commit", "etcd_messages", "check_quorum_optional", "pre_vote_optional",
	"step_down_on_removal_optional", "step_down_on_lost_vote", "conf_change_noop",
	"transfer_replaces_pending", "prevote_respects_vote", "vote_while_leader_known",
	"prevote_learns_term", "vote_as_non_voter", "matching_snapshot_commits", "append_during_snapshot",
	"config_on_apply",
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
		Name: "etcd raft", Version: etcdVersion, URL: "https://github.com/etcd-io/etcd/tree/release-3.4/raft",
		Capabilities: capabilities, Errors: etcdErrors,
		NewNode: func(id uint64, c ed.NodeConfig, d ed.DurableState) (ed.Node, error) { return newNode(id, c, d) },
	})
}

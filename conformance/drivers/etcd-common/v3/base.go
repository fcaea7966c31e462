// Package etcdv3 is the part of the etcd-io/raft v3.6 and v3.7 drivers that compiles against
// either version: both import go.etcd.io/raft/v3, and each driver's go.mod picks the version, so
// this code builds once against v3.6.0 and once against v3.7.0. What differs — raftpb's value
// structs (v3.6, gogo) against pointer structs with getters (v3.7, protoc-gen-go), and so storage,
// Ready, messages and status — stays in each driver.
package etcdv3

import (
	crand "crypto/rand"
	"io"
	"log"
	"math/rand"
	"os"
	"runtime/debug"

	"go.etcd.io/raft/v3"
	ed "raftconformance/etcddriver"
)

// capabilities are every feature of spec/protocol.md §5: v3.6 and v3.7 have them all (async
// storage writes, ForgetLeader, StepDownOnRemoval, DisableConfChangeValidation, MaxInflightBytes,
// and the fast log rejection of 3984dc6, v3.5).
var capabilities = []string{
	"election", "replication", "fast_log_rejection", "prevote", "check_quorum", "read_index_safe",
	"read_index_lease", "leader_transfer", "forget_leader", "conf_change_v1", "conf_change_v2",
	"joint_consensus", "learners", "step_down_on_removal", "disable_conf_change_validation",
	"disable_proposal_forwarding", "snapshots", "compaction", "async_storage_writes",
	"pin_election_timeout", "progress_status", "report_unreachable", "report_snapshot",
	"flow_control", "uncommitted_size_limit", "committed_size_per_ready",
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

// Serve runs the driver protocol with the given way to create nodes.
func Serve(newNode func(id uint64, c ed.NodeConfig, d ed.DurableState) (ed.Node, error)) {
	ed.Serve(ed.Impl{
		Name: "etcd-io/raft", Version: moduleVersion(), URL: "https://github.com/etcd-io/raft",
		Capabilities: capabilities, Errors: etcdErrors, NewNode: newNode,
	})
}

// moduleVersion is the version of go.etcd.io/raft/v3 this binary was built with.
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "go.etcd.io/raft/v3" {
				return m.Version
			}
		}
	}
	return "unknown"
}

// Base is what a node of either version holds and does the same way: the RawNode, its
// MemoryStorage and its random source, and the calls whose signatures v3.6 and v3.7 share.
type Base struct {
	RN      *raft.RawNode
	Storage *raft.MemoryStorage
	// Async is the node's AsyncStorageWrites: no advance, storage_append/storage_apply instead.
	Async bool
	// rng feeds this node's randomized election timeouts; installed before every call into it.
	rng *rand.Rand
}

// NewBase starts a node's storage and random source from its config.
func NewBase(c ed.NodeConfig) Base {
	return Base{Storage: raft.NewMemoryStorage(), Async: c.AsyncStorageWrites, rng: rand.New(rand.NewSource(c.Seed))}
}

// Start creates the RawNode from the protocol's config over storage (the node's MemoryStorage
// wrapped so that Snapshot() is the state machine's newest state).
func (b *Base) Start(id uint64, c ed.NodeConfig, storage raft.Storage) error {
	lease, err := c.LeaseBased()
	if err != nil {
		return err
	}
	readOnly := raft.ReadOnlySafe
	if lease {
		readOnly = raft.ReadOnlyLeaseBased
	}
	cfg := &raft.Config{
		ID:                          id,
		ElectionTick:                c.ElectionTick,
		HeartbeatTick:               c.HeartbeatTick,
		Storage:                     storage,
		Applied:                     uint64(c.Applied),
		AsyncStorageWrites:          c.AsyncStorageWrites,
		MaxSizePerMsg:               uint64(c.MaxSizePerMsg),
		MaxCommittedSizePerReady:    uint64(c.MaxCommittedSizePerReady),
		MaxUncommittedEntriesSize:   uint64(c.MaxUncommittedEntriesSize),
		MaxInflightMsgs:             c.MaxInflightMsgs,
		MaxInflightBytes:            uint64(c.MaxInflightBytes),
		CheckQuorum:                 c.CheckQuorum,
		PreVote:                     c.PreVote,
		ReadOnlyOption:              readOnly,
		DisableProposalForwarding:   c.DisableProposalForwarding,
		DisableConfChangeValidation: c.DisableConfChangeValidation,
		StepDownOnRemoval:           c.StepDownOnRemoval,
		Logger:                      logger(),
	}
	b.Enter()
	rn, err := raft.NewRawNode(cfg)
	if err != nil {
		return ed.Invalidf("config: %v", err)
	}
	b.RN = rn
	return nil
}

// logger discards etcd's log, or sends it to stderr when RAFT_DRIVER_LOG is set (stdout carries
// the protocol only).
func logger() raft.Logger {
	if os.Getenv("RAFT_DRIVER_LOG") == "" {
		return &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	}
	l := &raft.DefaultLogger{Logger: log.New(os.Stderr, "raft ", 0)}
	l.EnableDebug()
	return l
}

// Enter makes the random source etcd draws election timeouts from (crypto/rand.Reader, which
// raft's lockedRand reads) this node's own seeded stream before the node runs, so a node's
// timeouts depend only on its seed and its own inputs, never on other nodes' calls.
func (b *Base) Enter() {
	crand.Reader = b.rng
}

// CheckSync refuses `advance` on an async node; CheckAsync refuses storage_append/apply on a sync one.
func (b *Base) CheckSync() error {
	if b.Async {
		return ed.Invalidf("advance on a node with asynchronous storage writes (use storage_append/storage_apply)")
	}
	return nil
}

func (b *Base) CheckAsync(cmd string) error {
	if !b.Async {
		return ed.Invalidf("%s on a node with synchronous storage (use advance)", cmd)
	}
	return nil
}

func (b *Base) Tick()                      { b.RN.Tick() }
func (b *Base) Campaign() error            { return b.RN.Campaign() }
func (b *Base) Propose(data []byte) error  { return b.RN.Propose(data) }
func (b *Base) ForgetLeader() error        { return b.RN.ForgetLeader() }
func (b *Base) ReportUnreachable(p uint64) { b.RN.ReportUnreachable(p) }

// ReadIndex and TransferLeader return nothing in etcd: a refusal is dropped silently.
func (b *Base) ReadIndex(ctx []byte) error     { b.RN.ReadIndex(ctx); return nil }
func (b *Base) TransferLeader(to uint64) error { b.RN.TransferLeader(to); return nil }

func (b *Base) ReportSnapshot(peer uint64, failed bool) {
	status := raft.SnapshotFinish
	if failed {
		status = raft.SnapshotFailure
	}
	b.RN.ReportSnapshot(peer, status)
}

// SetRandomizedElectionTimeout pins the timeout through our hook file in etcd's package
// (../_hook_v3, joined to it by build-module.sh).
func (b *Base) SetRandomizedElectionTimeout(ticks int) {
	b.RN.DriverSetRandomizedElectionTimeout(ticks)
}

// Compact drops storage entries up to index; ErrCompacted (nothing to drop) is not a failure.
func (b *Base) Compact(index uint64) error {
	last, _ := b.Storage.LastIndex()
	if index > last {
		return ed.Invalidf("compact %d is beyond the last index %d", index, last)
	}
	if err := b.Storage.Compact(index); err != nil && err != raft.ErrCompacted {
		return err
	}
	return nil
}

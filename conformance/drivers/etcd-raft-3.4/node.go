package main

// One etcd 3.4 RawNode over a MemoryStorage, plus the "appender" state machine of etcd's rafttest
// (a snapshot's data is the concatenation of every applied entry's data, or a conf change's
// context), whose latest state is what the storage hands out as its snapshot.

import (
	"math"
	"math/rand"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
	ed "raftconformance/etcddriver"
)

// snapOverrideStorage answers Snapshot() with the state machine's latest state, as etcd's
// rafttest InteractionEnv does: MemoryStorage alone would keep the snapshot it last applied.
type snapOverrideStorage struct {
	*raft.MemoryStorage
	n *node
}

func (s snapOverrideStorage) Snapshot() (pb.Snapshot, error) {
	return s.n.history[len(s.n.history)-1], nil
}

type node struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	// rng feeds this node's randomized election timeouts; installed before every call into it.
	rng *rand.Rand
	// history[i] is the state after each applied entry; history[0] the snapshot it started from.
	history []pb.Snapshot
	// pending is the Ready handed out by `ready` and not yet advanced.
	pending *raft.Ready
}

// Enter makes etcd's package-global RNG this node's own before the node runs, so a node's
// timeouts depend only on its seed and its own inputs, never on other nodes' calls.
func (n *node) Enter() {
	raft.DriverUseRand(n.rng)
}

// Config fields etcd 3.4 lacks: asking for them is unsupported, so the trace is skipped.
func checkConfig(c ed.NodeConfig) error {
	switch {
	case c.AsyncStorageWrites:
		return errNoAsync
	case c.StepDownOnRemoval:
		return ed.Unsupportedf("step_down_on_removal", "etcd raft 3.4 has no StepDownOnRemoval")
	case c.DisableConfChangeValidation:
		return ed.Unsupportedf("disable_conf_change_validation", "etcd raft 3.4 has no DisableConfChangeValidation")
	case c.MaxInflightBytes != 0 && uint64(c.MaxInflightBytes) != math.MaxUint64:
		return ed.Unsupportedf("flow_control", "etcd raft 3.4 has no MaxInflightBytes")
	}
	return nil
}

var errNoAsync = ed.Unsupportedf("async_storage_writes", "etcd raft 3.4 has no asynchronous storage writes")

func newNode(id uint64, c ed.NodeConfig, d ed.DurableState) (*node, error) {
	if err := checkConfig(c); err != nil {
		return nil, err
	}
	ents, err := decodeEntries(d.Entries)
	if err != nil {
		return nil, ed.Invalidf("storage.%v", err)
	}
	n := &node{storage: raft.NewMemoryStorage(), rng: rand.New(rand.NewSource(c.Seed))}
	start := pb.Snapshot{}
	if d.Snapshot != nil {
		start = decodeSnapshot(*d.Snapshot)
		if !raft.IsEmptySnap(start) {
			if err := n.storage.ApplySnapshot(start); err != nil {
				return nil, ed.Invalidf("storage.snapshot: %v", err)
			}
		}
	}
	n.history = []pb.Snapshot{start}
	if err := n.storage.SetHardState(decodeHardState(d.HardState)); err != nil {
		return nil, ed.Invalidf("storage.hard_state: %v", err)
	}
	if err := n.storage.Append(ents); err != nil {
		return nil, ed.Invalidf("storage.entries: %v", err)
	}
	lease, err := c.LeaseBased()
	if err != nil {
		return nil, err
	}
	readOnly := raft.ReadOnlySafe
	if lease {
		readOnly = raft.ReadOnlyLeaseBased
	}
	cfg := &raft.Config{
		ID:                        id,
		ElectionTick:              c.ElectionTick,
		HeartbeatTick:             c.HeartbeatTick,
		Storage:                   snapOverrideStorage{MemoryStorage: n.storage, n: n},
		Applied:                   uint64(c.Applied),
		MaxSizePerMsg:             uint64(c.MaxSizePerMsg),
		MaxCommittedSizePerReady:  uint64(c.MaxCommittedSizePerReady),
		MaxUncommittedEntriesSize: uint64(c.MaxUncommittedEntriesSize),
		MaxInflightMsgs:           c.MaxInflightMsgs,
		CheckQuorum:               c.CheckQuorum,
		PreVote:                   c.PreVote,
		ReadOnlyOption:            readOnly,
		DisableProposalForwarding: c.DisableProposalForwarding,
		Logger:                    raftLogger(),
	}
	n.Enter()
	rn, err := raft.NewRawNode(cfg)
	if err != nil {
		return nil, ed.Invalidf("config: %v", err)
	}
	n.rn = rn
	return n, nil
}

func (n *node) Ready() (*ed.Ready, error) {
	if n.pending != nil {
		return nil, ed.Invalidf("ready before the previous Ready was advanced")
	}
	n.Enter()
	if !n.rn.HasReady() {
		return nil, nil
	}
	rd := n.rn.Ready()
	n.pending = &rd
	w := encodeReady(rd)
	return &w, nil
}

// advance makes the pending Ready durable in storage, applies its committed entries (conf
// changes through ApplyConfChange) and advances the node.
func (n *node) Advance() (ed.Applied, error) {
	out := ed.Applied{ConfStates: []ed.AppliedConfState{}}
	if n.pending == nil {
		return out, ed.Invalidf("advance without a Ready handed out by ready")
	}
	rd := *n.pending
	n.pending = nil
	n.Enter()
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return out, err
		}
		// A snapshot replaces the state machine's state.
		n.history = append(n.history, rd.Snapshot)
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			return out, err
		}
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return out, err
	}
	for _, e := range rd.CommittedEntries {
		cs, err := n.apply(e)
		if err != nil {
			return out, err
		}
		if cs != nil {
			out.ConfStates = append(out.ConfStates, ed.AppliedConfState{Index: ed.U64(e.Index), ConfState: encodeConfState(*cs)})
		}
	}
	n.rn.Advance(rd)
	return out, nil
}

// apply runs one committed entry through the appender state machine; for a conf change it
// returns the ConfState etcd's ApplyConfChange produced.
func (n *node) apply(e pb.Entry) (*pb.ConfState, error) {
	var update []byte
	var cs *pb.ConfState
	switch e.Type {
	case pb.EntryConfChange:
		var cc pb.ConfChange
		if err := cc.Unmarshal(e.Data); err != nil {
			return nil, err
		}
		update = cc.Context
		if err := ed.RefusedToApply(func() { cs = n.rn.ApplyConfChange(cc) }); err != nil {
			return nil, err
		}
	case pb.EntryConfChangeV2:
		var cc pb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return nil, err
		}
		update = cc.Context
		if err := ed.RefusedToApply(func() { cs = n.rn.ApplyConfChange(cc) }); err != nil {
			return nil, err
		}
	default:
		update = e.Data
	}
	last := n.history[len(n.history)-1]
	next := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: e.Index, Term: e.Term, ConfState: last.Metadata.ConfState}}
	next.Data = append(append([]byte{}, last.Data...), update...)
	if cs != nil {
		next.Metadata.ConfState = *cs
	}
	n.history = append(n.history, next)
	return cs, nil
}

// compact drops storage entries up to index; ErrCompacted (nothing to drop) is not a failure.
func (n *node) Compact(index uint64) error {
	last, _ := n.storage.LastIndex()
	if index > last {
		return ed.Invalidf("compact %d is beyond the last index %d", index, last)
	}
	if err := n.storage.Compact(index); err != nil && err != raft.ErrCompacted {
		return err
	}
	return nil
}

func (n *node) Tick()                      { n.rn.Tick() }
func (n *node) Campaign() error            { return n.rn.Campaign() }
func (n *node) Propose(data []byte) error  { return n.rn.Propose(data) }
func (n *node) ReportUnreachable(p uint64) { n.rn.ReportUnreachable(p) }
func (n *node) Status() ed.Status          { return encodeStatus(n.rn.Status()) }

func (n *node) Step(w ed.Message) error {
	m, err := decodeMessage(w)
	if err != nil {
		return err
	}
	return n.rn.Step(m)
}

func (n *node) ProposeConfChange(w ed.ConfChange) error {
	cc, err := decodeConfChange(w)
	if err != nil {
		return err
	}
	return n.rn.ProposeConfChange(cc)
}

// ReadIndex and TransferLeader: 3.4 drops refusals silently.
func (n *node) ReadIndex(ctx []byte) error     { n.rn.ReadIndex(ctx); return nil }
func (n *node) TransferLeader(to uint64) error { n.rn.TransferLeader(to); return nil }

func (n *node) ForgetLeader() error {
	return ed.Unsupportedf("forget_leader", "etcd raft 3.4 has no ForgetLeader")
}

func (n *node) ReportSnapshot(peer uint64, failed bool) {
	status := raft.SnapshotFinish
	if failed {
		status = raft.SnapshotFailure
	}
	n.rn.ReportSnapshot(peer, status)
}

func (n *node) SetRandomizedElectionTimeout(ticks int) {
	n.rn.DriverSetRandomizedElectionTimeout(ticks)
}

func (n *node) StorageAppend(ed.Message) error              { return errNoAsync }
func (n *node) StorageApply(ed.Message) (ed.Applied, error) { return ed.Applied{}, errNoAsync }

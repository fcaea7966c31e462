package main

// One etcd-io/raft v3.7 RawNode over a MemoryStorage, plus the "appender" state machine of etcd's
// rafttest (a snapshot's data is the concatenation of every applied entry's data, or a conf
// change's context), whose latest state is what the storage hands out as its snapshot. Storage is
// synchronous (ready, then advance) or asynchronous (MsgStorageAppend/MsgStorageApply performed by
// storage_append/storage_apply), as the node's config says.

import (
	crand "crypto/rand"
	"math/rand"

	"google.golang.org/protobuf/proto"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	ed "raftconformance/etcddriver"
)

// snapOverrideStorage answers Snapshot() with the state machine's latest state, as etcd's
// rafttest InteractionEnv does: MemoryStorage alone would keep the snapshot it last applied.
type snapOverrideStorage struct {
	*raft.MemoryStorage
	n *node
}

func (s snapOverrideStorage) Snapshot() (*pb.Snapshot, error) {
	return s.n.history[len(s.n.history)-1], nil
}

type node struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	async   bool
	// rng feeds this node's randomized election timeouts; installed before every call into it.
	rng *rand.Rand
	// history[i] is the state after each applied entry; history[0] the snapshot it started from.
	history []*pb.Snapshot
	// pending is the Ready handed out by `ready` and not yet advanced (synchronous storage).
	pending *raft.Ready
}

// Enter makes the random source etcd draws election timeouts from (crypto/rand.Reader, read by
// raft's lockedRand) this node's own seeded stream before the node runs, so a node's timeouts
// depend only on its seed and its own inputs, never on other nodes' calls.
func (n *node) Enter() {
	crand.Reader = n.rng
}

func newNode(id uint64, c ed.NodeConfig, d ed.DurableState) (*node, error) {
	lease, err := c.LeaseBased()
	if err != nil {
		return nil, err
	}
	ents, err := decodeEntries(d.Entries)
	if err != nil {
		return nil, ed.Invalidf("storage.%v", err)
	}
	n := &node{storage: raft.NewMemoryStorage(), async: c.AsyncStorageWrites, rng: rand.New(rand.NewSource(c.Seed))}
	start := pb.EnsureSnapshot(nil)
	if d.Snapshot != nil {
		start = decodeSnapshot(*d.Snapshot)
		if !raft.IsEmptySnap(start) {
			if err := n.storage.ApplySnapshot(start); err != nil {
				return nil, ed.Invalidf("storage.snapshot: %v", err)
			}
		}
	}
	n.history = []*pb.Snapshot{start}
	if err := n.storage.SetHardState(decodeHardState(d.HardState)); err != nil {
		return nil, ed.Invalidf("storage.hard_state: %v", err)
	}
	if err := n.storage.Append(ents); err != nil {
		return nil, ed.Invalidf("storage.entries: %v", err)
	}
	readOnly := raft.ReadOnlySafe
	if lease {
		readOnly = raft.ReadOnlyLeaseBased
	}
	cfg := &raft.Config{
		ID:                          id,
		ElectionTick:                c.ElectionTick,
		HeartbeatTick:               c.HeartbeatTick,
		Storage:                     snapOverrideStorage{MemoryStorage: n.storage, n: n},
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
		Logger:                      raftLogger(),
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
	if !n.rn.HasReady() {
		return nil, nil
	}
	rd := n.rn.Ready()
	if !n.async {
		n.pending = &rd
	}
	w := encodeReady(&rd)
	return &w, nil
}

// Advance makes the pending Ready durable in storage, applies its committed entries (conf
// changes through ApplyConfChange) and advances the node.
func (n *node) Advance() (ed.Applied, error) {
	if n.async {
		return ed.Applied{}, ed.Invalidf("advance on a node with asynchronous storage writes (use storage_append/storage_apply)")
	}
	if n.pending == nil {
		return ed.Applied{}, ed.Invalidf("advance without a Ready handed out by ready")
	}
	rd := n.pending
	n.pending = nil
	if err := n.persist(rd.HardState, rd.Snapshot, rd.Entries); err != nil {
		return ed.Applied{}, err
	}
	out, err := n.applyAll(rd.CommittedEntries)
	if err != nil {
		return out, err
	}
	n.rn.Advance(*rd)
	return out, nil
}

// persist writes a hard state, a snapshot (which also restores the state machine) and the
// entries after it to storage.
func (n *node) persist(hs *pb.HardState, snap *pb.Snapshot, ents []*pb.Entry) error {
	if !raft.IsEmptyHardState(hs) {
		if err := n.storage.SetHardState(hs); err != nil {
			return err
		}
	}
	if !raft.IsEmptySnap(snap) {
		if err := n.storage.ApplySnapshot(snap); err != nil {
			return err
		}
		n.history = append(n.history, snap)
	}
	return n.storage.Append(ents)
}

// localMessage decodes the message of a storage_append/storage_apply request.
func (n *node) localMessage(w ed.Message, want pb.MessageType) (*pb.Message, error) {
	if !n.async {
		return nil, ed.Invalidf("%s on a node with synchronous storage (use advance)", want)
	}
	m, err := decodeMessage(w)
	if err != nil {
		return m, err
	}
	if m.GetType() != want {
		return m, ed.Invalidf("msg is a %s, not a %s", m.GetType(), want)
	}
	return m, nil
}

func (n *node) StorageAppend(w ed.Message) error {
	m, err := n.localMessage(w, pb.MsgStorageAppend)
	if err != nil {
		return err
	}
	hs := &pb.HardState{Term: new(m.GetTerm()), Vote: new(m.GetVote()), Commit: new(m.GetCommit())}
	return n.persist(hs, m.GetSnapshot(), m.GetEntries())
}

func (n *node) StorageApply(w ed.Message) (ed.Applied, error) {
	m, err := n.localMessage(w, pb.MsgStorageApply)
	if err != nil {
		return ed.Applied{}, err
	}
	return n.applyAll(m.GetEntries())
}

// applyAll applies committed entries in order, returning the ConfState after each conf change.
func (n *node) applyAll(ents []*pb.Entry) (ed.Applied, error) {
	out := ed.Applied{ConfStates: []ed.AppliedConfState{}}
	for _, e := range ents {
		cs, err := n.apply(e)
		if err != nil {
			return out, err
		}
		if cs != nil {
			out.ConfStates = append(out.ConfStates, ed.AppliedConfState{Index: ed.U64(e.GetIndex()), ConfState: encodeConfState(cs)})
		}
	}
	return out, nil
}

// apply runs one committed entry through the appender state machine; for a conf change it
// returns the ConfState etcd's ApplyConfChange produced.
func (n *node) apply(e *pb.Entry) (*pb.ConfState, error) {
	var update []byte
	var cs *pb.ConfState
	switch e.GetType() {
	case pb.EntryConfChange:
		cc := &pb.ConfChange{}
		if err := proto.Unmarshal(e.GetData(), cc); err != nil {
			return nil, err
		}
		update = cc.GetContext()
		cs = n.rn.ApplyConfChange(cc)
	case pb.EntryConfChangeV2:
		cc := &pb.ConfChangeV2{}
		if err := proto.Unmarshal(e.GetData(), cc); err != nil {
			return nil, err
		}
		update = cc.GetContext()
		cs = n.rn.ApplyConfChange(cc)
	default:
		update = e.GetData()
	}
	last := n.history[len(n.history)-1]
	conf := last.GetMetadata().GetConfState()
	if cs != nil {
		conf = cs
	}
	next := &pb.Snapshot{
		Data:     append(append([]byte{}, last.GetData()...), update...),
		Metadata: &pb.SnapshotMetadata{Index: new(e.GetIndex()), Term: new(e.GetTerm()), ConfState: conf},
	}
	n.history = append(n.history, next)
	return cs, nil
}

// Compact drops storage entries up to index; ErrCompacted (nothing to drop) is not a failure.
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
func (n *node) ForgetLeader() error        { return n.rn.ForgetLeader() }
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

// ReadIndex and TransferLeader return nothing in etcd: a refusal is dropped silently.
func (n *node) ReadIndex(ctx []byte) error     { n.rn.ReadIndex(ctx); return nil }
func (n *node) TransferLeader(to uint64) error { n.rn.TransferLeader(to); return nil }

func (n *node) ReportSnapshot(peer uint64, failed bool) {
	status := raft.SnapshotFinish
	if failed {
		status = raft.SnapshotFailure
	}
	n.rn.ReportSnapshot(peer, status)
}

// SetRandomizedElectionTimeout pins the timeout through our hook file in etcd's package.
func (n *node) SetRandomizedElectionTimeout(ticks int) {
	n.rn.DriverSetRandomizedElectionTimeout(ticks)
}

// Command etcd-raft-3.6-driver serves etcd-io/raft v3.6.0 (go.etcd.io/raft/v3 from the Go module
// proxy, pinned in go.mod/go.sum) over the raft-conformance driver protocol (spec/protocol.md). The
// protocol is package etcddriver (../etcd-common), what v3.6 and v3.7 share is package etcdv3
// (../etcd-common/v3); this file and convert.go are what v3.6's gogo raftpb (value structs) needs.
//
// One RawNode over a MemoryStorage, plus the "appender" state machine of etcd's rafttest (a
// snapshot's data is the concatenation of every applied entry's data, or a conf change's context),
// whose latest state is what the storage hands out as its snapshot. Storage is synchronous (ready,
// then advance) or asynchronous (MsgStorageAppend/MsgStorageApply performed by
// storage_append/storage_apply), as the node's config says.
package main

import (
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	ed "raftconformance/etcddriver"
	"raftconformance/etcdv3"
)

func main() {
	etcdv3.Serve(func(id uint64, c ed.NodeConfig, d ed.DurableState) (ed.Node, error) { return newNode(id, c, d) })
}

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
	etcdv3.Base
	// history[i] is the state after each applied entry; history[0] the snapshot it started from.
	history []pb.Snapshot
	// pending is the Ready handed out by `ready` and not yet advanced (synchronous storage).
	pending *raft.Ready
}

func newNode(id uint64, c ed.NodeConfig, d ed.DurableState) (*node, error) {
	ents, err := decodeEntries(d.Entries)
	if err != nil {
		return nil, ed.Invalidf("storage.%v", err)
	}
	n := &node{Base: etcdv3.NewBase(c)}
	start := pb.Snapshot{}
	if d.Snapshot != nil {
		start = decodeSnapshot(*d.Snapshot)
		if !raft.IsEmptySnap(start) {
			if err := n.Storage.ApplySnapshot(start); err != nil {
				return nil, ed.Invalidf("storage.snapshot: %v", err)
			}
		}
	}
	n.history = []pb.Snapshot{start}
	if err := n.Storage.SetHardState(decodeHardState(d.HardState)); err != nil {
		return nil, ed.Invalidf("storage.hard_state: %v", err)
	}
	if err := n.Storage.Append(ents); err != nil {
		return nil, ed.Invalidf("storage.entries: %v", err)
	}
	if err := n.Start(id, c, snapOverrideStorage{MemoryStorage: n.Storage, n: n}); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *node) Ready() (*ed.Ready, error) {
	if n.pending != nil {
		return nil, ed.Invalidf("ready before the previous Ready was advanced")
	}
	if !n.RN.HasReady() {
		return nil, nil
	}
	rd := n.RN.Ready()
	if !n.Async {
		n.pending = &rd
	}
	w := encodeReady(rd)
	return &w, nil
}

// Advance makes the pending Ready durable in storage, applies its committed entries (conf
// changes through ApplyConfChange) and advances the node.
func (n *node) Advance() (ed.Applied, error) {
	if err := n.CheckSync(); err != nil {
		return ed.Applied{}, err
	}
	if n.pending == nil {
		return ed.Applied{}, ed.Invalidf("advance without a Ready handed out by ready")
	}
	rd := *n.pending
	n.pending = nil
	if err := n.persist(rd.HardState, rd.Snapshot, rd.Entries); err != nil {
		return ed.Applied{}, err
	}
	out, err := n.applyAll(rd.CommittedEntries)
	if err != nil {
		return out, err
	}
	n.RN.Advance(rd)
	return out, nil
}

// persist writes a hard state, a snapshot (which also restores the state machine) and the
// entries after it to storage.
func (n *node) persist(hs pb.HardState, snap pb.Snapshot, ents []pb.Entry) error {
	if !raft.IsEmptyHardState(hs) {
		if err := n.Storage.SetHardState(hs); err != nil {
			return err
		}
	}
	if !raft.IsEmptySnap(snap) {
		if err := n.Storage.ApplySnapshot(snap); err != nil {
			return err
		}
		n.history = append(n.history, snap)
	}
	return n.Storage.Append(ents)
}

// localMessage decodes the message of a storage_append/storage_apply request.
func (n *node) localMessage(w ed.Message, want pb.MessageType) (pb.Message, error) {
	if err := n.CheckAsync(want.String()); err != nil {
		return pb.Message{}, err
	}
	m, err := decodeMessage(w)
	if err == nil && m.Type != want {
		err = ed.Invalidf("msg is a %s, not a %s", m.Type, want)
	}
	return m, err
}

func (n *node) StorageAppend(w ed.Message) error {
	m, err := n.localMessage(w, pb.MsgStorageAppend)
	if err != nil {
		return err
	}
	var snap pb.Snapshot
	if m.Snapshot != nil {
		snap = *m.Snapshot
	}
	return n.persist(pb.HardState{Term: m.Term, Vote: m.Vote, Commit: m.Commit}, snap, m.Entries)
}

func (n *node) StorageApply(w ed.Message) (ed.Applied, error) {
	m, err := n.localMessage(w, pb.MsgStorageApply)
	if err != nil {
		return ed.Applied{}, err
	}
	return n.applyAll(m.Entries)
}

// applyAll applies committed entries in order, returning the ConfState after each conf change.
func (n *node) applyAll(ents []pb.Entry) (ed.Applied, error) {
	out := ed.Applied{ConfStates: []ed.AppliedConfState{}}
	for _, e := range ents {
		cs, err := n.apply(e)
		if err != nil {
			return out, err
		}
		if cs != nil {
			out.ConfStates = append(out.ConfStates, ed.AppliedConfState{Index: ed.U64(e.Index), ConfState: encodeConfState(*cs)})
		}
	}
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
		if err := ed.RefusedToApply(func() { cs = n.RN.ApplyConfChange(cc) }); err != nil {
			return nil, err
		}
	case pb.EntryConfChangeV2:
		var cc pb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return nil, err
		}
		update = cc.Context
		if err := ed.RefusedToApply(func() { cs = n.RN.ApplyConfChange(cc) }); err != nil {
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

func (n *node) Status() ed.Status {
	st := n.RN.Status()
	return etcdv3.EncodeStatus(st, encodeHardState(st.HardState))
}

func (n *node) Step(w ed.Message) error {
	m, err := decodeMessage(w)
	if err != nil {
		return err
	}
	return n.RN.Step(m)
}

func (n *node) ProposeConfChange(w ed.ConfChange) error {
	cc, err := decodeConfChange(w)
	if err != nil {
		return err
	}
	return n.RN.ProposeConfChange(cc)
}

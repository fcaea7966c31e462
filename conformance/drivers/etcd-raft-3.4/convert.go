package main

// Conversions between the protocol's JSON forms (package etcddriver) and etcd 3.4's raftpb types.

import (
	"fmt"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
	ed "raftconformance/etcddriver"
)

func encodeEntry(e pb.Entry) ed.Entry {
	return ed.Entry{Term: ed.U64(e.Term), Index: ed.U64(e.Index), Type: e.Type.String(), Data: e.Data}
}

func encodeEntries(es []pb.Entry) []ed.Entry {
	out := make([]ed.Entry, len(es))
	for i, e := range es {
		out[i] = encodeEntry(e)
	}
	return out
}

func decodeEntry(w ed.Entry) (pb.Entry, error) {
	t := pb.EntryNormal
	if w.Type != "" {
		v, ok := pb.EntryType_value[w.Type]
		if !ok {
			return pb.Entry{}, fmt.Errorf("unknown entry type %q", w.Type)
		}
		t = pb.EntryType(v)
	}
	return pb.Entry{Term: uint64(w.Term), Index: uint64(w.Index), Type: t, Data: []byte(w.Data)}, nil
}

func decodeEntries(ws []ed.Entry) ([]pb.Entry, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	out := make([]pb.Entry, len(ws))
	for i, w := range ws {
		e, err := decodeEntry(w)
		if err != nil {
			return nil, fmt.Errorf("entries[%d]: %v", i, err)
		}
		out[i] = e
	}
	return out, nil
}

func encodeConfState(c pb.ConfState) ed.ConfState {
	return ed.ConfState{
		Voters: ed.IDs(c.Voters), Learners: ed.IDs(c.Learners), VotersOutgoing: ed.IDs(c.VotersOutgoing),
		LearnersNext: ed.IDs(c.LearnersNext), AutoLeave: c.AutoLeave,
	}
}

func decodeConfState(w ed.ConfState) pb.ConfState {
	return pb.ConfState{
		Voters: ed.FromIDs(w.Voters), Learners: ed.FromIDs(w.Learners), VotersOutgoing: ed.FromIDs(w.VotersOutgoing),
		LearnersNext: ed.FromIDs(w.LearnersNext), AutoLeave: w.AutoLeave,
	}
}

func encodeSnapshot(s pb.Snapshot) *ed.Snapshot {
	return &ed.Snapshot{
		Data: s.Data,
		Metadata: ed.SnapshotMetadata{
			ConfState: encodeConfState(s.Metadata.ConfState), Index: ed.U64(s.Metadata.Index), Term: ed.U64(s.Metadata.Term),
		},
	}
}

func decodeSnapshot(w ed.Snapshot) pb.Snapshot {
	return pb.Snapshot{
		Data: []byte(w.Data),
		Metadata: pb.SnapshotMetadata{
			ConfState: decodeConfState(w.Metadata.ConfState), Index: uint64(w.Metadata.Index), Term: uint64(w.Metadata.Term),
		},
	}
}

func encodeHardState(h pb.HardState) ed.HardState {
	return ed.HardState{Term: ed.U64(h.Term), Vote: ed.U64(h.Vote), Commit: ed.U64(h.Commit)}
}

func decodeHardState(w ed.HardState) pb.HardState {
	return pb.HardState{Term: uint64(w.Term), Vote: uint64(w.Vote), Commit: uint64(w.Commit)}
}

func encodeSoftState(s raft.SoftState) ed.SoftState {
	return ed.SoftState{Lead: ed.U64(s.Lead), RaftState: s.RaftState.String()}
}

func encodeMessage(m pb.Message) ed.Message {
	w := ed.Message{
		Type: m.Type.String(), To: ed.U64(m.To), From: ed.U64(m.From), Term: ed.U64(m.Term), LogTerm: ed.U64(m.LogTerm),
		Index: ed.U64(m.Index), Entries: encodeEntries(m.Entries), Commit: ed.U64(m.Commit), Reject: m.Reject,
		RejectHint: ed.U64(m.RejectHint), Context: m.Context, Responses: []ed.Message{},
	}
	if !raft.IsEmptySnap(m.Snapshot) {
		w.Snapshot = encodeSnapshot(m.Snapshot)
	}
	return w
}

func decodeMessage(w ed.Message) (pb.Message, error) {
	t, ok := pb.MessageType_value[w.Type]
	if !ok {
		return pb.Message{}, ed.Unsupportedf("", "message type %s does not exist in etcd raft 3.4", w.Type)
	}
	if w.Vote != 0 || len(w.Responses) > 0 {
		return pb.Message{}, ed.Unsupportedf("", "message fields vote and responses do not exist in etcd raft 3.4")
	}
	ents, err := decodeEntries(w.Entries)
	if err != nil {
		return pb.Message{}, ed.Invalidf("msg.%v", err)
	}
	m := pb.Message{
		Type: pb.MessageType(t), To: uint64(w.To), From: uint64(w.From), Term: uint64(w.Term),
		LogTerm: uint64(w.LogTerm), Index: uint64(w.Index), Entries: ents, Commit: uint64(w.Commit),
		Reject: w.Reject, RejectHint: uint64(w.RejectHint), Context: []byte(w.Context),
	}
	if w.Snapshot != nil {
		m.Snapshot = decodeSnapshot(*w.Snapshot)
	}
	return m, nil
}

func encodeReady(rd raft.Ready) ed.Ready {
	w := ed.Ready{
		ReadStates: make([]ed.ReadState, len(rd.ReadStates)), Entries: encodeEntries(rd.Entries),
		CommittedEntries: encodeEntries(rd.CommittedEntries), Messages: make([]ed.Message, len(rd.Messages)),
		MustSync: rd.MustSync,
	}
	if rd.SoftState != nil {
		ss := encodeSoftState(*rd.SoftState)
		w.SoftState = &ss
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		hs := encodeHardState(rd.HardState)
		w.HardState = &hs
	}
	for i, rs := range rd.ReadStates {
		w.ReadStates[i] = ed.ReadState{Index: ed.U64(rs.Index), RequestCtx: rs.RequestCtx}
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		w.Snapshot = encodeSnapshot(rd.Snapshot)
	}
	for i, m := range rd.Messages {
		w.Messages[i] = encodeMessage(m)
	}
	return w
}

var transitions = map[string]pb.ConfChangeTransition{
	"":         pb.ConfChangeTransitionAuto,
	"auto":     pb.ConfChangeTransitionAuto,
	"implicit": pb.ConfChangeTransitionJointImplicit,
	"explicit": pb.ConfChangeTransitionJointExplicit,
}

func confChangeType(s string) (pb.ConfChangeType, error) {
	v, ok := pb.ConfChangeType_value[s]
	if !ok {
		return 0, ed.Invalidf("unknown conf change type %q", s)
	}
	return pb.ConfChangeType(v), nil
}

// decodeConfChange builds the conf change of a request whose shape ed.ConfChange.CheckShape passed.
func decodeConfChange(w ed.ConfChange) (pb.ConfChangeI, error) {
	if w.Version == 1 {
		t, err := confChangeType(w.Type)
		if err != nil {
			return nil, err
		}
		cc := pb.ConfChange{Type: t, NodeID: uint64(*w.NodeID), Context: []byte(w.Context)}
		if w.ID != nil {
			cc.ID = uint64(*w.ID)
		}
		return cc, nil
	}
	cc := pb.ConfChangeV2{Transition: transitions[w.Transition], Context: []byte(w.Context)}
	for i, c := range w.Changes {
		t, err := confChangeType(c.Type)
		if err != nil {
			return nil, ed.Invalidf("cc.changes[%d]: %v", i, err)
		}
		cc.Changes = append(cc.Changes, pb.ConfChangeSingle{Type: t, NodeID: uint64(c.NodeID)})
	}
	return cc, nil
}

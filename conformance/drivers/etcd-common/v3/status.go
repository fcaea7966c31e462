package etcdv3

// RawNode.Status in the protocol's shape; per-peer progress only on the leader, as etcd reports it.

import (
	"strconv"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/quorum"
	"go.etcd.io/raft/v3/tracker"
	ed "raftconformance/etcddriver"
)

// EncodeStatus writes a status; hs is its hard state, which each version encodes (a value in
// v3.6, a pointer in v3.7).
func EncodeStatus(s raft.Status, hs ed.HardState) ed.Status {
	w := ed.Status{
		ID:             ed.U64(s.ID),
		HardState:      hs,
		SoftState:      EncodeSoftState(s.SoftState),
		Applied:        ed.U64(s.Applied),
		LeadTransferee: ed.U64(s.LeadTransferee),
		Config:         confStateOf(s.Config),
		Progress:       map[string]ed.Progress{},
	}
	for id, pr := range s.Progress {
		w.Progress[strconv.FormatUint(id, 10)] = EncodeProgress(pr)
	}
	return w
}

// confStateOf is the ConfState a tracker configuration stands for (ids in ascending order).
func confStateOf(c tracker.Config) ed.ConfState {
	return ed.ConfState{
		Voters:         ed.IDs(c.Voters[0].Slice()),
		VotersOutgoing: ed.IDs(c.Voters[1].Slice()),
		Learners:       ed.IDs(quorum.MajorityConfig(c.Learners).Slice()),
		LearnersNext:   ed.IDs(quorum.MajorityConfig(c.LearnersNext).Slice()),
		AutoLeave:      c.AutoLeave,
	}
}

// EncodeSoftState and EncodeProgress: the same structs in v3.6 and v3.7.
func EncodeSoftState(s raft.SoftState) ed.SoftState {
	return ed.SoftState{Lead: ed.U64(s.Lead), RaftState: s.RaftState.String()}
}

func EncodeProgress(pr tracker.Progress) ed.Progress {
	return ed.Progress{
		Match:            ed.U64(pr.Match),
		Next:             ed.U64(pr.Next),
		State:            pr.State.String(),
		PendingSnapshot:  ed.U64(pr.PendingSnapshot),
		RecentActive:     pr.RecentActive,
		MsgAppFlowPaused: pr.MsgAppFlowPaused,
		InflightCount:    pr.Inflights.Count(),
		InflightFull:     pr.Inflights.Full(),
		IsLearner:        pr.IsLearner,
	}
}

package main

// RawNode.Status in the protocol's shape; per-peer progress only on the leader, as etcd reports it.

import (
	"strconv"

	"go.etcd.io/etcd/raft"
	"go.etcd.io/etcd/raft/quorum"
	pb "go.etcd.io/etcd/raft/raftpb"
	"go.etcd.io/etcd/raft/tracker"
	ed "raftconformance/etcddriver"
)

func encodeStatus(s raft.Status) ed.Status {
	w := ed.Status{
		ID:             ed.U64(s.ID),
		HardState:      encodeHardState(s.HardState),
		SoftState:      encodeSoftState(s.SoftState),
		Applied:        ed.U64(s.Applied),
		LeadTransferee: ed.U64(s.LeadTransferee),
		Config:         encodeConfState(confStateOf(s.Config)),
		Progress:       map[string]ed.Progress{},
	}
	for id, pr := range s.Progress {
		w.Progress[strconv.FormatUint(id, 10)] = encodeProgress(pr)
	}
	return w
}

// confStateOf is the ConfState a tracker configuration stands for (ids in ascending order).
func confStateOf(c tracker.Config) pb.ConfState {
	return pb.ConfState{
		Voters:         c.Voters[0].Slice(),
		VotersOutgoing: c.Voters[1].Slice(),
		Learners:       quorum.MajorityConfig(c.Learners).Slice(),
		LearnersNext:   quorum.MajorityConfig(c.LearnersNext).Slice(),
		AutoLeave:      c.AutoLeave,
	}
}

// encodeProgress maps 3.4's Progress onto the protocol's. 3.4 predates MsgAppFlowPaused; its
// equivalent is ProbeSent while probing and a full inflight window while replicating (later etcd
// clears the flag on entering StateSnapshot).
func encodeProgress(pr tracker.Progress) ed.Progress {
	paused := false
	switch pr.State {
	case tracker.StateProbe:
		paused = pr.ProbeSent
	case tracker.StateReplicate:
		paused = pr.Inflights.Full()
	}
	return ed.Progress{
		Match:            ed.U64(pr.Match),
		Next:             ed.U64(pr.Next),
		State:            pr.State.String(),
		PendingSnapshot:  ed.U64(pr.PendingSnapshot),
		RecentActive:     pr.RecentActive,
		MsgAppFlowPaused: paused,
		InflightCount:    pr.Inflights.Count(),
		InflightFull:     pr.Inflights.Full(),
		IsLearner:        pr.IsLearner,
	}
}

package main

// RawNode.Status in the protocol's shape; per-peer progress only on the leader, as etcd reports it.

import (
	"strconv"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/quorum"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
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
func confStateOf(c tracker.Config) *pb.ConfState {
	return &pb.ConfState{
		Voters:         c.Voters[0].Slice(),
		VotersOutgoing: c.Voters[1].Slice(),
		Learners:       quorum.MajorityConfig(c.Learners).Slice(),
		LearnersNext:   quorum.MajorityConfig(c.LearnersNext).Slice(),
		AutoLeave:      new(c.AutoLeave),
	}
}

func encodeProgress(pr tracker.Progress) ed.Progress {
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

package etcdv3

// Conf-change enums: the same names and values in v3.6 and v3.7 (only the structs differ).

import (
	pb "go.etcd.io/raft/v3/raftpb"
	ed "raftconformance/etcddriver"
)

var transitions = map[string]pb.ConfChangeTransition{
	"":         pb.ConfChangeTransitionAuto,
	"auto":     pb.ConfChangeTransitionAuto,
	"implicit": pb.ConfChangeTransitionJointImplicit,
	"explicit": pb.ConfChangeTransitionJointExplicit,
}

// Transition is the transition of a version 2 conf change whose shape ed.ConfChange.CheckShape passed.
func Transition(w ed.ConfChange) pb.ConfChangeTransition { return transitions[w.Transition] }

// ConfChangeType reads a conf change type by its raftpb name.
func ConfChangeType(s string) (pb.ConfChangeType, error) {
	v, ok := pb.ConfChangeType_value[s]
	if !ok {
		return 0, ed.Invalidf("unknown conf change type %q", s)
	}
	return pb.ConfChangeType(v), nil
}

// MessageType reads a message type by its raftpb name.
func MessageType(s string) (pb.MessageType, error) {
	v, ok := pb.MessageType_value[s]
	if !ok {
		return 0, ed.Unsupportedf("", "message type %s does not exist in etcd-io/raft %s", s, moduleVersion())
	}
	return pb.MessageType(v), nil
}

package main

// JSON wire forms of the protocol's values (spec/driver-protocol.schema.json) and their conversion
// to and from etcd 3.4's raftpb types. uint64 values travel as decimal strings, bytes as base64.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
)

// u64 is a uint64 written as a decimal string.
type u64 uint64

var u64Pattern = regexp.MustCompile(`^(0|[1-9][0-9]{0,19})$`)

func (v u64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatUint(uint64(v), 10) + `"`), nil
}

func (v *u64) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s is not a decimal string", b)
	}
	if !u64Pattern.MatchString(s) {
		return fmt.Errorf("%q is not a decimal uint64", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is larger than 2^64-1", s)
	}
	*v = u64(n)
	return nil
}

// b64 is bytes written as standard base64 with padding; empty bytes are "".
type b64 []byte

func (v b64) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.StdEncoding.EncodeToString(v))
}

func (v *b64) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s is not a base64 string", b)
	}
	d, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return fmt.Errorf("%q is not standard base64: %v", s, err)
	}
	*v = d
	return nil
}

type wEntry struct {
	Term  u64    `json:"term"`
	Index u64    `json:"index"`
	Type  string `json:"type,omitempty"`
	Data  b64    `json:"data"`
}

type wConfState struct {
	Voters         []u64 `json:"voters"`
	Learners       []u64 `json:"learners"`
	VotersOutgoing []u64 `json:"voters_outgoing"`
	LearnersNext   []u64 `json:"learners_next"`
	AutoLeave      bool  `json:"auto_leave"`
}

type wSnapshotMetadata struct {
	ConfState wConfState `json:"conf_state"`
	Index     u64        `json:"index"`
	Term      u64        `json:"term"`
}

type wSnapshot struct {
	Data     b64               `json:"data"`
	Metadata wSnapshotMetadata `json:"metadata"`
}

type wHardState struct {
	Term   u64 `json:"term"`
	Vote   u64 `json:"vote"`
	Commit u64 `json:"commit"`
}

type wSoftState struct {
	Lead      u64    `json:"lead"`
	RaftState string `json:"raft_state"`
}

type wReadState struct {
	Index      u64 `json:"index"`
	RequestCtx b64 `json:"request_ctx"`
}

// wMessage has every field of the protocol's message. `vote` and `responses` exist only in later
// etcd versions (for async storage writes); 3.4 always writes them as zero values.
type wMessage struct {
	Type       string     `json:"type"`
	To         u64        `json:"to"`
	From       u64        `json:"from"`
	Term       u64        `json:"term"`
	LogTerm    u64        `json:"log_term"`
	Index      u64        `json:"index"`
	Entries    []wEntry   `json:"entries"`
	Commit     u64        `json:"commit"`
	Vote       u64        `json:"vote"`
	Snapshot   *wSnapshot `json:"snapshot,omitempty"`
	Reject     bool       `json:"reject"`
	RejectHint u64        `json:"reject_hint"`
	Context    b64        `json:"context"`
	Responses  []wMessage `json:"responses"`
}

type wReady struct {
	SoftState        *wSoftState  `json:"soft_state,omitempty"`
	HardState        *wHardState  `json:"hard_state,omitempty"`
	ReadStates       []wReadState `json:"read_states"`
	Entries          []wEntry     `json:"entries"`
	Snapshot         *wSnapshot   `json:"snapshot,omitempty"`
	CommittedEntries []wEntry     `json:"committed_entries"`
	Messages         []wMessage   `json:"messages"`
	MustSync         bool         `json:"must_sync"`
}

type wNodeConfig struct {
	ElectionTick                int    `json:"election_tick"`
	HeartbeatTick               int    `json:"heartbeat_tick"`
	Applied                     u64    `json:"applied"`
	MaxSizePerMsg               u64    `json:"max_size_per_msg"`
	MaxCommittedSizePerReady    u64    `json:"max_committed_size_per_ready"`
	MaxUncommittedEntriesSize   u64    `json:"max_uncommitted_entries_size"`
	MaxInflightMsgs             int    `json:"max_inflight_msgs"`
	MaxInflightBytes            u64    `json:"max_inflight_bytes"`
	CheckQuorum                 bool   `json:"check_quorum"`
	PreVote                     bool   `json:"pre_vote"`
	ReadOnlyOption              string `json:"read_only_option"`
	DisableProposalForwarding   bool   `json:"disable_proposal_forwarding"`
	DisableConfChangeValidation bool   `json:"disable_conf_change_validation"`
	StepDownOnRemoval           bool   `json:"step_down_on_removal"`
	AsyncStorageWrites          bool   `json:"async_storage_writes"`
	Seed                        int64  `json:"seed"`
}

type wDurableState struct {
	HardState wHardState `json:"hard_state"`
	Snapshot  *wSnapshot `json:"snapshot,omitempty"`
	Entries   []wEntry   `json:"entries"`
}

type wConfChangeSingle struct {
	Type   string `json:"type"`
	NodeID u64    `json:"node_id"`
}

// wConfChange is either version: V1 uses ID/Type/NodeID, V2 uses Transition/Changes.
type wConfChange struct {
	Version    int                 `json:"version"`
	ID         *u64                `json:"id,omitempty"`
	Type       string              `json:"type,omitempty"`
	NodeID     *u64                `json:"node_id,omitempty"`
	Transition string              `json:"transition,omitempty"`
	Changes    []wConfChangeSingle `json:"changes,omitempty"`
	Context    b64                 `json:"context"`
}

type wProgress struct {
	Match            u64    `json:"match"`
	Next             u64    `json:"next"`
	State            string `json:"state"`
	PendingSnapshot  u64    `json:"pending_snapshot"`
	RecentActive     bool   `json:"recent_active"`
	MsgAppFlowPaused bool   `json:"msg_app_flow_paused"`
	InflightCount    int    `json:"inflight_count"`
	InflightFull     bool   `json:"inflight_full"`
	IsLearner        bool   `json:"is_learner"`
}

type wStatus struct {
	ID             u64                  `json:"id"`
	HardState      wHardState           `json:"hard_state"`
	SoftState      wSoftState           `json:"soft_state"`
	Applied        u64                  `json:"applied"`
	LeadTransferee u64                  `json:"lead_transferee"`
	Config         wConfState           `json:"config"`
	Progress       map[string]wProgress `json:"progress"`
}

type wAppliedConfState struct {
	Index     u64        `json:"index"`
	ConfState wConfState `json:"conf_state"`
}

type wApplied struct {
	ConfStates []wAppliedConfState `json:"conf_states"`
}

// ---- conversions ---------------------------------------------------------------------------

func ids(xs []uint64) []u64 {
	out := make([]u64, len(xs))
	for i, x := range xs {
		out[i] = u64(x)
	}
	return out
}

func fromIDs(xs []u64) []uint64 {
	if len(xs) == 0 {
		return nil
	}
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = uint64(x)
	}
	return out
}

func encodeEntry(e pb.Entry) wEntry {
	return wEntry{Term: u64(e.Term), Index: u64(e.Index), Type: e.Type.String(), Data: e.Data}
}

func encodeEntries(es []pb.Entry) []wEntry {
	out := make([]wEntry, len(es))
	for i, e := range es {
		out[i] = encodeEntry(e)
	}
	return out
}

func decodeEntry(w wEntry) (pb.Entry, error) {
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

func decodeEntries(ws []wEntry) ([]pb.Entry, error) {
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

func encodeConfState(c pb.ConfState) wConfState {
	return wConfState{
		Voters: ids(c.Voters), Learners: ids(c.Learners), VotersOutgoing: ids(c.VotersOutgoing),
		LearnersNext: ids(c.LearnersNext), AutoLeave: c.AutoLeave,
	}
}

func decodeConfState(w wConfState) pb.ConfState {
	return pb.ConfState{
		Voters: fromIDs(w.Voters), Learners: fromIDs(w.Learners), VotersOutgoing: fromIDs(w.VotersOutgoing),
		LearnersNext: fromIDs(w.LearnersNext), AutoLeave: w.AutoLeave,
	}
}

func encodeSnapshot(s pb.Snapshot) *wSnapshot {
	return &wSnapshot{
		Data: s.Data,
		Metadata: wSnapshotMetadata{
			ConfState: encodeConfState(s.Metadata.ConfState), Index: u64(s.Metadata.Index), Term: u64(s.Metadata.Term),
		},
	}
}

func decodeSnapshot(w wSnapshot) pb.Snapshot {
	return pb.Snapshot{
		Data: []byte(w.Data),
		Metadata: pb.SnapshotMetadata{
			ConfState: decodeConfState(w.Metadata.ConfState), Index: uint64(w.Metadata.Index), Term: uint64(w.Metadata.Term),
		},
	}
}

func encodeHardState(h pb.HardState) wHardState {
	return wHardState{Term: u64(h.Term), Vote: u64(h.Vote), Commit: u64(h.Commit)}
}

func decodeHardState(w wHardState) pb.HardState {
	return pb.HardState{Term: uint64(w.Term), Vote: uint64(w.Vote), Commit: uint64(w.Commit)}
}

func encodeSoftState(s raft.SoftState) wSoftState {
	return wSoftState{Lead: u64(s.Lead), RaftState: s.RaftState.String()}
}

func encodeMessage(m pb.Message) wMessage {
	w := wMessage{
		Type: m.Type.String(), To: u64(m.To), From: u64(m.From), Term: u64(m.Term), LogTerm: u64(m.LogTerm),
		Index: u64(m.Index), Entries: encodeEntries(m.Entries), Commit: u64(m.Commit), Reject: m.Reject,
		RejectHint: u64(m.RejectHint), Context: m.Context, Responses: []wMessage{},
	}
	if !raft.IsEmptySnap(m.Snapshot) {
		w.Snapshot = encodeSnapshot(m.Snapshot)
	}
	return w
}

func decodeMessage(w wMessage) (pb.Message, error) {
	t, ok := pb.MessageType_value[w.Type]
	if !ok {
		return pb.Message{}, unsupportedf("", "message type %s does not exist in etcd raft 3.4", w.Type)
	}
	if w.Vote != 0 || len(w.Responses) > 0 {
		return pb.Message{}, unsupportedf("", "message fields vote and responses do not exist in etcd raft 3.4")
	}
	ents, err := decodeEntries(w.Entries)
	if err != nil {
		return pb.Message{}, invalidf("msg.%v", err)
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

func encodeReady(rd raft.Ready) wReady {
	w := wReady{
		ReadStates: make([]wReadState, len(rd.ReadStates)), Entries: encodeEntries(rd.Entries),
		CommittedEntries: encodeEntries(rd.CommittedEntries), Messages: make([]wMessage, len(rd.Messages)),
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
		w.ReadStates[i] = wReadState{Index: u64(rs.Index), RequestCtx: rs.RequestCtx}
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
		return 0, invalidf("unknown conf change type %q", s)
	}
	return pb.ConfChangeType(v), nil
}

func decodeConfChange(w wConfChange) (pb.ConfChangeI, error) {
	switch w.Version {
	case 1:
		if w.NodeID == nil || w.Type == "" || w.Transition != "" || w.Changes != nil {
			return nil, invalidf("cc: a version 1 conf change has type, node_id, optional id and context")
		}
		t, err := confChangeType(w.Type)
		if err != nil {
			return nil, err
		}
		cc := pb.ConfChange{Type: t, NodeID: uint64(*w.NodeID), Context: []byte(w.Context)}
		if w.ID != nil {
			cc.ID = uint64(*w.ID)
		}
		return cc, nil
	case 2:
		if w.ID != nil || w.NodeID != nil || w.Type != "" {
			return nil, invalidf("cc: a version 2 conf change has transition, changes and context")
		}
		tr, ok := transitions[w.Transition]
		if !ok {
			return nil, invalidf("cc: unknown transition %q", w.Transition)
		}
		cc := pb.ConfChangeV2{Transition: tr, Context: []byte(w.Context)}
		for i, c := range w.Changes {
			t, err := confChangeType(c.Type)
			if err != nil {
				return nil, invalidf("cc.changes[%d]: %v", i, err)
			}
			cc.Changes = append(cc.Changes, pb.ConfChangeSingle{Type: t, NodeID: uint64(c.NodeID)})
		}
		return cc, nil
	default:
		return nil, invalidf("cc: version must be 1 or 2, got %d", w.Version)
	}
}

package etcddriver

// JSON wire forms of the protocol's values (spec/driver-protocol.schema.json). uint64 values travel
// as decimal strings, bytes as base64. Each etcd version converts these to and from its raftpb.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
)

// U64 is a uint64 written as a decimal string.
type U64 uint64

var u64Pattern = regexp.MustCompile(`^(0|[1-9][0-9]{0,19})$`)

func (v U64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatUint(uint64(v), 10) + `"`), nil
}

func (v *U64) UnmarshalJSON(b []byte) error {
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
	*v = U64(n)
	return nil
}

// B64 is bytes written as standard base64 with padding; empty bytes are "".
type B64 []byte

func (v B64) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.StdEncoding.EncodeToString(v))
}

func (v *B64) UnmarshalJSON(b []byte) error {
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

type Entry struct {
	Term  U64    `json:"term"`
	Index U64    `json:"index"`
	Type  string `json:"type,omitempty"`
	Data  B64    `json:"data"`
}

type ConfState struct {
	Voters         []U64 `json:"voters"`
	Learners       []U64 `json:"learners"`
	VotersOutgoing []U64 `json:"voters_outgoing"`
	LearnersNext   []U64 `json:"learners_next"`
	AutoLeave      bool  `json:"auto_leave"`
}

type SnapshotMetadata struct {
	ConfState ConfState `json:"conf_state"`
	Index     U64       `json:"index"`
	Term      U64       `json:"term"`
}

type Snapshot struct {
	Data     B64              `json:"data"`
	Metadata SnapshotMetadata `json:"metadata"`
}

type HardState struct {
	Term   U64 `json:"term"`
	Vote   U64 `json:"vote"`
	Commit U64 `json:"commit"`
}

type SoftState struct {
	Lead      U64    `json:"lead"`
	RaftState string `json:"raft_state"`
}

type ReadState struct {
	Index      U64 `json:"index"`
	RequestCtx B64 `json:"request_ctx"`
}

// Message has every field of the protocol's message. `vote` and `responses` exist from etcd-io/raft
// v3.5 on (asynchronous storage writes); 3.4 writes them as zero values.
type Message struct {
	Type       string    `json:"type"`
	To         U64       `json:"to"`
	From       U64       `json:"from"`
	Term       U64       `json:"term"`
	LogTerm    U64       `json:"log_term"`
	Index      U64       `json:"index"`
	Entries    []Entry   `json:"entries"`
	Commit     U64       `json:"commit"`
	Vote       U64       `json:"vote"`
	Snapshot   *Snapshot `json:"snapshot,omitempty"`
	Reject     bool      `json:"reject"`
	RejectHint U64       `json:"reject_hint"`
	Context    B64       `json:"context"`
	Responses  []Message `json:"responses"`
}

type Ready struct {
	SoftState        *SoftState  `json:"soft_state,omitempty"`
	HardState        *HardState  `json:"hard_state,omitempty"`
	ReadStates       []ReadState `json:"read_states"`
	Entries          []Entry     `json:"entries"`
	Snapshot         *Snapshot   `json:"snapshot,omitempty"`
	CommittedEntries []Entry     `json:"committed_entries"`
	Messages         []Message   `json:"messages"`
	MustSync         bool        `json:"must_sync"`
}

type NodeConfig struct {
	ElectionTick                int    `json:"election_tick"`
	HeartbeatTick               int    `json:"heartbeat_tick"`
	Applied                     U64    `json:"applied"`
	MaxSizePerMsg               U64    `json:"max_size_per_msg"`
	MaxCommittedSizePerReady    U64    `json:"max_committed_size_per_ready"`
	MaxUncommittedEntriesSize   U64    `json:"max_uncommitted_entries_size"`
	MaxInflightMsgs             int    `json:"max_inflight_msgs"`
	MaxInflightBytes            U64    `json:"max_inflight_bytes"`
	CheckQuorum                 bool   `json:"check_quorum"`
	PreVote                     bool   `json:"pre_vote"`
	ReadOnlyOption              string `json:"read_only_option"`
	DisableProposalForwarding   bool   `json:"disable_proposal_forwarding"`
	DisableConfChangeValidation bool   `json:"disable_conf_change_validation"`
	StepDownOnRemoval           bool   `json:"step_down_on_removal"`
	AsyncStorageWrites          bool   `json:"async_storage_writes"`
	Seed                        int64  `json:"seed"`
}

// LeaseBased reports the read-only option, refusing values other than safe and lease_based.
func (c NodeConfig) LeaseBased() (bool, error) {
	switch c.ReadOnlyOption {
	case "safe":
		return false, nil
	case "lease_based":
		return true, nil
	}
	return false, Invalidf("config.read_only_option: %q is neither safe nor lease_based", c.ReadOnlyOption)
}

type DurableState struct {
	HardState HardState `json:"hard_state"`
	Snapshot  *Snapshot `json:"snapshot,omitempty"`
	Entries   []Entry   `json:"entries"`
}

type ConfChangeSingle struct {
	Type   string `json:"type"`
	NodeID U64    `json:"node_id"`
}

// ConfChange is either version: V1 uses ID/Type/NodeID, V2 uses Transition/Changes.
type ConfChange struct {
	Version    int                `json:"version"`
	ID         *U64               `json:"id,omitempty"`
	Type       string             `json:"type,omitempty"`
	NodeID     *U64               `json:"node_id,omitempty"`
	Transition string             `json:"transition,omitempty"`
	Changes    []ConfChangeSingle `json:"changes,omitempty"`
	Context    B64                `json:"context"`
}

// CheckShape refuses a conf change whose members do not fit its version.
func (w ConfChange) CheckShape() error {
	switch w.Version {
	case 1:
		if w.NodeID == nil || w.Type == "" || w.Transition != "" || w.Changes != nil {
			return Invalidf("cc: a version 1 conf change has type, node_id, optional id and context")
		}
	case 2:
		if w.ID != nil || w.NodeID != nil || w.Type != "" {
			return Invalidf("cc: a version 2 conf change has transition, changes and context")
		}
		switch w.Transition {
		case "", "auto", "implicit", "explicit":
		default:
			return Invalidf("cc: unknown transition %q", w.Transition)
		}
	default:
		return Invalidf("cc: version must be 1 or 2, got %d", w.Version)
	}
	return nil
}

type Progress struct {
	Match            U64    `json:"match"`
	Next             U64    `json:"next"`
	State            string `json:"state"`
	PendingSnapshot  U64    `json:"pending_snapshot"`
	RecentActive     bool   `json:"recent_active"`
	MsgAppFlowPaused bool   `json:"msg_app_flow_paused"`
	InflightCount    int    `json:"inflight_count"`
	InflightFull     bool   `json:"inflight_full"`
	IsLearner        bool   `json:"is_learner"`
}

type Status struct {
	ID             U64                 `json:"id"`
	HardState      HardState           `json:"hard_state"`
	SoftState      SoftState           `json:"soft_state"`
	Applied        U64                 `json:"applied"`
	LeadTransferee U64                 `json:"lead_transferee"`
	Config         ConfState           `json:"config"`
	Progress       map[string]Progress `json:"progress"`
}

type AppliedConfState struct {
	Index     U64       `json:"index"`
	ConfState ConfState `json:"conf_state"`
}

type Applied struct {
	ConfStates []AppliedConfState `json:"conf_states"`
}

// IDs writes node ids as the protocol's decimal strings.
func IDs(xs []uint64) []U64 {
	out := make([]U64, len(xs))
	for i, x := range xs {
		out[i] = U64(x)
	}
	return out
}

// FromIDs reads node ids; an empty list is nil, as etcd keeps it.
func FromIDs(xs []U64) []uint64 {
	if len(xs) == 0 {
		return nil
	}
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = uint64(x)
	}
	return out
}

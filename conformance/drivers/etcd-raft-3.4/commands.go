package main

// One handler per protocol command (spec/protocol.md §6), each a thin call into RawNode.

import (
	"bytes"
	"encoding/json"
	"sort"

	"go.etcd.io/etcd/raft"
)

// protocolVersion is the one version of the driver protocol this driver speaks.
const protocolVersion = 1

// etcdVersion is the Debian package version of etcd, set by build.sh (-X main.etcdVersion).
var etcdVersion = "3.4"

// capabilities are the features etcd raft 3.4 really has. Absent: async_storage_writes,
// forget_leader, step_down_on_removal and disable_conf_change_validation (later etcd versions), and
// fast_log_rejection (3.4 rejects with the follower's last index only, no term hint).
// flow_control is MaxInflightMsgs only: a MaxInflightBytes limit is answered `unsupported`.
var capabilities = []string{
	"election", "replication", "prevote", "check_quorum", "read_index_safe", "read_index_lease",
	"leader_transfer", "conf_change_v1", "conf_change_v2", "joint_consensus", "learners",
	"disable_proposal_forwarding", "snapshots", "compaction", "pin_election_timeout",
	"progress_status", "report_unreachable", "report_snapshot", "flow_control",
	"uncommitted_size_limit", "committed_size_per_ready",
	// etcd's behaviours (spec/protocol.md §5.1), which 3.4 has like every later etcd-io/raft.
	"campaign", "empty_entry_on_election", "commit_broadcast", "proposal_forwarding",
	"durable_commit", "etcd_messages", "check_quorum_optional", "pre_vote_optional",
	"step_down_on_lost_vote",
}

type driver struct {
	helloDone bool
	nodes     map[uint64]*node
}

func newDriver() *driver { return &driver{nodes: map[uint64]*node{}} }

type handler func(d *driver, line []byte) (interface{}, error)

var empty = struct{}{}

// Parameters of the node commands; `id` and `cmd` are part of every request.
type (
	envelope struct {
		ID  int64  `json:"id"`
		Cmd string `json:"cmd"`
	}
	helloReq struct {
		envelope
		Protocol string          `json:"protocol"`
		Versions []int           `json:"versions"`
		Harness  json.RawMessage `json:"harness"`
	}
	nodeReq struct {
		envelope
		Node u64 `json:"node"`
	}
	createReq struct {
		nodeReq
		Config  wNodeConfig   `json:"config"`
		Storage wDurableState `json:"storage"`
	}
	msgReq struct {
		nodeReq
		Msg wMessage `json:"msg"`
	}
	dataReq struct {
		nodeReq
		Data *b64 `json:"data"`
	}
	ctxReq struct {
		nodeReq
		Ctx *b64 `json:"ctx"`
	}
	confChangeReq struct {
		nodeReq
		CC wConfChange `json:"cc"`
	}
	toReq struct {
		nodeReq
		To u64 `json:"to"`
	}
	peerReq struct {
		nodeReq
		Peer   u64   `json:"peer"`
		Failed *bool `json:"failed"`
	}
	ticksReq struct {
		nodeReq
		Ticks int `json:"ticks"`
	}
	indexReq struct {
		nodeReq
		Index u64 `json:"index"`
	}
)

// decode reads a request into p, refusing members the command does not have.
func decode(line []byte, p interface{}) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return invalidf("request does not match the schema: %v", err)
	}
	return nil
}

func (d *driver) node(id u64) (*node, error) {
	n, ok := d.nodes[uint64(id)]
	if !ok {
		return nil, invalidf("node %d does not exist (create it first)", uint64(id))
	}
	return n, nil
}

// withNode decodes a node request into p and runs f on the node it names, with the node's RNG.
func withNode(p interface{ nodeID() u64 }, f func(n *node) (interface{}, error)) handler {
	return func(d *driver, line []byte) (interface{}, error) {
		if err := decode(line, p); err != nil {
			return nil, err
		}
		n, err := d.node(p.nodeID())
		if err != nil {
			return nil, err
		}
		n.enter()
		return f(n)
	}
}

func (r *nodeReq) nodeID() u64 { return r.Node }

// outcome is the answer of a command etcd may refuse with an error value.
func outcome(err error) (interface{}, error) {
	if err != nil {
		return nil, rejected(err)
	}
	return empty, nil
}

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"hello": func(d *driver, line []byte) (interface{}, error) {
			var p helloReq
			if err := decode(line, &p); err != nil {
				return nil, err
			}
			if p.Protocol != "raft-driver" {
				return nil, invalidf("protocol must be raft-driver, got %q", p.Protocol)
			}
			offered := false
			for _, v := range p.Versions {
				offered = offered || v == protocolVersion
			}
			if !offered {
				return nil, unsupportedf("", "this driver speaks protocol version %d; the harness offered %v", protocolVersion, p.Versions)
			}
			d.helloDone = true
			caps := append([]string(nil), capabilities...)
			sort.Strings(caps)
			return map[string]interface{}{
				"protocol_version": protocolVersion,
				"implementation": map[string]string{
					"name": "etcd raft", "version": etcdVersion, "language": "go",
					"url": "https://github.com/etcd-io/etcd/tree/release-3.4/raft",
				},
				"message_model": "etcd",
				"capabilities":  caps,
			}, nil
		},
		"reset": func(d *driver, line []byte) (interface{}, error) {
			if err := decode(line, &envelope{}); err != nil {
				return nil, err
			}
			d.nodes = map[uint64]*node{}
			return empty, nil
		},
		"bye": func(d *driver, line []byte) (interface{}, error) {
			if err := decode(line, &envelope{}); err != nil {
				return nil, err
			}
			return empty, nil
		},
		"create": func(d *driver, line []byte) (interface{}, error) {
			var p createReq
			if err := decode(line, &p); err != nil {
				return nil, err
			}
			if p.Node == 0 {
				return nil, invalidf("node id 0 means no node")
			}
			n, err := newNode(uint64(p.Node), p.Config, p.Storage)
			if err != nil {
				return nil, err
			}
			d.nodes[uint64(p.Node)] = n // a create after crash is a restart
			return empty, nil
		},
		"crash": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			if err := decode(line, &p); err != nil {
				return nil, err
			}
			if _, err := d.node(p.Node); err != nil {
				return nil, err
			}
			delete(d.nodes, uint64(p.Node))
			return empty, nil
		},
		"tick": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n *node) (interface{}, error) { n.rn.Tick(); return empty, nil })(d, line)
		},
		"step": func(d *driver, line []byte) (interface{}, error) {
			var p msgReq
			return withNode(&p, func(n *node) (interface{}, error) {
				m, err := decodeMessage(p.Msg)
				if err != nil {
					return nil, err
				}
				return outcome(n.rn.Step(m))
			})(d, line)
		},
		"campaign": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n *node) (interface{}, error) { return outcome(n.rn.Campaign()) })(d, line)
		},
		"propose": func(d *driver, line []byte) (interface{}, error) {
			var p dataReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if p.Data == nil {
					return nil, invalidf("propose needs data")
				}
				return outcome(n.rn.Propose(*p.Data))
			})(d, line)
		},
		"propose_conf_change": func(d *driver, line []byte) (interface{}, error) {
			var p confChangeReq
			return withNode(&p, func(n *node) (interface{}, error) {
				cc, err := decodeConfChange(p.CC)
				if err != nil {
					return nil, err
				}
				return outcome(n.rn.ProposeConfChange(cc))
			})(d, line)
		},
		"read_index": func(d *driver, line []byte) (interface{}, error) {
			var p ctxReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if p.Ctx == nil {
					return nil, invalidf("read_index needs ctx")
				}
				n.rn.ReadIndex(*p.Ctx) // 3.4 drops refusals silently
				return empty, nil
			})(d, line)
		},
		"transfer_leader": func(d *driver, line []byte) (interface{}, error) {
			var p toReq
			return withNode(&p, func(n *node) (interface{}, error) { n.rn.TransferLeader(uint64(p.To)); return empty, nil })(d, line)
		},
		"forget_leader": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			if err := decode(line, &p); err != nil {
				return nil, err
			}
			return nil, unsupportedf("forget_leader", "etcd raft 3.4 has no ForgetLeader")
		},
		"report_unreachable": func(d *driver, line []byte) (interface{}, error) {
			var p peerReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if p.Failed != nil {
					return nil, invalidf("report_unreachable has no member failed")
				}
				n.rn.ReportUnreachable(uint64(p.Peer))
				return empty, nil
			})(d, line)
		},
		"report_snapshot": func(d *driver, line []byte) (interface{}, error) {
			var p peerReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if p.Failed == nil {
					return nil, invalidf("report_snapshot needs failed")
				}
				status := raft.SnapshotFinish
				if *p.Failed {
					status = raft.SnapshotFailure
				}
				n.rn.ReportSnapshot(uint64(p.Peer), status)
				return empty, nil
			})(d, line)
		},
		"set_randomized_election_timeout": func(d *driver, line []byte) (interface{}, error) {
			var p ticksReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if p.Ticks < 1 {
					return nil, invalidf("ticks must be at least 1, got %d", p.Ticks)
				}
				n.rn.DriverSetRandomizedElectionTimeout(p.Ticks)
				return empty, nil
			})(d, line)
		},
		"ready": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n *node) (interface{}, error) {
				rd, err := n.ready()
				if err != nil {
					return nil, err
				}
				if rd == nil {
					return map[string]interface{}{"ready": nil}, nil
				}
				return map[string]interface{}{"ready": rd}, nil
			})(d, line)
		},
		"advance": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n *node) (interface{}, error) { return n.advance() })(d, line)
		},
		"storage_append": asyncOnly,
		"storage_apply":  asyncOnly,
		"compact": func(d *driver, line []byte) (interface{}, error) {
			var p indexReq
			return withNode(&p, func(n *node) (interface{}, error) {
				if err := n.compact(uint64(p.Index)); err != nil {
					return nil, err
				}
				return empty, nil
			})(d, line)
		},
		"status": func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n *node) (interface{}, error) {
				return map[string]interface{}{"status": encodeStatus(n.rn.Status())}, nil
			})(d, line)
		},
	}
}

// asyncOnly answers the storage-thread commands of asynchronous storage writes, which 3.4 lacks.
func asyncOnly(d *driver, line []byte) (interface{}, error) {
	var p msgReq
	if err := decode(line, &p); err != nil {
		return nil, err
	}
	return nil, unsupportedf("async_storage_writes", "etcd raft 3.4 has no asynchronous storage writes")
}

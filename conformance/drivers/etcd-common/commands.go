package etcddriver

// One handler per protocol command (spec/protocol.md §6), each decoding its request and calling
// the node.

import (
	"bytes"
	"encoding/json"
	"sort"
)

type handler func(d *driver, line []byte) (interface{}, error)

var empty = struct{}{}

// Parameters of the commands; `id` and `cmd` are part of every request (no `id` inside a batch).
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
		Node U64 `json:"node"`
	}
	createReq struct {
		nodeReq
		Config  NodeConfig   `json:"config"`
		Storage DurableState `json:"storage"`
	}
	msgReq struct {
		nodeReq
		Msg Message `json:"msg"`
	}
	dataReq struct {
		nodeReq
		Data *B64 `json:"data"`
	}
	ctxReq struct {
		nodeReq
		Ctx *B64 `json:"ctx"`
	}
	confChangeReq struct {
		nodeReq
		CC ConfChange `json:"cc"`
	}
	toReq struct {
		nodeReq
		To U64 `json:"to"`
	}
	peerReq struct {
		nodeReq
		Peer   U64   `json:"peer"`
		Failed *bool `json:"failed"`
	}
	ticksReq struct {
		nodeReq
		Ticks int `json:"ticks"`
	}
	indexReq struct {
		nodeReq
		Index U64 `json:"index"`
	}
)

// decode reads a request into p, refusing members the command does not have.
func decode(line []byte, p interface{}) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return Invalidf("request does not match the schema: %v", err)
	}
	return nil
}

func (r *nodeReq) nodeID() U64 { return r.Node }

// withNode decodes a node request into p and runs f on the node it names, entered.
func withNode(p interface{ nodeID() U64 }, f func(n Node) (interface{}, error)) handler {
	return func(d *driver, line []byte) (interface{}, error) {
		if err := decode(line, p); err != nil {
			return nil, err
		}
		n, ok := d.nodes[uint64(p.nodeID())]
		if !ok {
			return nil, Invalidf("node %d does not exist (create it first)", uint64(p.nodeID()))
		}
		n.Enter()
		return f(n)
	}
}

// outcome is the answer of a command etcd may refuse with an error value.
func (d *driver) outcome(err error) (interface{}, error) {
	if err != nil {
		return nil, rejected(err, d.impl.Errors)
	}
	return empty, nil
}

// noResult runs a call whose only possible failures are the driver's own.
func noResult(err error) (interface{}, error) {
	if err != nil {
		return nil, err
	}
	return empty, nil
}

// Commands with only a node parameter.
var nodeCommands = map[string]func(d *driver, n Node) (interface{}, error){
	"tick":     func(d *driver, n Node) (interface{}, error) { n.Tick(); return empty, nil },
	"campaign": func(d *driver, n Node) (interface{}, error) { return d.outcome(n.Campaign()) },
	"forget_leader": func(d *driver, n Node) (interface{}, error) {
		return d.outcome(n.ForgetLeader())
	},
	"advance": func(d *driver, n Node) (interface{}, error) { return n.Advance() },
	"status": func(d *driver, n Node) (interface{}, error) {
		return map[string]interface{}{"status": n.Status()}, nil
	},
}

type readyReq struct {
	nodeReq
	Advance bool `json:"advance"`
}

// ready answers the node's next Ready; with `advance` (protocol version 3, spec/protocol.md §6.5)
// a non-null Ready is advanced at once and the answer carries what `advance` alone would have.
func ready(d *driver, line []byte) (interface{}, error) {
	var p readyReq
	return withNode(&p, func(n Node) (interface{}, error) {
		if p.Advance && d.version < 3 {
			return nil, Invalidf("`ready` with `advance` needs protocol version 3; this session chose %d", d.version)
		}
		rd, err := n.Ready()
		if err != nil {
			return nil, err
		}
		if rd == nil {
			return map[string]interface{}{"ready": nil}, nil
		}
		if !p.Advance {
			return map[string]interface{}{"ready": rd}, nil
		}
		return map[string]interface{}{"ready": rd, "advance": advanceElement(n)}, nil
	})(d, line)
}

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"hello": hello,
		"ready": ready,
		"reset": func(d *driver, line []byte) (interface{}, error) {
			if err := decode(line, &envelope{}); err != nil {
				return nil, err
			}
			d.nodes = map[uint64]Node{}
			return empty, nil
		},
		"bye": func(d *driver, line []byte) (interface{}, error) {
			return noResult(decode(line, &envelope{}))
		},
		"create": func(d *driver, line []byte) (interface{}, error) {
			var p createReq
			if err := decode(line, &p); err != nil {
				return nil, err
			}
			if p.Node == 0 {
				return nil, Invalidf("node id 0 means no node")
			}
			n, err := d.impl.NewNode(uint64(p.Node), p.Config, p.Storage)
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
			if _, ok := d.nodes[uint64(p.Node)]; !ok {
				return nil, Invalidf("node %d does not exist (create it first)", uint64(p.Node))
			}
			delete(d.nodes, uint64(p.Node))
			return empty, nil
		},
		"step": func(d *driver, line []byte) (interface{}, error) {
			var p msgReq
			return withNode(&p, func(n Node) (interface{}, error) { return d.outcome(n.Step(p.Msg)) })(d, line)
		},
		"propose": func(d *driver, line []byte) (interface{}, error) {
			var p dataReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if p.Data == nil {
					return nil, Invalidf("propose needs data")
				}
				return d.outcome(n.Propose(*p.Data))
			})(d, line)
		},
		"propose_conf_change": func(d *driver, line []byte) (interface{}, error) {
			var p confChangeReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if err := p.CC.CheckShape(); err != nil {
					return nil, err
				}
				return d.outcome(n.ProposeConfChange(p.CC))
			})(d, line)
		},
		"read_index": func(d *driver, line []byte) (interface{}, error) {
			var p ctxReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if p.Ctx == nil {
					return nil, Invalidf("read_index needs ctx")
				}
				return d.outcome(n.ReadIndex(*p.Ctx))
			})(d, line)
		},
		"transfer_leader": func(d *driver, line []byte) (interface{}, error) {
			var p toReq
			return withNode(&p, func(n Node) (interface{}, error) { return d.outcome(n.TransferLeader(uint64(p.To))) })(d, line)
		},
		"report_unreachable": func(d *driver, line []byte) (interface{}, error) {
			var p peerReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if p.Failed != nil {
					return nil, Invalidf("report_unreachable has no member failed")
				}
				n.ReportUnreachable(uint64(p.Peer))
				return empty, nil
			})(d, line)
		},
		"report_snapshot": func(d *driver, line []byte) (interface{}, error) {
			var p peerReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if p.Failed == nil {
					return nil, Invalidf("report_snapshot needs failed")
				}
				n.ReportSnapshot(uint64(p.Peer), *p.Failed)
				return empty, nil
			})(d, line)
		},
		"set_randomized_election_timeout": func(d *driver, line []byte) (interface{}, error) {
			var p ticksReq
			return withNode(&p, func(n Node) (interface{}, error) {
				if p.Ticks < 1 {
					return nil, Invalidf("ticks must be at least 1, got %d", p.Ticks)
				}
				n.SetRandomizedElectionTimeout(p.Ticks)
				return empty, nil
			})(d, line)
		},
		"storage_append": func(d *driver, line []byte) (interface{}, error) {
			var p msgReq
			return withNode(&p, func(n Node) (interface{}, error) { return noResult(n.StorageAppend(p.Msg)) })(d, line)
		},
		"storage_apply": func(d *driver, line []byte) (interface{}, error) {
			var p msgReq
			return withNode(&p, func(n Node) (interface{}, error) { return n.StorageApply(p.Msg) })(d, line)
		},
		"compact": func(d *driver, line []byte) (interface{}, error) {
			var p indexReq
			return withNode(&p, func(n Node) (interface{}, error) { return noResult(n.Compact(uint64(p.Index))) })(d, line)
		},
	}
	for name, f := range nodeCommands {
		f := f
		handlers[name] = func(d *driver, line []byte) (interface{}, error) {
			var p nodeReq
			return withNode(&p, func(n Node) (interface{}, error) { return f(d, n) })(d, line)
		}
	}
}

func hello(d *driver, line []byte) (interface{}, error) {
	var p helloReq
	if err := decode(line, &p); err != nil {
		return nil, err
	}
	if p.Protocol != "raft-driver" {
		return nil, Invalidf("protocol must be raft-driver, got %q", p.Protocol)
	}
	chosen := 0
	for _, mine := range protocolVersions {
		for _, v := range p.Versions {
			if v == mine && chosen == 0 {
				chosen = v
			}
		}
	}
	if chosen == 0 {
		return nil, Unsupportedf("", "this driver speaks protocol versions %v; the harness offered %v", protocolVersions, p.Versions)
	}
	d.version = chosen
	caps := append([]string(nil), d.impl.Capabilities...)
	sort.Strings(caps)
	return map[string]interface{}{
		"protocol_version": chosen,
		"implementation": map[string]string{
			"name": d.impl.Name, "version": d.impl.Version, "language": "go", "url": d.impl.URL,
		},
		"message_model": "etcd",
		"capabilities":  caps,
	}, nil
}

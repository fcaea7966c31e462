//! The protocol's commands (spec/protocol.md §6), each a thin call into raft-rs's RawNode, the
//! handshake with its capability list, and `batch` (protocol version 2).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use protobuf::Message as _;
use raft::eraftpb::Message;
use raft::SnapshotStatus;
use serde_json::{json, Value};

use crate::convert::{self, only, opt_bytes, req_u64, Obj, ProposedConfChange};
use crate::errors::{self, DriverError};
use crate::node::{Node, NodeConfig};
use crate::store::Store;

/// What raft-rs 0.7.0 has. Absent: fast_log_rejection is present (raft-rs has etcd's term hint);
/// forget_leader, step_down_on_removal, disable_conf_change_validation,
/// disable_proposal_forwarding and async_storage_writes are not in 0.7; flow_control is
/// max_inflight_msgs only (a MaxInflightBytes limit is `unsupported`).
const CAPABILITIES: &[&str] = &[
    "check_quorum",
    "committed_size_per_ready",
    "compaction",
    "conf_change_v1",
    "conf_change_v2",
    "election",
    "fast_log_rejection",
    "flow_control",
    "joint_consensus",
    "leader_transfer",
    "learners",
    "pin_election_timeout",
    "prevote",
    "progress_status",
    "read_index_lease",
    "read_index_safe",
    "replication",
    "report_snapshot",
    "report_unreachable",
    "snapshots",
    "uncommitted_size_limit",
    // The behaviours of spec/protocol.md §5.1, all of which raft-rs 0.7 has as etcd-io/raft does:
    // RawNode::campaign, an empty entry on becoming leader, a commit broadcast (skip_bcast_commit
    // is off), followers forward proposals, commit in HardState, etcd's message vocabulary,
    // check_quorum and pre_vote are options, a leader that removed itself leads on (raft-rs has no
    // step-down on removal), and a lost vote makes a candidate a follower at once.
    "campaign",
    "empty_entry_on_election",
    "commit_broadcast",
    "proposal_forwarding",
    "durable_commit",
    "etcd_messages",
    "check_quorum_optional",
    "pre_vote_optional",
    "step_down_on_removal_optional",
    "step_down_on_lost_vote",
    "conf_change_noop",
    "transfer_replaces_pending",
    "prevote_respects_vote",
    "vote_while_leader_known",
    "prevote_learns_term",
    "vote_as_non_voter",
    "matching_snapshot_commits",
    "append_during_snapshot",
    "config_on_apply",
];

const VERSIONS: [u64; 3] = [3, 2, 1];

const NODE_COMMANDS: [&str; 18] = [
    "create",
    "crash",
    "tick",
    "step",
    "campaign",
    "propose",
    "propose_conf_change",
    "read_index",
    "transfer_leader",
    "forget_leader",
    "report_unreachable",
    "report_snapshot",
    "set_randomized_election_timeout",
    "ready",
    "advance",
    "storage_append",
    "storage_apply",
    "compact",
];

/// raft-rs message fields the protocol has no place for, kept by the driver for the messages it
/// handed out, keyed by the message's encoding without them. A message the harness delivers is
/// always one the driver produced (possibly late, twice or never), so this restores it whole;
/// a hand-made message simply has none of them (as from a peer that does not set them).
#[derive(Clone, Copy, Default, PartialEq)]
struct Extra {
    commit_term: u64,
    request_snapshot: u64,
    priority: i64,
    deprecated_priority: u64,
}

fn split_extra(m: &Message) -> (Vec<u8>, Extra) {
    let extra = Extra {
        commit_term: m.commit_term,
        request_snapshot: m.request_snapshot,
        priority: m.priority,
        deprecated_priority: m.deprecated_priority,
    };
    let mut bare = m.clone();
    bare.commit_term = 0;
    bare.request_snapshot = 0;
    bare.priority = 0;
    bare.deprecated_priority = 0;
    (bare.write_to_bytes().unwrap_or_default(), extra)
}

pub struct Driver {
    version: Option<u64>,
    nodes: BTreeMap<u64, Node>,
    extras: BTreeMap<Vec<u8>, Extra>,
    logger: slog::Logger,
}

impl Driver {
    pub fn new() -> Driver {
        Driver { version: None, nodes: BTreeMap::new(), extras: BTreeMap::new(), logger: crate::logger::logger() }
    }

    /// Answers one request line; the flag says the session ended (`bye`).
    pub fn answer(&mut self, line: &str) -> (Value, bool) {
        let req: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => return (crate::response(None, Err(DriverError::invalid("request line is not JSON"))), false),
        };
        let Some(obj) = req.as_object() else {
            return (crate::response(None, Err(DriverError::invalid("request line is not a JSON object"))), false);
        };
        let id = match obj.get("id").and_then(Value::as_u64) {
            Some(i) if (1..=(1u64 << 53) - 1).contains(&i) => i,
            _ => return (crate::response(None, Err(DriverError::invalid("request has no valid id (a positive integer)"))), false),
        };
        let cmd = obj.get("cmd").and_then(Value::as_str).unwrap_or("").to_string();
        let r = if cmd == "batch" { self.batch(obj) } else { self.run(&cmd, obj) };
        let bye = cmd == "bye" && r.is_ok();
        (crate::response(Some(id), r), bye)
    }

    /// `batch` (version 2): runs the requests in order, stopping after the first that fails.
    fn batch(&mut self, obj: &Obj) -> Result<Value, DriverError> {
        if self.version.is_none() {
            return Err(DriverError::not_initialized("batch"));
        }
        if self.version < Some(2) {
            return Err(DriverError::unknown_command("batch"));
        }
        only(obj, &["id", "cmd", "requests"], "request")?;
        let reqs = match obj.get("requests") {
            Some(Value::Array(a)) => a,
            _ => return Err(DriverError::invalid("batch needs requests, an array of requests")),
        };
        let mut items = Vec::with_capacity(reqs.len());
        for (i, r) in reqs.iter().enumerate() {
            let o = convert::object(r, &format!("requests[{i}]"))?;
            if o.contains_key("id") {
                return Err(DriverError::invalid(format!("requests[{i}] has an id; requests inside a batch have none")));
            }
            let cmd = o.get("cmd").and_then(Value::as_str).unwrap_or("");
            if matches!(cmd, "hello" | "bye" | "batch") {
                return Err(DriverError::invalid(format!("requests[{i}]: {cmd} is not allowed inside a batch")));
            }
            items.push((cmd.to_string(), o));
        }
        let mut responses = Vec::with_capacity(items.len());
        for (cmd, o) in items {
            match self.run(&cmd, o) {
                Ok(v) => responses.push(json!({"ok": true, "result": v})),
                Err(e) => {
                    responses.push(json!({"ok": false, "error": e.to_json()}));
                    break;
                }
            }
        }
        Ok(json!({ "responses": responses }))
    }

    /// One command; a panic inside raft-rs becomes an `internal` error.
    fn run(&mut self, cmd: &str, o: &Obj) -> Result<Value, DriverError> {
        let known = matches!(cmd, "hello" | "reset" | "status" | "bye") || NODE_COMMANDS.contains(&cmd);
        if !known {
            return Err(DriverError::unknown_command(cmd));
        }
        if self.version.is_none() && cmd != "hello" && cmd != "bye" {
            return Err(DriverError::not_initialized(cmd));
        }
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(cmd, o))) {
            Ok(r) => r,
            Err(payload) => {
                // The node's state is unknown after a panic inside raft-rs: drop it.
                if let Some(Ok(id)) = o.get("node").map(|v| convert::u64_value(v, "node")) {
                    self.nodes.remove(&id);
                }
                Err(errors::from_panic(payload))
            }
        }
    }

    fn node(&mut self, o: &Obj) -> Result<(u64, &mut Node), DriverError> {
        let id = req_u64(o, "node", "request")?;
        match self.nodes.get_mut(&id) {
            Some(n) => Ok((id, n)),
            None => Err(DriverError::invalid(format!("node {id} does not exist (create it first)"))),
        }
    }

    fn dispatch(&mut self, cmd: &str, o: &Obj) -> Result<Value, DriverError> {
        let params: &[&str] = match cmd {
            "hello" => &["protocol", "versions", "harness"],
            "reset" | "bye" => &[],
            "create" => &["node", "config", "storage"],
            "step" | "storage_append" | "storage_apply" => &["node", "msg"],
            "propose" => &["node", "data"],
            "propose_conf_change" => &["node", "cc"],
            "read_index" => &["node", "ctx"],
            "transfer_leader" => &["node", "to"],
            "report_unreachable" => &["node", "peer"],
            "report_snapshot" => &["node", "peer", "failed"],
            "set_randomized_election_timeout" => &["node", "ticks"],
            "compact" => &["node", "index"],
            "ready" => &["node", "advance"],
            _ => &["node"],
        };
        let mut allowed = vec!["id", "cmd"];
        allowed.extend_from_slice(params);
        only(o, &allowed, "request")?;
        let empty = Ok(json!({}));
        match cmd {
            "hello" => self.hello(o),
            "reset" => {
                self.nodes.clear();
                self.extras.clear();
                empty
            }
            "bye" => empty,
            "create" => self.create(o),
            "crash" => {
                let (id, _) = self.node(o)?;
                self.nodes.remove(&id);
                empty
            }
            "tick" => {
                let (_, n) = self.node(o)?;
                n.call(|rn| rn.tick());
                empty
            }
            "step" => {
                let mut m = convert::message_from_json(o.get("msg").unwrap_or(&Value::Null), "msg")?;
                let (key, _) = split_extra(&m);
                if let Some(x) = self.extras.get(&key).copied() {
                    m.commit_term = x.commit_term;
                    m.request_snapshot = x.request_snapshot;
                    m.priority = x.priority;
                    m.deprecated_priority = x.deprecated_priority;
                }
                let (_, n) = self.node(o)?;
                outcome(n.call(|rn| rn.step(m)))
            }
            "campaign" => {
                let (_, n) = self.node(o)?;
                outcome(n.call(|rn| rn.campaign()))
            }
            "propose" => {
                if !o.contains_key("data") {
                    return Err(DriverError::invalid("propose needs data"));
                }
                let data = opt_bytes(o, "data", "request")?;
                let (_, n) = self.node(o)?;
                outcome(n.call(|rn| rn.propose(Vec::new(), data)))
            }
            "propose_conf_change" => {
                let cc = convert::conf_change_from_json(o.get("cc").unwrap_or(&Value::Null), "cc")?;
                let (_, n) = self.node(o)?;
                outcome(n.call(|rn| match cc {
                    ProposedConfChange::V1(c) => rn.propose_conf_change(Vec::new(), c),
                    ProposedConfChange::V2(c) => rn.propose_conf_change(Vec::new(), c),
                }))
            }
            "read_index" => {
                if !o.contains_key("ctx") {
                    return Err(DriverError::invalid("read_index needs ctx"));
                }
                let ctx = opt_bytes(o, "ctx", "request")?;
                let (_, n) = self.node(o)?;
                n.call(|rn| rn.read_index(ctx)); // raft-rs drops refusals silently
                empty
            }
            "transfer_leader" => {
                let to = req_u64(o, "to", "request")?;
                let (_, n) = self.node(o)?;
                n.call(|rn| rn.transfer_leader(to)); // raft-rs drops refusals silently
                empty
            }
            "forget_leader" => {
                self.node(o)?;
                Err(DriverError::unsupported(Some("forget_leader"), "raft-rs 0.7 has no ForgetLeader"))
            }
            "report_unreachable" => {
                let peer = req_u64(o, "peer", "request")?;
                let (_, n) = self.node(o)?;
                n.call(|rn| rn.report_unreachable(peer));
                empty
            }
            "report_snapshot" => {
                let peer = req_u64(o, "peer", "request")?;
                let failed = match o.get("failed") {
                    Some(Value::Bool(b)) => *b,
                    _ => return Err(DriverError::invalid("report_snapshot needs failed (a boolean)")),
                };
                let (_, n) = self.node(o)?;
                let status = if failed { SnapshotStatus::Failure } else { SnapshotStatus::Finish };
                n.call(|rn| rn.report_snapshot(peer, status));
                empty
            }
            "set_randomized_election_timeout" => {
                let ticks = o.get("ticks").and_then(Value::as_u64).filter(|t| *t >= 1);
                let ticks = ticks.ok_or_else(|| DriverError::invalid("ticks must be an integer of at least 1"))?;
                let (_, n) = self.node(o)?;
                n.pin_election_timeout(ticks as usize)?;
                empty
            }
            "ready" => {
                let fused = match o.get("advance") {
                    None => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => return Err(DriverError::invalid("advance must be a boolean")),
                };
                if fused && self.version < Some(3) {
                    return Err(DriverError::invalid("ready with advance needs protocol version 3"));
                }
                let (id, n) = self.node(o)?;
                let (mut rd, msgs) = n.ready()?;
                self.remember_extras(&msgs);
                if fused && !rd["ready"].is_null() {
                    // Version 3 (spec/protocol.md §6.5): advanced at once, answered as `advance` would be.
                    let adv = match catch_unwind(AssertUnwindSafe(|| self.node(o).and_then(|(_, n)| n.advance()))) {
                        Ok(Ok(v)) => json!({"ok": true, "result": v}),
                        Ok(Err(e)) => json!({"ok": false, "error": e.to_json()}),
                        Err(payload) => {
                            self.nodes.remove(&id);
                            json!({"ok": false, "error": errors::from_panic(payload).to_json()})
                        }
                    };
                    if let Some(m) = rd.as_object_mut() {
                        m.insert("advance".into(), adv);
                    }
                }
                Ok(rd)
            }
            "advance" => {
                let (_, n) = self.node(o)?;
                n.advance()
            }
            "storage_append" | "storage_apply" => {
                self.node(o)?;
                Err(DriverError::unsupported(Some("async_storage_writes"), "raft-rs 0.7 has no etcd-style asynchronous storage writes"))
            }
            "compact" => {
                let index = req_u64(o, "index", "request")?;
                let (_, n) = self.node(o)?;
                n.compact(index)?;
                empty
            }
            "status" => {
                let (_, n) = self.node(o)?;
                Ok(n.status())
            }
            _ => Err(DriverError::unknown_command(cmd)),
        }
    }

    fn hello(&mut self, o: &Obj) -> Result<Value, DriverError> {
        if o.get("protocol").and_then(Value::as_str) != Some("raft-driver") {
            return Err(DriverError::invalid("protocol must be raft-driver"));
        }
        let offered: Vec<u64> = match o.get("versions") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_u64).collect(),
            _ => return Err(DriverError::invalid("versions must be an array of integers")),
        };
        let Some(v) = VERSIONS.iter().copied().find(|v| offered.contains(v)) else {
            return Err(DriverError::unsupported(None, format!("this driver speaks protocol versions 1, 2 and 3; the harness offered {offered:?}")));
        };
        self.version = Some(v);
        Ok(json!({
            "protocol_version": v,
            "implementation": {"name": "tikv/raft-rs", "version": "0.7.0", "language": "rust", "url": "https://github.com/tikv/raft-rs/tree/v0.7.0"},
            "message_model": "generic",
            "capabilities": CAPABILITIES,
        }))
    }

    fn create(&mut self, o: &Obj) -> Result<Value, DriverError> {
        let id = req_u64(o, "node", "request")?;
        if id == 0 {
            return Err(DriverError::invalid("node id 0 means no node"));
        }
        let cfg = node_config(convert::object(o.get("config").unwrap_or(&Value::Null), "config")?)?;
        let so = convert::object(o.get("storage").unwrap_or(&Value::Null), "storage")?;
        only(so, &["hard_state", "snapshot", "entries"], "storage")?;
        let hs = convert::hard_state_from_json(so.get("hard_state").unwrap_or(&Value::Null), "storage.hard_state")?;
        let snap = match so.get("snapshot") {
            Some(v) => Some(convert::snapshot_from_json(v, "storage.snapshot")?).filter(|s| !convert::snapshot_is_empty(s)),
            None => None,
        };
        let entries = convert::entries_from_json(so, "entries", "storage")?;
        let store = Store::new(snap, hs, entries).map_err(|e| DriverError::invalid(format!("storage: {e}")))?;
        let node = Node::new(id, &cfg, store, &self.logger)?;
        self.nodes.insert(id, node); // a create after crash is a restart
        Ok(json!({}))
    }

    /// Keeps the raft-rs-only fields of the messages a Ready hands out (see `Extra`).
    fn remember_extras(&mut self, msgs: &[Message]) {
        for m in msgs {
            let (_, extra) = split_extra(m);
            if extra == Extra::default() {
                continue;
            }
            // The key is the message as `step` will decode it from our own encoding.
            let Ok(wire) = convert::message_from_json(&convert::message_to_json(m), "msg") else { continue };
            self.extras.insert(split_extra(&wire).0, extra);
        }
    }
}

/// Refusals raft-rs returns are outcomes (`rejected`), with etcd's names.
fn outcome(r: raft::Result<()>) -> Result<Value, DriverError> {
    match r {
        Ok(()) => Ok(json!({})),
        Err(e) => Err(DriverError::rejected(&e)),
    }
}

fn node_config(c: &Obj) -> Result<NodeConfig, DriverError> {
    let p = "config";
    only(
        c,
        &[
            "election_tick", "heartbeat_tick", "applied", "max_size_per_msg", "max_committed_size_per_ready",
            "max_uncommitted_entries_size", "max_inflight_msgs", "max_inflight_bytes", "check_quorum", "pre_vote",
            "read_only_option", "disable_proposal_forwarding", "disable_conf_change_validation", "step_down_on_removal",
            "async_storage_writes", "seed",
        ],
        p,
    )?;
    let int = |k: &str, min: u64| -> Result<u64, DriverError> {
        c.get(k).and_then(Value::as_u64).filter(|v| *v >= min).ok_or_else(|| DriverError::invalid(format!("{p}.{k} must be an integer of at least {min}")))
    };
    let flag = |k: &str| convert::opt_bool(c, k, p);
    let lease_based = match c.get("read_only_option").and_then(Value::as_str) {
        Some("safe") => false,
        Some("lease_based") => true,
        _ => return Err(DriverError::invalid(format!("{p}.read_only_option must be safe or lease_based"))),
    };
    Ok(NodeConfig {
        election_tick: int("election_tick", 1)? as usize,
        heartbeat_tick: int("heartbeat_tick", 1)? as usize,
        applied: req_u64(c, "applied", p)?,
        max_size_per_msg: req_u64(c, "max_size_per_msg", p)?,
        max_committed_size_per_ready: req_u64(c, "max_committed_size_per_ready", p)?,
        max_uncommitted_entries_size: req_u64(c, "max_uncommitted_entries_size", p)?,
        max_inflight_msgs: int("max_inflight_msgs", 0)? as usize,
        max_inflight_bytes: req_u64(c, "max_inflight_bytes", p)?,
        check_quorum: flag("check_quorum")?,
        pre_vote: flag("pre_vote")?,
        lease_based,
        disable_proposal_forwarding: flag("disable_proposal_forwarding")?,
        disable_conf_change_validation: flag("disable_conf_change_validation")?,
        step_down_on_removal: flag("step_down_on_removal")?,
        async_storage_writes: flag("async_storage_writes")?,
        seed: int("seed", 0)?,
    })
}

//! The protocol's JSON values (spec/driver-protocol.schema.json) to and from raft-rs's eraftpb
//! types. uint64 values travel as decimal strings, bytes as base64, names are etcd's.
//!
//! Conf-change entries: raft-rs's ConfChangeType numbers AddLearnerNode 2 where etcd has
//! UpdateNode 2 and AddLearnerNode 3, and rust-protobuf orders fields differently. Entry data
//! of conf-change entries is therefore re-encoded at the boundary: the harness sees etcd's
//! encoding (which it decodes to show and check conf changes), raft-rs its own. The mapping is
//! one to one except etcd's UpdateNode, which raft-rs does not have (`unsupported`).

use protobuf::Message as _;
use raft::eraftpb::{
    ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeType, ConfChangeV2, ConfState, Entry, EntryType,
    HardState, Message, MessageType, Snapshot, SnapshotMetadata,
};
use serde_json::{json, Map, Value};

use crate::b64;
use crate::errors::DriverError;

pub type Obj = Map<String, Value>;

// ---- primitive values ------------------------------------------------------------------------

pub fn u64_value(v: &Value, path: &str) -> Result<u64, DriverError> {
    let s = v.as_str().ok_or_else(|| DriverError::invalid(format!("{path}: {v} is not a decimal string")))?;
    let ok = !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !ok {
        return Err(DriverError::invalid(format!("{path}: {s:?} is not a decimal uint64")));
    }
    s.parse::<u64>().map_err(|_| DriverError::invalid(format!("{path}: {s:?} is larger than 2^64-1")))
}

pub fn req_u64(o: &Obj, key: &str, path: &str) -> Result<u64, DriverError> {
    let v = o.get(key).ok_or_else(|| DriverError::invalid(format!("{path}.{key} is missing")))?;
    u64_value(v, &format!("{path}.{key}"))
}

pub fn opt_u64(o: &Obj, key: &str, path: &str) -> Result<u64, DriverError> {
    o.get(key).map_or(Ok(0), |v| u64_value(v, &format!("{path}.{key}")))
}

pub fn opt_bytes(o: &Obj, key: &str, path: &str) -> Result<Vec<u8>, DriverError> {
    match o.get(key) {
        None => Ok(Vec::new()),
        Some(v) => {
            let s = v.as_str().ok_or_else(|| DriverError::invalid(format!("{path}.{key}: {v} is not a base64 string")))?;
            b64::decode(s).map_err(|e| DriverError::invalid(format!("{path}.{key}: {e}")))
        }
    }
}

pub fn opt_bool(o: &Obj, key: &str, path: &str) -> Result<bool, DriverError> {
    match o.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(DriverError::invalid(format!("{path}.{key}: {v} is not a boolean"))),
    }
}

pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Obj, DriverError> {
    v.as_object().ok_or_else(|| DriverError::invalid(format!("{path} is not an object")))
}

pub fn array<'a>(o: &'a Obj, key: &str, path: &str) -> Result<&'a [Value], DriverError> {
    match o.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(v) => Err(DriverError::invalid(format!("{path}.{key}: {v} is not an array"))),
    }
}

/// Refuses members a value does not have (the schema's closed objects).
pub fn only(o: &Obj, allowed: &[&str], path: &str) -> Result<(), DriverError> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(DriverError::invalid(format!("{path} has no member {k:?}"))),
        None => Ok(()),
    }
}

fn s(n: u64) -> Value {
    Value::String(n.to_string())
}

fn ids(xs: &[u64]) -> Value {
    Value::Array(xs.iter().map(|&x| s(x)).collect())
}

fn ids_from(o: &Obj, key: &str, path: &str) -> Result<Vec<u64>, DriverError> {
    array(o, key, path)?.iter().enumerate().map(|(i, v)| u64_value(v, &format!("{path}.{key}[{i}]"))).collect()
}

// ---- entries, with conf-change data in etcd's encoding on the wire -----------------------------

const ENTRY_TYPES: [(&str, EntryType); 3] = [
    ("EntryNormal", EntryType::EntryNormal),
    ("EntryConfChange", EntryType::EntryConfChange),
    ("EntryConfChangeV2", EntryType::EntryConfChangeV2),
];

pub fn entry_to_json(e: &Entry) -> Value {
    let name = ENTRY_TYPES.iter().find(|(_, t)| *t == e.get_entry_type()).map_or("EntryNormal", |(n, _)| n);
    let data = match e.get_entry_type() {
        EntryType::EntryNormal => e.get_data().to_vec(),
        t => rs_conf_change_to_etcd(t, e.get_data()).unwrap_or_else(|| e.get_data().to_vec()),
    };
    json!({"term": s(e.term), "index": s(e.index), "type": name, "data": b64::encode(&data)})
}

pub fn entry_from_json(v: &Value, path: &str) -> Result<Entry, DriverError> {
    let o = object(v, path)?;
    only(o, &["term", "index", "type", "data"], path)?;
    let mut e = Entry::default();
    e.term = req_u64(o, "term", path)?;
    e.index = req_u64(o, "index", path)?;
    let t = match o.get("type") {
        None => EntryType::EntryNormal,
        Some(Value::String(n)) => ENTRY_TYPES
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, t)| *t)
            .ok_or_else(|| DriverError::invalid(format!("{path}.type: unknown entry type {n:?}")))?,
        Some(v) => return Err(DriverError::invalid(format!("{path}.type: {v} is not a string"))),
    };
    e.set_entry_type(t);
    let data = opt_bytes(o, "data", path)?;
    e.data = match t {
        EntryType::EntryNormal => data.into(),
        t => etcd_conf_change_to_rs(t, &data, path)?.into(),
    };
    Ok(e)
}

pub fn entries_to_json(es: &[Entry]) -> Value {
    Value::Array(es.iter().map(entry_to_json).collect())
}

pub fn entries_from_json(o: &Obj, key: &str, path: &str) -> Result<Vec<Entry>, DriverError> {
    array(o, key, path)?.iter().enumerate().map(|(i, v)| entry_from_json(v, &format!("{path}.{key}[{i}]"))).collect()
}

/// etcd's ConfChangeType numbers by protocol name, and raft-rs's counterpart (none for UpdateNode).
const CC_TYPES: [(&str, u64, Option<ConfChangeType>); 4] = [
    ("ConfChangeAddNode", 0, Some(ConfChangeType::AddNode)),
    ("ConfChangeRemoveNode", 1, Some(ConfChangeType::RemoveNode)),
    ("ConfChangeUpdateNode", 2, None),
    ("ConfChangeAddLearnerNode", 3, Some(ConfChangeType::AddLearnerNode)),
];

fn etcd_type_number(t: ConfChangeType) -> u64 {
    CC_TYPES.iter().find(|(_, _, r)| *r == Some(t)).map_or(0, |(_, n, _)| *n)
}

fn rs_type_of_etcd_number(n: u64, path: &str) -> Result<ConfChangeType, DriverError> {
    match CC_TYPES.iter().find(|(_, num, _)| *num == n) {
        Some((_, _, Some(t))) => Ok(*t),
        Some((name, _, None)) => Err(DriverError::unsupported(None, format!("{path}: raft-rs 0.7 has no {name}"))),
        None => Err(DriverError::invalid(format!("{path}: unknown conf change type {n}"))),
    }
}

pub fn rs_type_of_name(name: &str, path: &str) -> Result<ConfChangeType, DriverError> {
    match CC_TYPES.iter().find(|(n, _, _)| *n == name) {
        Some((_, _, Some(t))) => Ok(*t),
        Some((n, _, None)) => Err(DriverError::unsupported(None, format!("{path}: raft-rs 0.7 has no {n}"))),
        None => Err(DriverError::invalid(format!("{path}: unknown conf change type {name:?}"))),
    }
}

/// A protobuf writer in the field order and zero-value handling of the harness's etcd encoder.
struct Pb(Vec<u8>);

impl Pb {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn uint(&mut self, field: u64, v: u64) {
        self.varint(field << 3);
        self.varint(v);
    }
    fn bytes(&mut self, field: u64, b: &[u8]) {
        self.varint((field << 3) | 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

/// raft-rs's encoding of a conf change → etcd's; None if the bytes are not one.
pub fn rs_conf_change_to_etcd(t: EntryType, data: &[u8]) -> Option<Vec<u8>> {
    let mut w = Pb(Vec::new());
    match t {
        EntryType::EntryConfChange => {
            let cc = ConfChange::parse_from_bytes(data).ok()?;
            w.uint(2, etcd_type_number(cc.get_change_type()));
            w.uint(3, cc.node_id);
            if !cc.context.is_empty() {
                w.bytes(4, &cc.context);
            }
            w.uint(1, cc.id);
        }
        EntryType::EntryConfChangeV2 => {
            let cc = ConfChangeV2::parse_from_bytes(data).ok()?;
            let tr = cc.get_transition() as u64;
            if tr != 0 {
                w.uint(1, tr);
            }
            for c in cc.get_changes() {
                let mut inner = Pb(Vec::new());
                let n = etcd_type_number(c.get_change_type());
                if n != 0 {
                    inner.uint(1, n);
                }
                inner.uint(2, c.node_id);
                w.bytes(2, &inner.0);
            }
            if !cc.context.is_empty() {
                w.bytes(3, &cc.context);
            }
        }
        EntryType::EntryNormal => return None,
    }
    Some(w.0)
}

enum Field<'a> {
    Int(u64),
    Bytes(&'a [u8]),
}

fn pb_fields(mut b: &[u8]) -> Result<Vec<(u64, Field<'_>)>, String> {
    fn varint(b: &mut &[u8]) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&c, rest) = b.split_first().ok_or("truncated varint")?;
            *b = rest;
            v |= u64::from(c & 0x7f) << shift;
            if c & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match key & 7 {
            0 => out.push((key >> 3, Field::Int(varint(&mut b)?))),
            2 => {
                let n = varint(&mut b)? as usize;
                if n > b.len() {
                    return Err("truncated bytes".into());
                }
                out.push((key >> 3, Field::Bytes(&b[..n])));
                b = &b[n..];
            }
            w => return Err(format!("unsupported wire type {w}")),
        }
    }
    Ok(out)
}

/// etcd's encoding of a conf change → raft-rs's (rust-protobuf) bytes.
pub fn etcd_conf_change_to_rs(t: EntryType, data: &[u8], path: &str) -> Result<Vec<u8>, DriverError> {
    let bad = |e: String| DriverError::invalid(format!("{path}.data: not etcd's encoding of a conf change: {e}"));
    let fields = pb_fields(data).map_err(bad)?;
    let out = match t {
        EntryType::EntryConfChange => {
            let mut cc = ConfChange::default();
            for (no, f) in fields {
                match (no, f) {
                    (1, Field::Int(v)) => cc.id = v,
                    (2, Field::Int(v)) => cc.set_change_type(rs_type_of_etcd_number(v, path)?),
                    (3, Field::Int(v)) => cc.node_id = v,
                    (4, Field::Bytes(b)) => cc.context = b.to_vec().into(),
                    _ => return Err(bad(format!("unexpected field {no}"))),
                }
            }
            cc.write_to_bytes()
        }
        EntryType::EntryConfChangeV2 => {
            let mut cc = ConfChangeV2::default();
            for (no, f) in fields {
                match (no, f) {
                    (1, Field::Int(v)) => cc.set_transition(transition_of_number(v).ok_or_else(|| bad(format!("transition {v}")))?),
                    (2, Field::Bytes(b)) => {
                        let mut single = ConfChangeSingle::default();
                        for (no2, f2) in pb_fields(b).map_err(bad)? {
                            match (no2, f2) {
                                (1, Field::Int(v)) => single.set_change_type(rs_type_of_etcd_number(v, path)?),
                                (2, Field::Int(v)) => single.node_id = v,
                                _ => return Err(bad(format!("unexpected field changes.{no2}"))),
                            }
                        }
                        cc.mut_changes().push(single);
                    }
                    (3, Field::Bytes(b)) => cc.context = b.to_vec().into(),
                    _ => return Err(bad(format!("unexpected field {no}"))),
                }
            }
            cc.write_to_bytes()
        }
        EntryType::EntryNormal => return Ok(data.to_vec()),
    };
    out.map_err(|e| DriverError::internal(format!("cannot encode a conf change: {e}"), None))
}

fn transition_of_number(v: u64) -> Option<ConfChangeTransition> {
    match v {
        0 => Some(ConfChangeTransition::Auto),
        1 => Some(ConfChangeTransition::Implicit),
        2 => Some(ConfChangeTransition::Explicit),
        _ => None,
    }
}

/// A conf change a client proposes, in raft-rs's types.
pub enum ProposedConfChange {
    V1(ConfChange),
    V2(ConfChangeV2),
}

pub fn conf_change_from_json(v: &Value, path: &str) -> Result<ProposedConfChange, DriverError> {
    let o = object(v, path)?;
    let context = opt_bytes(o, "context", path)?;
    match o.get("version").and_then(Value::as_u64) {
        Some(1) => {
            only(o, &["version", "id", "type", "node_id", "context"], path)?;
            let mut cc = ConfChange::default();
            cc.id = opt_u64(o, "id", path)?;
            let name = o.get("type").and_then(Value::as_str).ok_or_else(|| DriverError::invalid(format!("{path}.type is missing")))?;
            cc.set_change_type(rs_type_of_name(name, &format!("{path}.type"))?);
            cc.node_id = req_u64(o, "node_id", path)?;
            cc.context = context.into();
            Ok(ProposedConfChange::V1(cc))
        }
        Some(2) => {
            only(o, &["version", "transition", "changes", "context"], path)?;
            let mut cc = ConfChangeV2::default();
            let tr = match o.get("transition").and_then(Value::as_str).unwrap_or("auto") {
                "auto" => ConfChangeTransition::Auto,
                "implicit" => ConfChangeTransition::Implicit,
                "explicit" => ConfChangeTransition::Explicit,
                other => return Err(DriverError::invalid(format!("{path}.transition: unknown transition {other:?}"))),
            };
            cc.set_transition(tr);
            for (i, c) in array(o, "changes", path)?.iter().enumerate() {
                let p = format!("{path}.changes[{i}]");
                let co = object(c, &p)?;
                only(co, &["type", "node_id"], &p)?;
                let name = co.get("type").and_then(Value::as_str).ok_or_else(|| DriverError::invalid(format!("{p}.type is missing")))?;
                let mut single = ConfChangeSingle::default();
                single.set_change_type(rs_type_of_name(name, &format!("{p}.type"))?);
                single.node_id = req_u64(co, "node_id", &p)?;
                cc.mut_changes().push(single);
            }
            cc.context = context.into();
            Ok(ProposedConfChange::V2(cc))
        }
        _ => Err(DriverError::invalid(format!("{path}.version must be 1 or 2"))),
    }
}

// ---- configuration states, snapshots, hard state -------------------------------------------------

pub fn conf_state_to_json(c: &ConfState) -> Value {
    json!({
        "voters": ids(&sorted(c.get_voters())), "learners": ids(&sorted(c.get_learners())),
        "voters_outgoing": ids(&sorted(c.get_voters_outgoing())), "learners_next": ids(&sorted(c.get_learners_next())),
        "auto_leave": c.auto_leave,
    })
}

fn sorted(xs: &[u64]) -> Vec<u64> {
    let mut v = xs.to_vec();
    v.sort_unstable();
    v
}

pub fn conf_state_from_json(v: &Value, path: &str) -> Result<ConfState, DriverError> {
    let o = object(v, path)?;
    only(o, &["voters", "learners", "voters_outgoing", "learners_next", "auto_leave"], path)?;
    let mut c = ConfState::default();
    c.voters = ids_from(o, "voters", path)?;
    c.learners = ids_from(o, "learners", path)?;
    c.voters_outgoing = ids_from(o, "voters_outgoing", path)?;
    c.learners_next = ids_from(o, "learners_next", path)?;
    c.auto_leave = opt_bool(o, "auto_leave", path)?;
    Ok(c)
}

pub fn snapshot_is_empty(s: &Snapshot) -> bool {
    s.get_metadata().index == 0
}

pub fn snapshot_to_json(snap: &Snapshot) -> Value {
    let m = snap.get_metadata();
    json!({
        "data": b64::encode(snap.get_data()),
        "metadata": {"conf_state": conf_state_to_json(m.get_conf_state()), "index": s(m.index), "term": s(m.term)},
    })
}

pub fn snapshot_from_json(v: &Value, path: &str) -> Result<Snapshot, DriverError> {
    let o = object(v, path)?;
    only(o, &["data", "metadata"], path)?;
    let mp = format!("{path}.metadata");
    let mo = object(o.get("metadata").ok_or_else(|| DriverError::invalid(format!("{mp} is missing")))?, &mp)?;
    only(mo, &["conf_state", "index", "term"], &mp)?;
    let mut meta = SnapshotMetadata::default();
    meta.index = req_u64(mo, "index", &mp)?;
    meta.term = req_u64(mo, "term", &mp)?;
    let cs = mo.get("conf_state").ok_or_else(|| DriverError::invalid(format!("{mp}.conf_state is missing")))?;
    meta.set_conf_state(conf_state_from_json(cs, &format!("{mp}.conf_state"))?);
    let mut snap = Snapshot::default();
    snap.data = opt_bytes(o, "data", path)?.into();
    snap.set_metadata(meta);
    Ok(snap)
}

pub fn hard_state_to_json(h: &HardState) -> Value {
    json!({"term": s(h.term), "vote": s(h.vote), "commit": s(h.commit)})
}

pub fn hard_state_from_json(v: &Value, path: &str) -> Result<HardState, DriverError> {
    let o = object(v, path)?;
    only(o, &["term", "vote", "commit"], path)?;
    let mut h = HardState::default();
    h.term = req_u64(o, "term", path)?;
    h.vote = req_u64(o, "vote", path)?;
    h.commit = req_u64(o, "commit", path)?;
    Ok(h)
}

// ---- messages -------------------------------------------------------------------------------

/// raft-rs's message types by etcd's names (the numbering is etcd's, too).
const MSG_TYPES: [(&str, MessageType); 19] = [
    ("MsgHup", MessageType::MsgHup),
    ("MsgBeat", MessageType::MsgBeat),
    ("MsgProp", MessageType::MsgPropose),
    ("MsgApp", MessageType::MsgAppend),
    ("MsgAppResp", MessageType::MsgAppendResponse),
    ("MsgVote", MessageType::MsgRequestVote),
    ("MsgVoteResp", MessageType::MsgRequestVoteResponse),
    ("MsgSnap", MessageType::MsgSnapshot),
    ("MsgHeartbeat", MessageType::MsgHeartbeat),
    ("MsgHeartbeatResp", MessageType::MsgHeartbeatResponse),
    ("MsgUnreachable", MessageType::MsgUnreachable),
    ("MsgSnapStatus", MessageType::MsgSnapStatus),
    ("MsgCheckQuorum", MessageType::MsgCheckQuorum),
    ("MsgTransferLeader", MessageType::MsgTransferLeader),
    ("MsgTimeoutNow", MessageType::MsgTimeoutNow),
    ("MsgReadIndex", MessageType::MsgReadIndex),
    ("MsgReadIndexResp", MessageType::MsgReadIndexResp),
    ("MsgPreVote", MessageType::MsgRequestPreVote),
    ("MsgPreVoteResp", MessageType::MsgRequestPreVoteResponse),
];

/// The message as the protocol carries it. raft-rs's `commit_term`, `request_snapshot` and
/// `priority` fields have no protocol counterpart; the driver keeps them aside (commands.rs).
pub fn message_to_json(m: &Message) -> Value {
    let name = MSG_TYPES.iter().find(|(_, t)| *t == m.get_msg_type()).map_or("MsgHup", |(n, _)| n);
    let mut o = json!({
        "type": name, "to": s(m.to), "from": s(m.from), "term": s(m.term), "log_term": s(m.log_term),
        "index": s(m.index), "entries": entries_to_json(m.get_entries()), "commit": s(m.commit), "vote": "0",
        "reject": m.reject, "reject_hint": s(m.reject_hint), "context": b64::encode(m.get_context()), "responses": [],
    });
    if m.has_snapshot() && !snapshot_is_empty(m.get_snapshot()) {
        o["snapshot"] = snapshot_to_json(m.get_snapshot());
    }
    o
}

pub fn message_from_json(v: &Value, path: &str) -> Result<Message, DriverError> {
    let o = object(v, path)?;
    only(
        o,
        &["type", "to", "from", "term", "log_term", "index", "entries", "commit", "vote", "snapshot", "reject", "reject_hint", "context", "responses"],
        path,
    )?;
    let name = o.get("type").and_then(Value::as_str).ok_or_else(|| DriverError::invalid(format!("{path}.type is missing")))?;
    let t = MSG_TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).ok_or_else(|| {
        DriverError::unsupported(None, format!("{path}.type: raft-rs 0.7 has no message type {name} (etcd's async storage and ForgetLeader messages)"))
    })?;
    if opt_u64(o, "vote", path)? != 0 || !array(o, "responses", path)?.is_empty() {
        return Err(DriverError::unsupported(None, format!("{path}: raft-rs 0.7 messages have no vote or responses fields")));
    }
    let mut m = Message::default();
    m.set_msg_type(t);
    m.to = req_u64(o, "to", path)?;
    m.from = req_u64(o, "from", path)?;
    m.term = opt_u64(o, "term", path)?;
    m.log_term = opt_u64(o, "log_term", path)?;
    m.index = opt_u64(o, "index", path)?;
    m.set_entries(entries_from_json(o, "entries", path)?.into());
    m.commit = opt_u64(o, "commit", path)?;
    if let Some(sv) = o.get("snapshot") {
        m.set_snapshot(snapshot_from_json(sv, &format!("{path}.snapshot"))?);
    }
    m.reject = opt_bool(o, "reject", path)?;
    m.reject_hint = opt_u64(o, "reject_hint", path)?;
    m.context = opt_bytes(o, "context", path)?.into();
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1(t: ConfChangeType, node: u64, ctx: &[u8]) -> Vec<u8> {
        let mut cc = ConfChange::default();
        cc.set_change_type(t);
        cc.node_id = node;
        cc.context = ctx.to_vec().into();
        cc.write_to_bytes().unwrap()
    }

    #[test]
    fn a_v1_learner_addition_reads_as_etcds_add_learner_node() {
        // etcd: Type(2)=3 (AddLearnerNode), NodeID(3)=3, ID(1)=0; the harness's encoder's order.
        let etcd = rs_conf_change_to_etcd(EntryType::EntryConfChange, &v1(ConfChangeType::AddLearnerNode, 3, b"")).unwrap();
        assert_eq!(etcd, vec![0x10, 3, 0x18, 3, 0x08, 0]);
        let back = etcd_conf_change_to_rs(EntryType::EntryConfChange, &etcd, "e").unwrap();
        assert_eq!(back, v1(ConfChangeType::AddLearnerNode, 3, b""));
    }

    #[test]
    fn a_v2_change_round_trips_with_its_transition_and_context() {
        let mut cc = ConfChangeV2::default();
        cc.set_transition(ConfChangeTransition::Explicit);
        for (t, n) in [(ConfChangeType::AddNode, 4), (ConfChangeType::RemoveNode, 1), (ConfChangeType::AddLearnerNode, 5)] {
            let mut s = ConfChangeSingle::default();
            s.set_change_type(t);
            s.node_id = n;
            cc.mut_changes().push(s);
        }
        cc.context = b"ctx".to_vec().into();
        let rs = cc.write_to_bytes().unwrap();
        let etcd = rs_conf_change_to_etcd(EntryType::EntryConfChangeV2, &rs).unwrap();
        // transition 2; changes: (AddNode omitted) node 4; type 1 node 1; type 3 node 5; context.
        assert_eq!(etcd, vec![0x08, 2, 0x12, 2, 0x10, 4, 0x12, 4, 0x08, 1, 0x10, 1, 0x12, 4, 0x08, 3, 0x10, 5, 0x1a, 3, b'c', b't', b'x']);
        assert_eq!(etcd_conf_change_to_rs(EntryType::EntryConfChangeV2, &etcd, "e").unwrap(), rs);
    }

    #[test]
    fn the_empty_leave_joint_change_stays_empty() {
        assert_eq!(rs_conf_change_to_etcd(EntryType::EntryConfChangeV2, &[]).unwrap(), Vec::<u8>::new());
        assert!(etcd_conf_change_to_rs(EntryType::EntryConfChangeV2, &[], "e").unwrap().is_empty());
    }

    #[test]
    fn etcds_update_node_is_unsupported() {
        let err = etcd_conf_change_to_rs(EntryType::EntryConfChange, &[0x10, 2, 0x18, 3], "e").unwrap_err();
        assert_eq!(err.code, "unsupported");
        assert_eq!(rs_type_of_name("ConfChangeUpdateNode", "t").unwrap_err().code, "unsupported");
    }

    #[test]
    fn a_message_survives_the_wire_form() {
        let mut m = Message::default();
        m.set_msg_type(MessageType::MsgAppend);
        m.to = 2;
        m.from = 1;
        m.term = 3;
        m.log_term = 2;
        m.index = 7;
        m.commit = 6;
        let mut e = Entry::default();
        e.term = 3;
        e.index = 8;
        e.data = b"x".to_vec().into();
        m.set_entries(vec![e].into());
        let back = message_from_json(&message_to_json(&m), "msg").unwrap();
        assert_eq!(back, m);
    }
}

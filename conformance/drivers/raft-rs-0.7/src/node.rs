//! One raft-rs RawNode over our Store, with the protocol's Ready cycle mapped onto raft-rs's
//! asynchronous-persistence API, and deterministic randomized election timeouts.
//!
//! Ready cycle. The protocol lets the harness `step`, `tick`, `propose`… between a `ready` and
//! its `advance` (spec §6.1), while raft-rs's synchronous `advance` asserts that nothing changed
//! the node in between. raft-rs's own answer for inputs while a write is in flight is its async
//! API, which we use: `ready` takes `RawNode::ready()`, writes the Ready's snapshot, entries and
//! hard state into the Store (raft-rs reads them back from there once handed over, as TiKV's entry
//! cache does) and calls `advance_append_async` (the Ready is handed over, not yet persisted).
//! `advance` means the harness made that write durable: `on_persist_ready(number)`, then the
//! committed entries are applied (conf changes through `apply_conf_change`) and
//! `advance_apply_to` is called. What raft-rs produces after persistence (the leader's commit
//! broadcast, newly committable entries) comes out in the next `ready`, where the synchronous
//! API would have returned it as a `LightReady`.
//!
//! Election timeouts. raft-rs draws each randomized election timeout from `thread_rng` inside
//! `reset()` (on every become_follower/candidate/leader). After every call into the node the
//! driver sees whether a reset happened (the term changed, or the role changed to anything but
//! pre-candidate — becoming a pre-candidate is the one transition without a reset) and then
//! replaces the draw by one from the node's seeded generator, from raft-rs's own range
//! [election_tick, 2 * election_tick), through raft-rs's `set_randomized_election_timeout`.

use raft::eraftpb::{ConfChange, ConfChangeV2, ConfState, Entry, EntryType, HardState, Message, Snapshot};
use raft::{Config, RawNode, ReadOnlyOption, StateRole};
use serde_json::{json, Map, Value};

use crate::convert::{self, snapshot_is_empty};
use crate::errors::DriverError;
use crate::rng::SplitMix64;
use crate::store::Store;

/// The node configuration the protocol sends (etcd's raft.Config without storage).
pub struct NodeConfig {
    pub election_tick: usize,
    pub heartbeat_tick: usize,
    pub applied: u64,
    pub max_size_per_msg: u64,
    pub max_committed_size_per_ready: u64,
    pub max_uncommitted_entries_size: u64,
    pub max_inflight_msgs: usize,
    pub max_inflight_bytes: u64,
    pub check_quorum: bool,
    pub pre_vote: bool,
    pub lease_based: bool,
    pub disable_proposal_forwarding: bool,
    pub disable_conf_change_validation: bool,
    pub step_down_on_removal: bool,
    pub async_storage_writes: bool,
    pub seed: u64,
}

const NO_LIMIT: u64 = u64::MAX;

impl NodeConfig {
    /// raft-rs's Config for this node, or why raft-rs cannot honour the configuration.
    fn to_raft(&self, id: u64) -> Result<Config, DriverError> {
        let unsupported = |feature: &'static str, what: &str| Err(DriverError::unsupported(Some(feature), format!("raft-rs 0.7 has no {what}")));
        if self.async_storage_writes {
            return unsupported("async_storage_writes", "etcd-style asynchronous storage writes (MsgStorageAppend/MsgStorageApply)");
        }
        if self.step_down_on_removal {
            return unsupported("step_down_on_removal", "StepDownOnRemoval (a removed leader keeps leading)");
        }
        if self.disable_conf_change_validation {
            return unsupported("disable_conf_change_validation", "DisableConfChangeValidation");
        }
        if self.disable_proposal_forwarding {
            return unsupported("disable_proposal_forwarding", "DisableProposalForwarding");
        }
        if self.max_inflight_bytes != 0 && self.max_inflight_bytes != NO_LIMIT {
            return unsupported("flow_control", "MaxInflightBytes (flow control counts messages only)");
        }
        // etcd's zero values: no uncommitted limit; committed entries per Ready limited like a message.
        let max_uncommitted = if self.max_uncommitted_entries_size == 0 { NO_LIMIT } else { self.max_uncommitted_entries_size };
        let max_committed = if self.max_committed_size_per_ready == 0 { self.max_size_per_msg } else { self.max_committed_size_per_ready };
        if max_uncommitted < self.max_size_per_msg {
            return Err(DriverError::unsupported(
                Some("uncommitted_size_limit"),
                format!(
                    "raft-rs 0.7 refuses max_uncommitted_size {} below max_size_per_msg {} (Config::validate); etcd has no such rule",
                    max_uncommitted, self.max_size_per_msg
                ),
            ));
        }
        let cfg = Config {
            id,
            election_tick: self.election_tick,
            heartbeat_tick: self.heartbeat_tick,
            applied: self.applied,
            max_size_per_msg: self.max_size_per_msg,
            max_inflight_msgs: self.max_inflight_msgs,
            check_quorum: self.check_quorum,
            pre_vote: self.pre_vote,
            read_only_option: if self.lease_based { ReadOnlyOption::LeaseBased } else { ReadOnlyOption::Safe },
            max_uncommitted_size: max_uncommitted,
            max_committed_size_per_ready: max_committed,
            ..Config::default()
        };
        cfg.validate().map_err(|e| DriverError::invalid(format!("config: {e}")))?;
        Ok(cfg)
    }
}

struct Pending {
    number: u64,
    committed: Vec<Entry>,
    /// The index the node has applied once this Ready's work is done (last committed entry or
    /// snapshot), as raft-rs's own `advance` computes it.
    apply_to: u64,
}

pub struct Node {
    rn: RawNode<Store>,
    rng: SplitMix64,
    pending: Option<Pending>,
    election_tick: usize,
}

impl Node {
    pub fn new(id: u64, cfg: &NodeConfig, store: Store, logger: &slog::Logger) -> Result<Node, DriverError> {
        let rc = cfg.to_raft(id)?;
        let rn = RawNode::new(&rc, store, logger).map_err(|e| DriverError::invalid(format!("config: {e}")))?;
        let mut n = Node { rn, rng: SplitMix64::new(cfg.seed), pending: None, election_tick: cfg.election_tick };
        n.redraw_election_timeout();
        Ok(n)
    }

    fn redraw_election_timeout(&mut self) {
        let t = self.rng.range(self.election_tick, 2 * self.election_tick);
        self.rn.raft.set_randomized_election_timeout(t);
    }

    /// Runs one input on the raft node and redraws the election timeout if raft-rs reset it.
    pub fn call<R>(&mut self, f: impl FnOnce(&mut RawNode<Store>) -> R) -> R {
        let (term, role) = (self.rn.raft.term, self.rn.raft.state);
        let r = f(&mut self.rn);
        let (term2, role2) = (self.rn.raft.term, self.rn.raft.state);
        if term2 != term || (role2 != role && role2 != StateRole::PreCandidate) {
            self.redraw_election_timeout();
        }
        r
    }

    /// `set_randomized_election_timeout`: raft-rs accepts values in [election_tick, 2*election_tick).
    pub fn pin_election_timeout(&mut self, ticks: usize) -> Result<(), DriverError> {
        let (lo, hi) = (self.election_tick, 2 * self.election_tick);
        if ticks < lo || ticks >= hi {
            return Err(DriverError::unsupported(
                Some("pin_election_timeout"),
                format!("raft-rs 0.7 takes randomized election timeouts in [{lo}, {hi}) (election_tick {lo}); {ticks} is outside"),
            ));
        }
        self.rn.raft.set_randomized_election_timeout(ticks);
        Ok(())
    }

    /// The Ready in the protocol's shape, and its messages as raft-rs made them.
    pub fn ready(&mut self) -> Result<(Value, Vec<Message>), DriverError> {
        if self.pending.is_some() {
            return Err(DriverError::invalid("ready before the previous Ready was advanced"));
        }
        if !self.rn.has_ready() {
            return Ok((json!({ "ready": null }), Vec::new()));
        }
        let mut rd = self.call(|rn| rn.ready());
        let mut out = Map::new();
        if let Some(ss) = rd.ss() {
            out.insert("soft_state".into(), json!({"lead": ss.leader_id.to_string(), "raft_state": role_name(ss.raft_state)}));
        }
        let hs: Option<HardState> = rd.hs().cloned();
        if let Some(h) = &hs {
            out.insert("hard_state".into(), convert::hard_state_to_json(h));
        }
        let read_states: Vec<Value> = rd
            .take_read_states()
            .iter()
            .map(|r| json!({"index": r.index.to_string(), "request_ctx": crate::b64::encode(&r.request_ctx)}))
            .collect();
        out.insert("read_states".into(), Value::Array(read_states));
        let entries = rd.take_entries();
        out.insert("entries".into(), convert::entries_to_json(&entries));
        let snapshot: Snapshot = rd.snapshot().clone();
        if !snapshot_is_empty(&snapshot) {
            out.insert("snapshot".into(), convert::snapshot_to_json(&snapshot));
        }
        let committed = rd.take_committed_entries();
        out.insert("committed_entries".into(), convert::entries_to_json(&committed));
        // A leader's messages may go before the write (`messages`), anyone else's after it
        // (`persisted_messages`); the harness sends nothing before the write is durable.
        let mut msgs = rd.take_messages();
        msgs.extend(rd.take_persisted_messages());
        out.insert("messages".into(), Value::Array(msgs.iter().map(convert::message_to_json).collect()));
        out.insert("must_sync".into(), json!(rd.must_sync()));

        // Hand the write over: into the Store now, persisted when the harness says `advance`.
        let store = self.rn.mut_store();
        let mut apply_to = committed.last().map_or(0, |e| e.index);
        if !snapshot_is_empty(&snapshot) {
            apply_to = apply_to.max(snapshot.get_metadata().index);
            store.install(snapshot);
        }
        if let Some(h) = hs {
            store.set_hard_state(h);
        }
        store.append(&entries).map_err(|e| DriverError::internal(format!("raft-rs handed out entries our store cannot take: {e}"), None))?;
        let number = rd.number();
        self.call(|rn| rn.advance_append_async(rd));
        self.pending = Some(Pending { number, committed, apply_to });
        Ok((json!({ "ready": Value::Object(out) }), msgs))
    }

    /// The harness made the pending Ready durable: persist, apply, advance.
    pub fn advance(&mut self) -> Result<Value, DriverError> {
        let p = self.pending.take().ok_or_else(|| DriverError::invalid("advance without a Ready handed out by ready"))?;
        self.call(|rn| rn.on_persist_ready(p.number));
        let mut conf_states = Vec::new();
        for e in &p.committed {
            if let Some(cs) = self.apply(e)? {
                conf_states.push(json!({"index": e.index.to_string(), "conf_state": convert::conf_state_to_json(&cs)}));
            }
        }
        if p.apply_to > self.rn.raft.raft_log.applied {
            self.call(|rn| rn.advance_apply_to(p.apply_to));
        }
        Ok(json!({ "conf_states": conf_states }))
    }

    /// Applies one committed entry to the appender state machine; a conf change goes through
    /// raft-rs's `apply_conf_change` and its resulting ConfState is returned.
    fn apply(&mut self, e: &Entry) -> Result<Option<ConfState>, DriverError> {
        let (update, cs) = match e.get_entry_type() {
            EntryType::EntryNormal => (e.get_data().to_vec(), None),
            EntryType::EntryConfChange => {
                let cc: ConfChange = protobuf::Message::parse_from_bytes(e.get_data())
                    .map_err(|err| DriverError::internal(format!("entry {}: undecodable ConfChange: {err}", e.index), None))?;
                let cs = self.call(|rn| rn.apply_conf_change(&cc));
                (cc.context.to_vec(), Some(cs))
            }
            EntryType::EntryConfChangeV2 => {
                let cc: ConfChangeV2 = protobuf::Message::parse_from_bytes(e.get_data())
                    .map_err(|err| DriverError::internal(format!("entry {}: undecodable ConfChangeV2: {err}", e.index), None))?;
                let cs = self.call(|rn| rn.apply_conf_change(&cc));
                (cc.context.to_vec(), Some(cs))
            }
        };
        let cs = match cs {
            None => None,
            Some(Ok(cs)) => Some(cs),
            // raft-rs refuses a committed change it cannot apply (e.g. one that leaves no voter):
            // an outcome (spec/protocol.md §6.3), the harness halts the node. Anything else is ours.
            Some(Err(err @ raft::Error::ConfChangeError(_))) => {
                return Err(DriverError::rejected(&err)
                    .with_details(format!("apply_conf_change refused entry {}", e.index)));
            }
            Some(Err(err)) => {
                return Err(DriverError::internal(format!("apply_conf_change of entry {} failed: {err}", e.index), None));
            }
        };
        let state = self.rn.mut_store().state_mut();
        let mut data = state.get_data().to_vec();
        data.extend_from_slice(&update);
        state.data = data.into();
        let meta = state.mut_metadata();
        meta.index = e.index;
        meta.term = e.term;
        if let Some(c) = &cs {
            meta.set_conf_state(c.clone());
        }
        Ok(cs)
    }

    pub fn compact(&mut self, index: u64) -> Result<(), DriverError> {
        self.rn.mut_store().compact(index).map_err(DriverError::invalid)
    }

    pub fn status(&self) -> Value {
        let r = &self.rn.raft;
        let st = self.rn.status();
        let conf = r.prs().conf().to_conf_state();
        let mut progress = Map::new();
        if let Some(prs) = st.progress {
            let mut peers: Vec<_> = prs.iter().collect();
            peers.sort_by_key(|(id, _)| **id);
            for (id, pr) in peers {
                let paused = match pr.state {
                    raft::ProgressState::Probe => pr.paused,
                    raft::ProgressState::Replicate => pr.ins.full(),
                    raft::ProgressState::Snapshot => false,
                };
                progress.insert(
                    id.to_string(),
                    json!({
                        "match": pr.matched.to_string(), "next": pr.next_idx.to_string(),
                        "state": match pr.state {
                            raft::ProgressState::Probe => "StateProbe",
                            raft::ProgressState::Replicate => "StateReplicate",
                            raft::ProgressState::Snapshot => "StateSnapshot",
                        },
                        "pending_snapshot": pr.pending_snapshot.to_string(), "recent_active": pr.recent_active,
                        "msg_app_flow_paused": paused, "inflight_count": pr.ins.count(), "inflight_full": pr.ins.full(),
                        "is_learner": conf.get_learners().contains(id),
                    }),
                );
            }
        }
        json!({"status": {
            "id": st.id.to_string(),
            "hard_state": convert::hard_state_to_json(&st.hs),
            "soft_state": {"lead": st.ss.leader_id.to_string(), "raft_state": role_name(st.ss.raft_state)},
            "applied": st.applied.to_string(),
            "lead_transferee": r.lead_transferee.unwrap_or(0).to_string(),
            "config": convert::conf_state_to_json(&conf),
            "progress": Value::Object(progress),
        }})
    }
}

fn role_name(r: StateRole) -> &'static str {
    match r {
        StateRole::Follower => "StateFollower",
        StateRole::Candidate => "StateCandidate",
        StateRole::Leader => "StateLeader",
        StateRole::PreCandidate => "StatePreCandidate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::eraftpb::MessageType;

    fn config(seed: u64) -> NodeConfig {
        NodeConfig {
            election_tick: 10, heartbeat_tick: 1, applied: 2, max_size_per_msg: NO_LIMIT, max_committed_size_per_ready: 0,
            max_uncommitted_entries_size: 0, max_inflight_msgs: 256, max_inflight_bytes: 0, check_quorum: false,
            pre_vote: false, lease_based: false, disable_proposal_forwarding: false, disable_conf_change_validation: false,
            step_down_on_removal: false, async_storage_writes: false, seed,
        }
    }

    fn node(id: u64, seed: u64) -> Node {
        let mut snap = Snapshot::default();
        snap.mut_metadata().index = 2;
        snap.mut_metadata().term = 1;
        snap.mut_metadata().mut_conf_state().voters = vec![1, 2];
        let mut hs = HardState::default();
        hs.commit = 2;
        let store = Store::new(Some(snap), hs, Vec::new()).unwrap();
        Node::new(id, &config(seed), store, &slog::Logger::root(slog::Discard, slog::o!())).unwrap()
    }

    fn msg(t: MessageType, term: u64, index: u64, commit: u64, ents: Vec<Entry>) -> Message {
        let mut m = Message::default();
        m.set_msg_type(t);
        m.from = 1;
        m.to = 2;
        m.term = term;
        m.log_term = 1;
        m.index = index;
        m.commit = commit;
        m.set_entries(ents.into());
        m
    }

    #[test]
    fn a_follower_takes_messages_between_ready_and_advance() {
        let mut n = node(2, 1);
        let mut e = Entry::default();
        e.term = 1;
        e.index = 3;
        n.call(|rn| rn.step(msg(MessageType::MsgAppend, 1, 2, 2, vec![e]))).unwrap();
        let (rd, msgs) = n.ready().unwrap();
        assert_eq!(rd["ready"]["entries"].as_array().unwrap().len(), 1);
        assert_eq!(msgs.len(), 1);
        // raft-rs's synchronous advance would panic here ("not leader but has new msg after advance").
        n.call(|rn| rn.step(msg(MessageType::MsgHeartbeat, 1, 0, 3, Vec::new()))).unwrap();
        n.call(|rn| rn.tick());
        n.advance().unwrap();
        let (rd, msgs) = n.ready().unwrap();
        assert_eq!(msgs[0].get_msg_type(), MessageType::MsgHeartbeatResponse);
        assert_eq!(rd["ready"]["committed_entries"][0]["index"], "3");
        n.advance().unwrap();
        assert_eq!(n.rn.raft.raft_log.applied, 3);
    }

    #[test]
    fn election_timeouts_come_from_the_seed_within_raft_rs_range() {
        let draws = |seed| {
            let mut n = node(1, seed);
            let mut out = vec![n.rn.raft.randomized_election_timeout()];
            for term in 1..20 {
                n.call(|rn| rn.raft.become_follower(term, 0));
                out.push(n.rn.raft.randomized_election_timeout());
            }
            out
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        assert!(draws(7).iter().all(|t| (10..20).contains(t)));
    }

    #[test]
    fn a_pin_outside_raft_rs_range_is_unsupported() {
        let mut n = node(1, 1);
        assert_eq!(n.pin_election_timeout(3).unwrap_err().code, "unsupported");
        assert_eq!(n.pin_election_timeout(20).unwrap_err().code, "unsupported");
        n.pin_election_timeout(12).unwrap();
        assert_eq!(n.rn.raft.randomized_election_timeout(), 12);
    }

    #[test]
    fn a_committed_change_that_removes_all_voters_is_rejected() {
        use raft::eraftpb::ConfChangeType;
        let remove = |index: u64, node: u64| {
            let mut cc = ConfChange::default();
            cc.set_change_type(ConfChangeType::RemoveNode);
            cc.node_id = node;
            let mut e = Entry::default();
            e.set_entry_type(EntryType::EntryConfChange);
            e.term = 1;
            e.index = index;
            e.data = protobuf::Message::write_to_bytes(&cc).unwrap().into();
            e
        };
        let mut n = node(2, 1);
        n.call(|rn| rn.step(msg(MessageType::MsgAppend, 1, 2, 4, vec![remove(3, 1), remove(4, 2)]))).unwrap();
        let mut refusal = None;
        for _ in 0..3 {
            n.ready().unwrap();
            if let Err(e) = n.advance() {
                refusal = Some(e);
                break;
            }
        }
        let e = refusal.expect("raft-rs applied a change that leaves no voter");
        assert_eq!((e.code, e.message.as_str()), ("rejected", "removed all voters"));
        assert_eq!(e.details.as_deref(), Some("apply_conf_change refused entry 4"));
    }
}

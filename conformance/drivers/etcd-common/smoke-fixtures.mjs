// What the etcd drivers' hand-written protocol checks (etcd-raft-3.4/smoke.mjs, batch-smoke.mjs)
// start from: a node config with every field, and the durable state of a three-node cluster
// bootstrapped from a snapshot at index 2.
export const config = {
  election_tick: 10, heartbeat_tick: 1, applied: "2", max_size_per_msg: "18446744073709551615",
  max_committed_size_per_ready: "0", max_uncommitted_entries_size: "0", max_inflight_msgs: 256,
  max_inflight_bytes: "0", check_quorum: false, pre_vote: false, read_only_option: "safe",
  disable_proposal_forwarding: false, disable_conf_change_validation: false, step_down_on_removal: false,
  async_storage_writes: false, seed: 1,
};
export const storage = {
  hard_state: { term: "0", vote: "0", commit: "2" },
  snapshot: { data: "", metadata: { conf_state: { voters: ["1", "2", "3"] }, index: "2", term: "1" } },
  entries: [],
};

// Node configuration: etcd's interaction-env stub as defaults, overridden by the trace's
// `defaults`, then add-nodes' / restart's `config`.
import type { NodeConfig } from "../driver/types.js";
import type { NodeConfigYaml } from "../trace/types.js";

/** etcd's raftConfigStub: small ticks and no limits (MaxUint64 / MaxInt32 as the largest values we carry). */
export const BASE_CONFIG: Omit<NodeConfig, "seed" | "applied"> = {
  electionTick: 3,
  heartbeatTick: 1,
  maxSizePerMsg: Number.MAX_SAFE_INTEGER,
  maxCommittedSizePerReady: 0,
  maxUncommittedEntriesSize: 0,
  maxInflightMsgs: 2147483647,
  maxInflightBytes: 0,
  checkQuorum: false,
  preVote: false,
  readOnlyOption: "safe",
  disableProposalForwarding: false,
  disableConfChangeValidation: false,
  stepDownOnRemoval: false,
  asyncStorageWrites: false,
};

export type BaseConfig = Omit<NodeConfig, "seed" | "applied">;

export function applyYamlConfig(base: BaseConfig, y: NodeConfigYaml | undefined): BaseConfig {
  if (y === undefined) return base;
  return {
    electionTick: y.election_tick ?? base.electionTick,
    heartbeatTick: y.heartbeat_tick ?? base.heartbeatTick,
    maxSizePerMsg: y.max_size_per_msg ?? base.maxSizePerMsg,
    maxCommittedSizePerReady: y.max_committed_size_per_ready ?? base.maxCommittedSizePerReady,
    maxUncommittedEntriesSize: y.max_uncommitted_entries_size ?? base.maxUncommittedEntriesSize,
    maxInflightMsgs: y.max_inflight_msgs ?? base.maxInflightMsgs,
    maxInflightBytes: y.max_inflight_bytes ?? base.maxInflightBytes,
    checkQuorum: y.check_quorum ?? base.checkQuorum,
    preVote: y.pre_vote ?? base.preVote,
    readOnlyOption: y.read_only_option === undefined ? base.readOnlyOption : y.read_only_option === "safe" ? "safe" : "leaseBased",
    disableProposalForwarding: y.disable_proposal_forwarding ?? base.disableProposalForwarding,
    disableConfChangeValidation: y.disable_conf_change_validation ?? base.disableConfChangeValidation,
    stepDownOnRemoval: y.step_down_on_removal ?? base.stepDownOnRemoval,
    asyncStorageWrites: y.async_storage_writes ?? base.asyncStorageWrites,
  };
}

// Config validation and defaults (etcd's Config.validate).
//
// An explicitly given value means exactly what it means in etcd, including 0. An absent value takes
// etcd's zero-value meaning, with two exceptions that would otherwise make the field mandatory:
// maxSizePerMsg defaults to no limit (etcd's 0 means one entry per message and, through
// maxCommittedSizePerReady, makes applying impossible) and maxInflightMsgs defaults to 256 (etcd
// rejects 0), the values etcd's own tests use.

import { Rand } from "../rand.js";
import { NO_LIMIT } from "../util.js";
import type { Config, Index, NodeId, ReadOnlyOption } from "../types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, NONE } from "../types.js";

export const DEFAULT_MAX_INFLIGHT_MSGS = 256;

export interface ResolvedConfig {
  readonly id: NodeId;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly applied: Index;
  readonly maxSizePerMsg: number;
  readonly maxCommittedSizePerReady: number;
  readonly maxUncommittedEntriesSize: number;
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  readonly disableProposalForwarding: boolean;
  readonly disableConfChangeValidation: boolean;
  readonly stepDownOnRemoval: boolean;
  readonly asyncStorageWrites: boolean;
  readonly randomizedElectionTimeout: (electionTick: number) => number;
}

/** Checks the config and fills in defaults; throws an Error naming the first problem. */
export function resolveConfig(c: Config): ResolvedConfig {
  if (c.id === NONE) throw new Error("cannot use none as id");
  if (c.id === LOCAL_APPEND_THREAD || c.id === LOCAL_APPLY_THREAD) {
    throw new Error("cannot use local target as id");
  }
  if (!(c.heartbeatTick > 0)) throw new Error("heartbeat tick must be greater than 0");
  if (!(c.electionTick > c.heartbeatTick)) {
    throw new Error("election tick must be greater than heartbeat tick");
  }
  const maxSizePerMsg = c.maxSizePerMsg ?? NO_LIMIT;
  const maxUncommittedEntriesSize =
    c.maxUncommittedEntriesSize === undefined || c.maxUncommittedEntriesSize === 0
      ? NO_LIMIT
      : c.maxUncommittedEntriesSize;
  const maxCommittedSizePerReady =
    c.maxCommittedSizePerReady === undefined || c.maxCommittedSizePerReady === 0
      ? maxSizePerMsg
      : c.maxCommittedSizePerReady;
  const maxInflightMsgs = c.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS;
  if (!(maxInflightMsgs > 0)) throw new Error("max inflight messages must be greater than 0");
  let maxInflightBytes = c.maxInflightBytes ?? 0;
  if (maxInflightBytes === 0) maxInflightBytes = NO_LIMIT;
  else if (maxInflightBytes < maxSizePerMsg) {
    throw new Error("max inflight bytes must be >= max message size");
  }
  const readOnlyOption = c.readOnlyOption ?? "safe";
  const checkQuorum = c.checkQuorum ?? false;
  if (readOnlyOption === "leaseBased" && !checkQuorum) {
    throw new Error("CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
  }
  return {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    applied: c.applied ?? 0,
    maxSizePerMsg,
    maxCommittedSizePerReady,
    maxUncommittedEntriesSize,
    maxInflightMsgs,
    maxInflightBytes,
    checkQuorum,
    preVote: c.preVote ?? false,
    readOnlyOption,
    disableProposalForwarding: c.disableProposalForwarding ?? false,
    disableConfChangeValidation: c.disableConfChangeValidation ?? false,
    stepDownOnRemoval: c.stepDownOnRemoval ?? false,
    asyncStorageWrites: c.asyncStorageWrites ?? false,
    randomizedElectionTimeout: c.randomizedElectionTimeout ?? seededElectionTimeout(c.id),
  };
}

/** [electionTick, 2*electionTick) from the core's own PRNG, seeded from the node id. */
function seededElectionTimeout(id: NodeId): (electionTick: number) => number {
  const rand = new Rand(id);
  return (electionTick) => electionTick + rand.nextInt(electionTick);
}

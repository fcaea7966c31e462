// Joint consensus: two majority configs that must both agree (Raft thesis §4.3, C_old,new).

import type { Index, NodeId } from "../types.js";
import { MajorityConfig } from "./majority.js";
import type { AckedIndexer, VoteResult, Votes } from "./types.js";

/**
 * etcd's quorum.JointConfig, indexable like etcd's [2]MajorityConfig: [0] is the incoming config,
 * [1] the outgoing one, empty unless a joint transition is under way.
 */
export class JointConfig {
  readonly 0: MajorityConfig;
  readonly 1: MajorityConfig;

  constructor(incoming: Iterable<NodeId> = [], outgoing: Iterable<NodeId> = []) {
    this[0] = new MajorityConfig(incoming);
    this[1] = new MajorityConfig(outgoing);
  }

  get incoming(): MajorityConfig {
    return this[0];
  }

  get outgoing(): MajorityConfig {
    return this[1];
  }

  /** A copy sharing no sets with this one. */
  clone(): JointConfig {
    return new JointConfig(this[0], this[1]);
  }

  /** Every voter of either half. */
  ids(): Set<NodeId> {
    return new Set([...this[0], ...this[1]]);
  }

  /** An index is committed when both halves committed it; an empty half never holds it back. */
  committedIndex(acked: AckedIndexer): Index {
    return Math.min(this[0].committedIndex(acked), this[1].committedIndex(acked));
  }

  /** Won only if both halves won; lost as soon as either half lost. */
  voteResult(votes: Votes): VoteResult {
    const r0 = this[0].voteResult(votes);
    const r1 = this[1].voteResult(votes);
    if (r0 === r1) return r0;
    if (r0 === "VoteLost" || r1 === "VoteLost") return "VoteLost";
    return "VotePending";
  }

  /** etcd's String(): "(1 2 3)&&(1 2)", or just the incoming half when not joint. */
  toString(): string {
    return this[1].size > 0 ? `${this[0].toString()}&&${this[1].toString()}` : this[0].toString();
  }
}

// A set of voters deciding by simple majority (more than half of its members).

import { MAX_U53, type Index, type NodeId } from "../types.js";
import type { AckedIndexer, VoteResult, Votes } from "./types.js";

/**
 * etcd's quorum.MajorityConfig. A mutable Set of voter ids, so the conf-change code can edit a copy
 * in place; everything else treats it as read-only.
 */
export class MajorityConfig extends Set<NodeId> {
  /** Member ids in ascending order. */
  slice(): NodeId[] {
    return [...this].sort(compareIds);
  }

  /**
   * The highest index acknowledged by a majority. Voters nobody heard from count as having
   * acknowledged 0. An empty config returns MAX_U53 (etcd: MaxUint64, which a number cannot hold;
   * MAX_U53 is at least every index the core can represent), so that in a joint config whose
   * outgoing half is empty the min() is decided by the incoming half alone.
   */
  committedIndex(acked: AckedIndexer): Index {
    const n = this.size;
    if (n === 0) return MAX_U53;
    const indexes: Index[] = [];
    for (const id of this) indexes.push(acked.ackedIndex(id) ?? 0);
    indexes.sort(compareIds);
    // Sorted ascending, the value n/2+1 places from the right is held by a majority.
    return indexes[n - (Math.floor(n / 2) + 1)] ?? 0;
  }

  /**
   * Won once a majority granted, lost once a majority can no longer be reached, pending otherwise.
   * Votes from non-members are ignored. An empty config wins by convention, which makes a joint
   * config with an empty outgoing half behave like its incoming half.
   */
  voteResult(votes: Votes): VoteResult {
    if (this.size === 0) return "VoteWon";
    let granted = 0;
    let missing = 0;
    for (const id of this) {
      const v = votes.get(id);
      if (v === undefined) missing++;
      else if (v) granted++;
    }
    const quorum = Math.floor(this.size / 2) + 1;
    if (granted >= quorum) return "VoteWon";
    if (granted + missing >= quorum) return "VotePending";
    return "VoteLost";
  }

  /** etcd's String(): sorted ids in hexadecimal, e.g. "(1 2 a)". Used in log lines. */
  override toString(): string {
    return `(${this.slice().map((id) => id.toString(16)).join(" ")})`;
  }
}

/** Numeric ascending comparator (Array.prototype.sort compares strings by default). */
export function compareIds(a: number, b: number): number {
  return a - b;
}

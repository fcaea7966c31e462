// The leader's (and candidate's) book-keeping: configuration, per-peer progress and votes.

import type { ConfState, Index, NodeId } from "../types.js";
import { compareIds } from "../quorum/majority.js";
import type { AckedIndexer, VoteResult } from "../quorum/types.js";
import { TrackerConfig } from "./config.js";
import type { Progress, ProgressMap } from "./progress.js";

/** Result of counting the votes of an election. */
export interface VoteTally {
  /** Granted votes from current voters (informational). */
  readonly granted: number;
  /** Rejected votes from current voters (informational). */
  readonly rejected: number;
  readonly result: VoteResult;
}

/**
 * etcd's tracker.ProgressTracker: the active configuration, what is known about each peer in it,
 * and the votes of the current election. Committed indexes and election results follow from these.
 */
export class ProgressTracker {
  config = new TrackerConfig();
  progress: ProgressMap = new Map();
  votes = new Map<NodeId, boolean>();

  /**
   * @param maxInflight window size of each new peer's Inflights (etcd's MaxInflightMsgs).
   * @param maxInflightBytes byte limit of each new peer's Inflights; 0 = none.
   */
  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  /** The active configuration as a ConfState, every list sorted ascending. */
  confState(): ConfState {
    return {
      voters: this.config.voters[0].slice(),
      votersOutgoing: this.config.voters[1].slice(),
      learners: sorted(this.config.learners),
      learnersNext: sorted(this.config.learnersNext),
      autoLeave: this.config.autoLeave,
    };
  }

  /** Exactly one voter (this node) and no joint transition: the node can commit alone. */
  isSingleton(): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0;
  }

  /** The highest index the voters' match indexes show as committed. */
  committed(): Index {
    const acked: AckedIndexer = { ackedIndex: (id) => this.progress.get(id)?.match };
    return this.config.voters.committedIndex(acked);
  }

  /** Calls `f` for every tracked peer, in ascending id order (deterministic output). */
  visit(f: (id: NodeId, pr: Progress) => void): void {
    for (const id of sorted(this.progress.keys())) {
      const pr = this.progress.get(id);
      if (pr !== undefined) f(id, pr);
    }
  }

  /** Whether the voters recently heard from (recentActive) form a quorum (check-quorum). */
  quorumActive(): boolean {
    const votes = new Map<NodeId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    });
    return this.config.voters.voteResult(votes) === "VoteWon";
  }

  /** Voters of both halves, ascending. */
  voterNodes(): NodeId[] {
    return sorted(this.config.voters.ids());
  }

  /** Learners, ascending (learnersNext not included). */
  learnerNodes(): NodeId[] {
    return sorted(this.config.learners);
  }

  /** Starts a new election count. */
  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records `id`'s vote; only the first vote of each peer in an election counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /**
   * Counts the votes: granted and rejected among tracked voters (votes of peers no longer tracked
   * are left out of the numbers), and the outcome under the active configuration.
   */
  tallyVotes(): VoteTally {
    let granted = 0;
    let rejected = 0;
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      const v = this.votes.get(id);
      if (v === undefined) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: this.voteResult() };
  }

  /** The outcome of the recorded votes under the active configuration. */
  voteResult(): VoteResult {
    return this.config.voters.voteResult(this.votes);
  }
}

function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort(compareIds);
}

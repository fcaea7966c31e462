// The membership configuration a ProgressTracker enforces.

import type { NodeId } from "../types.js";
import { JointConfig } from "../quorum/joint.js";
import { MajorityConfig } from "../quorum/majority.js";

/**
 * etcd's tracker.Config.
 *
 * Invariant: no id is both a voter (in either half) and a learner. A voter being demoted while
 * still in the outgoing half therefore waits in learnersNext and becomes a learner only when the
 * joint config is left: e.g. demoting 3 from (1 2 3) gives voters (1 2)&&(1 2 3), learners {},
 * learnersNext {3}, then voters (1 2), learners {3}. A learner that is not an outgoing voter is
 * added to learners at once, so it starts catching up immediately.
 *
 * etcd distinguishes nil from empty maps here (nil outgoing half and nil learnersNext when not
 * joint); empty sets play that role in this port.
 */
export class TrackerConfig {
  constructor(
    readonly voters: JointConfig = new JointConfig(),
    /**
     * Joint config only: leave it automatically once possible (the leader proposes the empty
     * ConfChangeV2), rather than waiting for the application to.
     */
    public autoLeave = false,
    readonly learners: Set<NodeId> = new Set(),
    readonly learnersNext: Set<NodeId> = new Set(),
  ) {}

  /** A copy sharing no sets with this one. */
  clone(): TrackerConfig {
    return new TrackerConfig(
      this.voters.clone(),
      this.autoLeave,
      new Set(this.learners),
      new Set(this.learnersNext),
    );
  }

  /** etcd's String(), e.g. "voters=(1 2)&&(1 2 3) learners_next=(3) autoleave" (ids in hex). */
  toString(): string {
    let s = `voters=${this.voters.toString()}`;
    if (this.learners.size > 0) s += ` learners=${new MajorityConfig(this.learners).toString()}`;
    if (this.learnersNext.size > 0) {
      s += ` learners_next=${new MajorityConfig(this.learnersNext).toString()}`;
    }
    if (this.autoLeave) s += " autoleave";
    return s;
  }
}

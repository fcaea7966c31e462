// What the leader knows about one follower's log, and how it is sending to it.

import type { Index, NodeId, ProgressStateType } from "../types.js";
import { compareIds } from "../quorum/majority.js";
import { Inflights } from "./inflights.js";

export type { ProgressStateType } from "../types.js";

/** Fields of a new Progress; the rest start at etcd's zero values (StateProbe, nothing pending). */
export interface ProgressInit {
  readonly match?: Index;
  readonly next: Index;
  readonly inflights: Inflights;
  readonly isLearner?: boolean;
  readonly recentActive?: boolean;
}

/**
 * etcd's tracker.Progress: the leader's view of one follower (Raft paper's matchIndex/nextIndex,
 * plus etcd's flow control). Its transitions are driven from the leader's step functions.
 *
 * Invariant: 0 <= match < next. In StateSnapshot, next = pendingSnapshot + 1.
 */
export class Progress {
  /** Highest index known to be replicated on the follower. */
  match: Index;
  /** Next index to send; (match, next) is in flight. */
  next: Index;
  /**
   * Highest commit index sent to the follower. Mostly increasing, but it regresses with next on a
   * probe or a rejection. In StateSnapshot it equals pendingSnapshot. (etcd's private sentCommit;
   * set it through sentCommit().)
   */
  sentCommitIndex: Index = 0;
  state: ProgressStateType = "StateProbe";
  /**
   * In StateSnapshot: the leader's last index when it decided a snapshot was needed (the index of
   * the MsgSnap it sent). 0 otherwise.
   */
  pendingSnapshot: Index = 0;
  /** Heard from since the last check-quorum round. Always true for the leader itself. */
  recentActive: boolean;
  /**
   * Appends are throttled: in StateProbe after a probe was sent, in StateReplicate while the
   * inflights window is full. Cleared by a heartbeat response or an acknowledgement.
   */
  msgAppFlowPaused = false;
  inflights: Inflights;
  isLearner: boolean;

  constructor(init: ProgressInit) {
    this.match = init.match ?? 0;
    this.next = init.next;
    this.inflights = init.inflights;
    this.isLearner = init.isLearner ?? false;
    this.recentActive = init.recentActive ?? false;
  }

  /**
   * A field-by-field copy sharing the same Inflights, as etcd's confchange copies a Progress by
   * value (it only ever changes isLearner on the copy).
   */
  copy(): Progress {
    const pr = new Progress({
      match: this.match,
      next: this.next,
      inflights: this.inflights,
      isLearner: this.isLearner,
      recentActive: this.recentActive,
    });
    pr.sentCommitIndex = this.sentCommitIndex;
    pr.state = this.state;
    pr.pendingSnapshot = this.pendingSnapshot;
    pr.msgAppFlowPaused = this.msgAppFlowPaused;
    return pr;
  }

  /** Enters `state` with nothing paused, pending or in flight. */
  resetState(state: ProgressStateType): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  /**
   * Back to probing from match+1 — or, when leaving StateSnapshot, from past the snapshot if that
   * is further (the snapshot is assumed delivered).
   */
  becomeProbe(): void {
    if (this.state === "StateSnapshot") {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState("StateProbe");
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState("StateProbe");
      this.next = this.match + 1;
    }
    this.sentCommitIndex = Math.min(this.sentCommitIndex, this.next - 1);
  }

  /** Starts streaming appends optimistically from match+1. */
  becomeReplicate(): void {
    this.resetState("StateReplicate");
    this.next = this.match + 1;
  }

  /** Waits for the snapshot at `snapshotIndex`; appends stop until it is acknowledged. */
  becomeSnapshot(snapshotIndex: Index): void {
    this.resetState("StateSnapshot");
    this.pendingSnapshot = snapshotIndex;
    this.next = snapshotIndex + 1;
    this.sentCommitIndex = snapshotIndex;
  }

  /**
   * Accounts for a MsgApp carrying `entries` entries (`bytes` of payload) starting at next. Only in
   * StateProbe or StateReplicate; anything else is a programming error and throws.
   */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case "StateReplicate":
        if (entries > 0) {
          this.next += entries;
          this.inflights.add(this.next - 1, bytes);
        }
        // An append that filled the window (or was sent into a full one) counts as a probe.
        this.msgAppFlowPaused = this.inflights.full();
        return;
      case "StateProbe":
        // etcd pauses only after a non-empty probe; an empty one leaves the flow as it was.
        if (entries > 0) this.msgAppFlowPaused = true;
        return;
      case "StateSnapshot":
        throw new Error(`sending append in unhandled state ${this.state}`);
    }
  }

  /**
   * Whether sending commit index `index` could move the follower's commit forward: only if it is
   * newer than what was sent and what was sent did not already reach next-1.
   */
  canBumpCommit(index: Index): boolean {
    return index > this.sentCommitIndex && this.sentCommitIndex < this.next - 1;
  }

  /** Records that commit index `commit` was sent. */
  sentCommit(commit: Index): void {
    this.sentCommitIndex = commit;
  }

  /**
   * Handles an acknowledgement of index `n`. Returns false if it is stale (n <= match); otherwise
   * advances match (and next, if behind) and resumes the flow.
   */
  maybeUpdate(n: Index): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * Handles the rejection of the append at `rejected`, with the follower's hint `matchHint`.
   * Returns false if the rejection is stale (it concerns what is already matched, or — outside
   * StateReplicate, where a single probe is in flight — not the last probe). Otherwise lowers next:
   * to match+1 in StateReplicate, else to min(rejected, matchHint+1) but above match.
   */
  maybeDecrTo(rejected: Index, matchHint: Index): boolean {
    if (this.state === "StateReplicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      this.sentCommitIndex = Math.min(this.sentCommitIndex, this.next - 1);
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.sentCommitIndex = Math.min(this.sentCommitIndex, this.next - 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * Whether appends to this follower are throttled: while waiting for a snapshot, or while the
   * flow is paused (see msgAppFlowPaused).
   */
  isPaused(): boolean {
    switch (this.state) {
      case "StateProbe":
      case "StateReplicate":
        return this.msgAppFlowPaused;
      case "StateSnapshot":
        return true;
    }
  }

  /** etcd's String(), e.g. "StateReplicate match=3 next=4 learner inflight=1[full]". */
  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += " learner";
    if (this.isPaused()) s += " paused";
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += " inactive";
    const n = this.inflights.count();
    if (n > 0) {
      s += ` inflight=${n}`;
      if (this.inflights.full()) s += "[full]";
    }
    return s;
  }
}

/** Progress of every tracked peer (voters and learners), by id. */
export type ProgressMap = Map<NodeId, Progress>;

/** etcd's ProgressMap.String(): one "id: progress" line per peer, ids ascending. */
export function describeProgressMap(progress: ReadonlyMap<NodeId, Progress>): string {
  return [...progress.keys()]
    .sort(compareIds)
    .map((id) => `${id}: ${String(progress.get(id))}\n`)
    .join("");
}

import { describe, expect, it } from "vitest";
import { JointConfig } from "../../../src/core/quorum/joint.js";
import { TrackerConfig } from "../../../src/core/tracker/config.js";
import { Inflights } from "../../../src/core/tracker/inflights.js";
import { Progress } from "../../../src/core/tracker/progress.js";
import { ProgressTracker } from "../../../src/core/tracker/tracker.js";

/** A tracker with the given voters (and learners), each with the given match index. */
function tracker(opts: {
  voters: number[];
  outgoing?: number[];
  learners?: number[];
  match?: Record<number, number>;
  active?: number[];
}): ProgressTracker {
  const t = new ProgressTracker(4, 0);
  const learners = opts.learners ?? [];
  t.config = new TrackerConfig(new JointConfig(opts.voters, opts.outgoing ?? []), false, new Set(learners));
  for (const id of new Set([...opts.voters, ...(opts.outgoing ?? []), ...learners])) {
    const pr = new Progress({
      match: opts.match?.[id] ?? 0,
      next: (opts.match?.[id] ?? 0) + 1,
      inflights: new Inflights(4, 0),
      isLearner: learners.includes(id),
      recentActive: opts.active?.includes(id) ?? false,
    });
    t.progress.set(id, pr);
  }
  return t;
}

describe("progress tracker", () => {
  it("starts with an empty configuration and no votes", () => {
    const t = new ProgressTracker(256, 1024);
    expect(t.maxInflight).toBe(256);
    expect(t.maxInflightBytes).toBe(1024);
    expect(t.confState()).toEqual({ voters: [], votersOutgoing: [], learners: [], learnersNext: [], autoLeave: false });
    expect(t.progress.size).toBe(0);
    expect(t.votes.size).toBe(0);
  });

  it("reports its configuration as a ConfState with sorted lists", () => {
    const t = tracker({ voters: [3, 1, 2], outgoing: [4, 1], learners: [9, 7] });
    t.config.learnersNext.add(4);
    t.config.autoLeave = true;
    expect(t.confState()).toEqual({
      voters: [1, 2, 3],
      votersOutgoing: [1, 4],
      learners: [7, 9],
      learnersNext: [4],
      autoLeave: true,
    });
  });

  it("is a singleton only with one voter and no outgoing half", () => {
    expect(tracker({ voters: [1] }).isSingleton()).toBe(true);
    expect(tracker({ voters: [1], learners: [2] }).isSingleton()).toBe(true);
    expect(tracker({ voters: [1, 2] }).isSingleton()).toBe(false);
    expect(tracker({ voters: [1], outgoing: [1] }).isSingleton()).toBe(false);
  });

  it("commits what a quorum of voters matched; learners do not count", () => {
    expect(tracker({ voters: [1, 2, 3], match: { 1: 5, 2: 3, 3: 1 } }).committed()).toBe(3);
    expect(tracker({ voters: [1, 2, 3], learners: [4, 5], match: { 1: 5, 4: 9, 5: 9 } }).committed()).toBe(0);
    expect(
      tracker({ voters: [1, 2, 3], outgoing: [1, 4, 5], match: { 1: 9, 2: 9, 3: 9, 4: 2, 5: 1 } }).committed(),
    ).toBe(2);
  });

  it("visits progresses in ascending id order", () => {
    const t = tracker({ voters: [10, 2, 33, 1, 5, 8, 7, 9, 4], learners: [3] });
    const seen: number[] = [];
    t.visit((id, pr) => {
      expect(pr).toBe(t.progress.get(id));
      seen.push(id);
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 33]);
  });

  it("sees the quorum active when a quorum of voters was recently heard from", () => {
    expect(tracker({ voters: [1, 2, 3], active: [1, 2] }).quorumActive()).toBe(true);
    expect(tracker({ voters: [1, 2, 3], active: [1] }).quorumActive()).toBe(false);
    // Active learners do not make up for inactive voters.
    expect(tracker({ voters: [1, 2, 3], learners: [4, 5], active: [1, 4, 5] }).quorumActive()).toBe(false);
    // Both halves of a joint config must be active.
    expect(tracker({ voters: [1, 2, 3], outgoing: [4, 5, 6], active: [1, 2, 4] }).quorumActive()).toBe(false);
    expect(tracker({ voters: [1, 2, 3], outgoing: [4, 5, 6], active: [1, 2, 4, 5] }).quorumActive()).toBe(true);
  });

  it("lists voters of both halves and learners, sorted", () => {
    const t = tracker({ voters: [3, 1], outgoing: [2, 1], learners: [12, 5] });
    expect(t.voterNodes()).toEqual([1, 2, 3]);
    expect(t.learnerNodes()).toEqual([5, 12]);
    expect(tracker({ voters: [1] }).learnerNodes()).toEqual([]);
  });
});

describe("progress tracker votes", () => {
  it("counts only the first vote of each peer", () => {
    const t = tracker({ voters: [1, 2, 3] });
    t.recordVote(1, true);
    t.recordVote(1, false);
    t.recordVote(2, false);
    t.recordVote(2, true);
    expect(t.votes).toEqual(new Map([[1, true], [2, false]]));
    expect(t.tallyVotes()).toEqual({ granted: 1, rejected: 1, result: "VotePending" });
  });

  it("wins with a quorum of grants and loses with a quorum of rejections", () => {
    const won = tracker({ voters: [1, 2, 3] });
    won.recordVote(1, true);
    won.recordVote(3, true);
    expect(won.tallyVotes()).toEqual({ granted: 2, rejected: 0, result: "VoteWon" });
    expect(won.voteResult()).toBe("VoteWon");
    const lost = tracker({ voters: [1, 2, 3] });
    lost.recordVote(2, false);
    lost.recordVote(3, false);
    expect(lost.tallyVotes()).toEqual({ granted: 0, rejected: 2, result: "VoteLost" });
  });

  it("leaves votes of learners and untracked peers out of the counts and the outcome", () => {
    const t = tracker({ voters: [1, 2, 3], learners: [4] });
    t.recordVote(1, true);
    t.recordVote(4, true);
    t.recordVote(9, true);
    expect(t.tallyVotes()).toEqual({ granted: 1, rejected: 0, result: "VotePending" });
  });

  it("resetVotes starts a fresh count", () => {
    const t = tracker({ voters: [1] });
    t.recordVote(1, false);
    t.resetVotes();
    t.recordVote(1, true);
    expect(t.tallyVotes().result).toBe("VoteWon");
  });
});

describe("tracker config", () => {
  it("prints like etcd's Config.String", () => {
    const c = new TrackerConfig(new JointConfig([1, 2], [1, 2, 3]), true, new Set([12]), new Set([3]));
    expect(c.toString()).toBe("voters=(1 2)&&(1 2 3) learners=(c) learners_next=(3) autoleave");
    expect(new TrackerConfig().toString()).toBe("voters=()");
  });

  it("clone shares no sets with the original", () => {
    const c = new TrackerConfig(new JointConfig([1]), false, new Set([2]));
    const copy = c.clone();
    copy.voters[0].add(5);
    copy.learners.add(6);
    copy.learnersNext.add(7);
    expect(c.toString()).toBe("voters=(1) learners=(2)");
  });
});

import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("election-safety", () => {
  test("a second leader of the same term fires, even after the first stepped down", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.set(1, { role: "follower", leader: 0 }).tick(1);
    expect(s.step()).toEqual([]);
    s.set(3, { role: "candidate", term: 2, vote: 3 });
    expect(s.step()).toEqual([]);
    s.set(3, { role: "leader", leader: 3 });
    // Node 3 has only its own vote, names itself while node 1 led term 2, and lacks node 1's
    // entry of term 2.
    expect(s.step()).toEqual(["election-quorum", "election-safety", "leader-current-term-entries", "leader-knowledge"]);
  });

  test("a stale leader of term 2 next to the leader of term 3 is legal", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    expect(s.elect(3, 3, [2])).toEqual([]);
    expect(s.node(1).role).toBe("leader");
  });
});

describe("election-quorum", () => {
  test("a vote seen only in the delivered response counts (the voter moved on within the same step)", () => {
    // Found by the soak (seed 8697): in one stabilize, node 3 votes for 2 in term 1 and has moved to
    // term 2 by the end of the step; its granted MsgVoteResp is the only trace of that vote.
    const s = new Scenario([1, 2, 3]);
    for (const id of [1, 2, 3]) s.set(id, { config: { voters: [1, 2, 3] } });
    expect(s.step()).toEqual([]);
    s.set(2, { role: "candidate", term: 1, vote: 2 });
    expect(s.step()).toEqual([]);
    s.set(3, { term: 2, vote: 0 }).deliver(3, 2, "MsgVoteResp", 1, false).set(2, { role: "leader", leader: 2 });
    expect(s.step()).toEqual([]);
  });

  test("a delivered granted vote response contradicting the recorded vote fires vote-once", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(3, { term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.deliver(3, 2, "MsgVoteResp", 1, false);
    expect(s.step()).toEqual(["vote-once"]);
  });

  test("winning with one vote of five fires", () => {
    const s = new Scenario([1, 2, 3, 4, 5]);
    expect(s.elect(1, 1, [2])).toEqual(["election-quorum"]);
  });

  test("a joint config needs a majority of the outgoing voters too", () => {
    const s = new Scenario([1, 2, 3, 4, 5]);
    for (const id of [1, 2, 3, 4, 5]) s.set(id, { config: { voters: [1, 2, 3], votersOutgoing: [3, 4, 5] } });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [2])).toEqual(["election-quorum"]);
  });

  test("a learner's vote does not count towards the quorum", () => {
    const s = new Scenario([1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) s.set(id, { config: { voters: [1, 2, 3], learners: [4] } });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [4])).toEqual(["election-quorum"]);
  });

  test("a learner may vote (etcd) alongside a real quorum", () => {
    const s = new Scenario([1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) s.set(id, { config: { voters: [1, 2, 3], learners: [4] } });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [2, 4])).toEqual([]);
  });
});

describe("leader-knowledge", () => {
  test("a follower naming a node that did not lead its term fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.set(3, { term: 2, leader: 2 });
    expect(s.step()).toEqual(["leader-knowledge"]);
  });

  test("followers may keep naming a leader that has since stepped down, and forget it on a new term", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.set(2, { leader: 1 }).set(3, { term: 2, leader: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "follower", leader: 0 }).tick(1);
    expect(s.step()).toEqual([]);
    s.set(3, { term: 3, leader: 0 });
    expect(s.step()).toEqual([]);
  });
});

describe("role-consistency", () => {
  test("a candidate that has not voted for itself fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { role: "candidate", term: 1 });
    expect(s.step()).toEqual(["role-consistency"]);
  });

  test("a learner starting a campaign fires", () => {
    const s = new Scenario([1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) s.set(id, { config: { voters: [1, 2, 3], learners: [4] } });
    expect(s.step()).toEqual([]);
    s.set(4, { role: "candidate", term: 1, vote: 4 });
    expect(s.step()).toEqual(["role-consistency"]);
  });

  test("a leader turning candidate fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.set(1, { role: "candidate", term: 2, leader: 0 });
    expect(s.step()).toEqual(["role-consistency"]);
  });

  test("a leader that steps down on a higher term and campaigns within one step is legal", () => {
    // Found by exploring the reference (seed 76933): leader 1 of term 1 hears leader 5 of term 2,
    // then receives MsgTimeoutNow and campaigns for term 3, all in one stabilize step.
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.set(1, { role: "candidate", term: 3, leader: 0 });
    expect(s.step()).toEqual([]);
  });

  test("a leader turning pre-candidate fires unless its term rose in the step", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.set(1, { role: "precandidate", leader: 0 });
    expect(s.step()).toContain("role-consistency");
    const t = new Scenario([1, 2, 3]);
    expect(t.elect(1, 1, [2])).toEqual([]);
    t.set(1, { role: "precandidate", term: 2, vote: 0, leader: 0 });
    expect(t.step()).toEqual([]);
  });

  test("a single voter may go from follower to leader in one step, and restarts as follower", () => {
    const s = new Scenario([1]);
    s.set(1, { role: "leader", term: 1, vote: 1, leader: 1 }).append(1, 1);
    expect(s.step()).toEqual([]);
    s.crash(1);
    expect(s.step()).toEqual([]);
    s.restart(1);
    expect(s.step()).toEqual([]);
  });
});

describe("candidate-term-not-in-log", () => {
  test("a candidate holding a quorum of votes while an entry of its term exists fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 2 }).append(1, 2);
    expect(s.step()).toEqual([]);
    s.set(3, { role: "candidate", term: 2, vote: 3 }).set(2, { term: 2, vote: 3 });
    expect(s.step()).toEqual(["candidate-term-not-in-log"]);
  });

  test("entries of the term appear only once the candidate is leader", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(3, { role: "candidate", term: 2, vote: 3 }).set(2, { term: 2, vote: 3 });
    expect(s.step()).toEqual([]);
    s.set(3, { role: "leader", leader: 3 }).append(3, 2);
    expect(s.step()).toEqual([]);
  });
});

import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

/** Leader 1 of term 1 with followers 2 and 3 that heard its heartbeat. */
function withLeader(opts: { electionTick?: number } = {}): Scenario {
  const s = new Scenario([1, 2, 3], opts.electionTick !== undefined ? { checkQuorum: { electionTick: opts.electionTick } } : {});
  expect(s.elect(1, 1, [2])).toEqual([]);
  s.set(2, { leader: 1 }).set(3, { term: 1, leader: 1 }).deliver(1, 2, "MsgHeartbeat", 1).deliver(1, 3, "MsgHeartbeat", 1);
  expect(s.step()).toEqual([]);
  return s;
}

describe("check-quorum", () => {
  test("a leader stepping down within its term on a step without a tick fires", () => {
    const s = withLeader();
    s.set(1, { role: "follower", leader: 0 });
    expect(s.step()).toEqual(["check-quorum"]);
  });

  test("a follower in its leader lease adopting a disruptive vote request's term fires", () => {
    const s = withLeader({ electionTick: 10 });
    s.tick(2, 3);
    expect(s.step()).toEqual([]);
    s.deliver(3, 2, "MsgVote", 2).set(2, { term: 2, vote: 3, leader: 0 });
    expect(s.step()).toEqual(["check-quorum"]);
  });

  test("a leader with CheckQuorum ignoring a higher-term vote request is required", () => {
    const s = withLeader({ electionTick: 10 });
    s.deliver(3, 1, "MsgVote", 2).set(1, { role: "follower", term: 2, leader: 0, vote: 0 });
    expect(s.step()).toEqual(["check-quorum"]);
  });

  test("a leader stepping down on a transfer vote request sent in the same step as its MsgTimeoutNow is legal", () => {
    // stabilize: 3 gets MsgTimeoutNow, campaigns in term 2 with the transfer context, and its vote
    // request reaches leader 1 (judged first, by id) before the step ends.
    const s = withLeader({ electionTick: 10 });
    s.deliver(1, 3, "MsgTimeoutNow", 1).set(3, { role: "candidate", term: 2, vote: 3, leader: 0 });
    s.deliver(3, 1, "MsgVote", 2).set(1, { role: "follower", term: 2, vote: 3, leader: 0 });
    expect(s.step()).toEqual([]);
  });

  test("a transfer vote request delivered after its sender already won is still forced", () => {
    const s = withLeader({ electionTick: 10 });
    s.deliver(1, 3, "MsgTimeoutNow", 1).set(3, { role: "candidate", term: 2, vote: 3, leader: 0 });
    s.deliver(3, 2, "MsgVote", 2).set(2, { term: 2, vote: 3, leader: 0 });
    s.deliver(2, 3, "MsgVoteResp", 2).set(3, { role: "leader", leader: 3 });
    expect(s.step()).toEqual([]);
    // The request to 1 was delayed; 1 is still leader of term 1 in its lease.
    s.deliver(3, 1, "MsgVote", 2).set(1, { role: "follower", term: 2, vote: 3, leader: 0 });
    expect(s.step()).toEqual([]);
  });

  test("a vote request of a term other than the one a MsgTimeoutNow forced is still disruptive", () => {
    const s = withLeader({ electionTick: 10 });
    s.deliver(1, 3, "MsgTimeoutNow", 1).set(3, { role: "candidate", term: 2, vote: 3, leader: 0 });
    s.deliver(3, 1, "MsgVote", 3).set(1, { role: "follower", term: 3, vote: 3, leader: 0 });
    expect(s.step()).toEqual(["check-quorum"]);
  });

  test("a CheckQuorum step-down on a tick, a forced transfer vote and an expired lease are legal", () => {
    const s = withLeader({ electionTick: 10 });
    // Leadership transfer: 3 gets MsgTimeoutNow and campaigns; its vote request is forced.
    s.deliver(1, 3, "MsgTimeoutNow", 1).set(3, { role: "candidate", term: 2, vote: 3, leader: 0 });
    expect(s.step()).toEqual([]);
    s.deliver(3, 2, "MsgVote", 2).set(2, { term: 2, vote: 3, leader: 0 });
    expect(s.step()).toEqual([]);
    // The old leader of term 1 steps down on its CheckQuorum tick.
    s.tick(1).set(1, { role: "follower", leader: 0 });
    expect(s.step()).toEqual([]);
    // A lease that has expired (10 ticks since the heartbeat) no longer protects node 2.
    s.set(3, { role: "leader", leader: 3 }).append(3, 2);
    expect(s.step()).toEqual([]);
    s.set(2, { leader: 3 }).deliver(3, 2, "MsgHeartbeat", 2);
    expect(s.step()).toEqual([]);
    s.tick(2, 10);
    expect(s.step()).toEqual([]);
    s.deliver(1, 2, "MsgVote", 3).set(2, { term: 3, vote: 1, leader: 0 });
    expect(s.step()).toEqual([]);
  });
});

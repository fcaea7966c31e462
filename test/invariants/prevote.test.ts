import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("prevote", () => {
  test("a pre-candidate raising its term fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "precandidate", term: 2 }).tick(1);
    expect(s.step()).toEqual(["prevote"]);
  });

  /** Node 2 becomes pre-candidate in term 2 holding `vote`, then is delivered node 3's MsgVote of term 2 and records it. */
  function precandidateGetsVoteRequest(vote: number): string[] {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 2, vote });
    expect(s.step()).toEqual([]);
    s.set(2, { role: "precandidate" }).tick(2);
    expect(s.step()).toEqual([]);
    s.deliver(3, 2, "MsgVote", 2).set(2, { vote: 3 });
    return s.step();
  }

  test("a pre-candidate granting a MsgVote of its own term while it holds no vote is legal", () => {
    // Found by exploring the reference (seed 983376): etcd's pre-candidate keeps term and vote
    // (none), and Step records a vote for a MsgVote of that term whatever the role.
    expect(precandidateGetsVoteRequest(0)).toEqual([]);
  });

  test("a pre-candidate changing a vote it already holds fires, even with a MsgVote delivered", () => {
    expect(precandidateGetsVoteRequest(1)).toContain("prevote");
  });

  test("granting a PreVote by recording a vote fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1 });
    expect(s.step()).toEqual([]);
    s.deliver(3, 2, "MsgPreVote", 2).set(2, { term: 2, vote: 3 });
    expect(s.step()).toEqual(["prevote"]);
  });

  test("a granted PreVote response turning the pre-candidate into a follower of term+1 fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "precandidate" }).tick(1);
    expect(s.step()).toEqual([]);
    s.deliver(2, 1, "MsgPreVoteResp", 2, false).set(1, { role: "follower", term: 2 });
    expect(s.step()).toEqual(["prevote"]);
  });

  test("a PreVote request carrying term+1 leaves the receiver alone; winning makes a candidate of term+1", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 }).set(2, { term: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "precandidate" }).tick(1);
    expect(s.step()).toEqual([]);
    s.deliver(1, 2, "MsgPreVote", 2);
    expect(s.step()).toEqual([]);
    s.deliver(2, 1, "MsgPreVoteResp", 2, false).set(1, { role: "candidate", term: 2, vote: 1 });
    expect(s.step()).toEqual([]);
  });

  test("a rejected PreVote response carrying a higher term makes the pre-candidate a follower of it", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "precandidate" }).tick(1);
    expect(s.step()).toEqual([]);
    s.deliver(2, 1, "MsgPreVoteResp", 4, true).set(1, { role: "follower", term: 4 });
    expect(s.step()).toEqual([]);
  });

  test("winning a pre-vote as the only voter may make a leader of term+1 at once; of term+2 it fires", () => {
    // Found by exploring etcd raft 3.4 (seed 9990): node 2 had been demoted to learner, node 1
    // restarted, re-applied the demotion while its pre-vote was out, and node 2's grant made it
    // pre-candidate winner, candidate and (sole voter, self-vote not persisted first) leader in one Step.
    const win = (term: number, voters: number[]): string[] => {
      const s = new Scenario([1, 2]);
      s.set(1, { term: 1 }).set(2, { term: 1 });
      expect(s.step()).toEqual([]);
      s.set(1, { role: "precandidate" }).tick(1);
      expect(s.step()).toEqual([]);
      s.deliver(2, 1, "MsgPreVoteResp", 2, false).set(1, { role: "leader", leader: 1, term, vote: 1, config: { voters, learners: [2].filter((x) => !voters.includes(x)) } });
      return s.step().filter((v) => v === "prevote");
    };
    expect(win(2, [1])).toEqual([]);
    expect(win(3, [1])).toEqual(["prevote"]);
    expect(win(2, [1, 2])).toEqual(["prevote"]);
  });
});

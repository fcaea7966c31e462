import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

// Messages a trace steps in by hand (StepObs.injected) are the environment's claims about their
// senders, which are often peers the harness never simulates (here node 9, or node 3 standing in
// for a leader it never was).

const app = (from: number, to: number, term: number, entries: readonly (readonly [number, number])[], logTerm = 0, index = 0) =>
  ({ from, to, type: "MsgApp", term, index, logTerm, commit: 0, reject: false, entries }) as const;

describe("hand-made messages and leadership", () => {
  test("a follower naming the leader only a hand-made MsgApp speaks for is legal", () => {
    const s = new Scenario([1, 2, 3]);
    s.inject(app(9, 1, 2, [[1, 2]])).set(1, { term: 2, leader: 9 });
    expect(s.step()).toEqual([]);
    s.append(1, 2);
    expect(s.step()).toEqual([]);
  });

  test("a node simulated but idle may be claimed leader of several terms by hand-made messages", () => {
    // TestLeaderSyncFollowerLog: node 3 only votes; MsgApps "from" it load Figure 7's logs.
    const s = new Scenario([1, 2, 3]);
    s.inject(app(3, 1, 8, [[1, 1], [2, 4]])).set(1, { term: 8, leader: 3 });
    s.inject(app(3, 2, 7, [[1, 1], [2, 4]])).set(2, { term: 7, leader: 3 });
    expect(s.step()).toEqual([]);
    s.append(1, 1, 4).append(2, 1, 4);
    expect(s.step()).toEqual([]);
  });

  test("a hand-made leader-only message for a term whose leader was seen fires election-safety", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.inject({ from: 9, to: 3, type: "MsgHeartbeat", term: 1, commit: 0, reject: false });
    expect(s.step()).toEqual(["election-safety"]);
  });

  test("a node later seen leading a term a hand-made message gave to another fires election-safety", () => {
    const s = new Scenario([1, 2, 3]);
    s.inject({ from: 9, to: 3, type: "MsgTimeoutNow", term: 1, reject: false });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [2])).toEqual(["election-safety", "leader-knowledge"]);
  });

  test("a vote request or a response does not claim leadership", () => {
    const s = new Scenario([1, 2, 3]);
    s.inject({ from: 9, to: 3, type: "MsgVote", term: 1, reject: false });
    s.inject({ from: 8, to: 3, type: "MsgAppResp", term: 1, reject: false });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [2])).toEqual([]);
  });
});

describe("hand-made messages and votes", () => {
  test("a hand-made granted MsgVoteResp counts towards the candidate's quorum", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { role: "candidate", term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.inject({ from: 3, to: 1, type: "MsgVoteResp", term: 1, reject: false }).set(1, { role: "leader", leader: 1 }).append(1, 1);
    expect(s.step()).toEqual([]);
  });

  test("a rejected hand-made MsgVoteResp does not count", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { role: "candidate", term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.inject({ from: 3, to: 1, type: "MsgVoteResp", term: 1, reject: true }).set(1, { role: "leader", leader: 1 }).append(1, 1);
    expect(s.step()).toEqual(["election-quorum"]);
  });

  test("a hand-made vote of a node seen voting for another candidate in that term fires vote-once", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(3, { term: 1, vote: 2 }).set(1, { role: "candidate", term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.inject({ from: 3, to: 1, type: "MsgVoteResp", term: 1, reject: false });
    expect(s.step()).toEqual(["vote-once"]);
  });
});

describe("hand-made messages and entries", () => {
  test("a node writing another entry at an (index, term) a hand-made MsgApp carried fires log-matching", () => {
    const s = new Scenario([1, 2, 3]);
    s.inject(app(9, 1, 2, [[1, 2]])).set(1, { term: 2, leader: 9 }).set(2, { term: 2 });
    s.append(2, { term: 2, digest: "other" });
    expect(s.step()).toEqual(["log-matching"]);
  });

  test("a hand-made MsgApp contradicting an entry already held fires log-matching", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 2 }).append(2, { term: 2, digest: "other" });
    expect(s.step()).toEqual([]);
    s.inject(app(9, 1, 2, [[1, 2]]));
    expect(s.step()).toEqual(["log-matching"]);
  });

  test("a follower holding entries above its term that a lower-term hand-made MsgApp gave it is legal", () => {
    // TestFollowerAppendEntries: a term-2 MsgApp carries an entry of term 3.
    const s = new Scenario([1, 2, 3]);
    s.inject(app(9, 1, 2, [[1, 3]])).set(1, { term: 2, leader: 9 });
    expect(s.step()).toEqual([]);
    s.append(1, 3);
    expect(s.step()).toEqual([]);
  });

  test("a node holding such an entry that no hand-made message gave it still fires log-well-formed", () => {
    const s = new Scenario([1, 2, 3]);
    s.inject(app(9, 1, 2, [[1, 3]])).set(1, { term: 2, leader: 9 }).set(2, { term: 2 });
    s.append(2, { term: 3, digest: "other" });
    expect(s.step()).toContain("log-well-formed");
  });
});

describe("hand-made messages are deliveries", () => {
  test("a node raising its term on a hand-made PreVote request fires prevote", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1 });
    expect(s.step()).toEqual([]);
    s.inject({ from: 9, to: 2, type: "MsgPreVote", term: 2, reject: false }).set(2, { term: 2 });
    expect(s.step()).toEqual(["prevote"]);
  });
});

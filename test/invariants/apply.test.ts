import { describe, expect, test } from "vitest";
import { digestOf, Scenario } from "./scenario.js";

/** Leader 1 of term 1 with an operation "op" committed at index 2 on nodes 1 and 2, applied and acknowledged. */
function ackedOp(): Scenario {
  const s = new Scenario([1, 2, 3]);
  expect(s.elect(1, 1, [2])).toEqual([]);
  s.append(1, { term: 1, digest: "op" });
  expect(s.commitOn(1, [2], 2)).toEqual([]);
  s.apply(1, 2).ack("op", 2);
  expect(s.step()).toEqual([]);
  return s;
}

/** ackedOp, then index 3 committed on nodes 1 and 2, compacted away on leader 1, and index 4 committed too; node 3 holds nothing. */
function lagsBehindSnapshot(): Scenario {
  const s = ackedOp();
  s.append(1, 1).replicate(1, 2).set(1, { commit: 3 }).set(2, { commit: 3 }).apply(1, 3);
  expect(s.step()).toEqual([]);
  s.compact(1, 3).append(1, 1).replicate(1, 2).set(1, { commit: 4 }).set(2, { commit: 4 }).apply(1, 4);
  expect(s.step()).toEqual([]);
  return s;
}

describe("acked-durability", () => {
  test("the newest leader lacking an acknowledged operation fires", () => {
    const s = ackedOp();
    // Node 3 never received the operation; it also lacks the committed entries.
    expect(s.elect(3, 2, [2])).toEqual(["acked-durability", "leader-completeness"]);
  });

  test("an operation compacted into the leader's snapshot, or missing from a deposed leader, is legal", () => {
    const s = ackedOp();
    s.compact(1, 2);
    expect(s.step()).toEqual([]);
    // Node 3 (without the operation) campaigns in term 5: leader 1 of term 1 is now deposed.
    s.set(3, { role: "candidate", term: 5, vote: 3, leader: 0 });
    expect(s.step()).toEqual([]);
  });
});

describe("state-machine-safety", () => {
  test("applying an index twice fires", () => {
    const s = ackedOp();
    s.applied(1, s.node(1).log.entry(2)!);
    expect(s.step()).toEqual(["state-machine-safety"]);
  });

  test("skipping an index fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 3 }).append(2, 1, 1, 1);
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(1)!, s.node(2).log.entry(3)!).set(2, { applied: 3 });
    expect(s.step()).toEqual(["state-machine-safety"]);
  });

  test("with async storage writes the apply thread may run ahead of status.applied", () => {
    // The apply thread applied 1 and then 2 while the MsgStorageApplyResp that raises
    // status.applied was still held back: the next index follows the applied history.
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 3 }).append(2, 1, 1, 1);
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(1)!);
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(2)!);
    expect(s.step()).toEqual([]);
    s.set(2, { applied: 1 });
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(3)!).set(2, { applied: 3 });
    expect(s.step()).toEqual([]);
  });

  test("re-applying an index status.applied has not reached yet fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 3 }).append(2, 1, 1, 1);
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(1)!, s.node(2).log.entry(2)!);
    expect(s.step()).toEqual([]);
    s.applied(2, s.node(2).log.entry(2)!);
    expect(s.step()).toEqual(["state-machine-safety"]);
  });

  test("applying an entry other than the committed one fires", () => {
    const s = ackedOp();
    s.apply(2, 1).applied(2, { index: 2, term: 1, kind: "normal", digest: "forged" }).set(2, { applied: 2 });
    expect(s.step()).toEqual(["state-machine-safety"]);
  });

  test("entries applied before and after a snapshot installed in the same step are consecutive around it", () => {
    // A restarted follower re-applies its durable committed prefix, is sent the leader's snapshot
    // (the leader compacted the rest), and applies the first entry after it, all in one stabilize.
    const s = lagsBehindSnapshot();
    s.replicate(2, 3, 1).set(3, { term: 1, leader: 1, commit: 1 }).apply(3, 1);
    s.installSnapshot(3, 3, 1).set(3, { commit: 3, applied: 3 });
    s.replicate(1, 3).set(3, { commit: 4 }).apply(3, 4);
    expect(s.step()).toEqual([]);
  });

  test("skipping the entry right after a snapshot installed in the same step fires", () => {
    const s = lagsBehindSnapshot();
    s.replicate(2, 3, 1).set(3, { term: 1, leader: 1, commit: 1 }).apply(3, 1);
    s.installSnapshot(3, 2, 1).set(3, { commit: 2, applied: 2 });
    s.replicate(2, 3).set(3, { commit: 4 }).applied(3, s.node(3).log.entry(4)!).set(3, { applied: 4 });
    expect(s.step()).toEqual(["state-machine-safety"]);
  });

  test("a snapshot install jumps applied, and a restart re-applies the same entries", () => {
    const s = ackedOp();
    s.append(1, 1).replicate(1, 2);
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 3 }).set(2, { commit: 3 });
    expect(s.step()).toEqual([]);
    s.compact(1, 3).set(3, { term: 1, leader: 1, commit: 3, applied: 3 }).installSnapshot(3, 3, 1);
    expect(s.step()).toEqual([]);
    s.append(1, 1).replicate(1, 3).set(1, { commit: 4 }).set(3, { commit: 4 }).apply(3, 4);
    expect(s.step()).toEqual([]);
    s.apply(2, 3);
    expect(s.step()).toEqual([]);
    s.crash(2);
    expect(s.step()).toEqual([]);
    s.restart(2, { applied: 0 });
    expect(s.step()).toEqual([]);
    s.apply(2, 2);
    expect(s.step()).toEqual([]);
    expect(s.node(2).log.entry(2)?.digest).toBe("op");
    expect(digestOf(1, 1)).toBe(s.node(2).log.entry(1)?.digest);
  });
});

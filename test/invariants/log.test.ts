import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("log-well-formed", () => {
  test("an entry whose term is below its predecessor's fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 2 }).append(1, 2, 1);
    expect(s.step()).toEqual(["log-well-formed"]);
  });

  test("an entry above the node's term fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 }).append(1, 2);
    expect(s.step()).toEqual(["log-well-formed"]);
  });

  test("a commit index beyond the log fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1, commit: 2 }).append(1, 1);
    expect(s.step()).toEqual(["log-well-formed"]);
  });

  test("a commit beyond the handed-out log does not fire while the node has output pending", () => {
    // A follower that just stepped a MsgSnap (or etcd 3.4's single-voter leader right after its
    // campaign) commits before its next Ready hands the snapshot or entry out.
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1, commit: 2, logPending: true }).append(1, 1);
    expect(s.step()).toEqual([]);
  });

  test("a bootstrap snapshot at term 1 on a node still at term 0 does not fire", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 0, commit: 2, applied: 2 }).installSnapshot(1, 2, 1);
    expect(s.step()).toEqual([]);
  });

  test("a snapshot install jumps commit and applied past an empty log", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.append(1, 2, 2);
    expect(s.commitOn(1, [2], 3)).toEqual([]);
    s.apply(1, 3).apply(2, 3).compact(1, 3);
    expect(s.step()).toEqual([]);
    s.set(3, { term: 2, leader: 1, commit: 3, applied: 3 }).installSnapshot(3, 3, 2);
    expect(s.step()).toEqual([]);
  });
});

describe("log-matching", () => {
  test("two entries with the same index and term but different contents fire", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1 }).append(1, { term: 1, digest: "a" });
    expect(s.step()).toEqual([]);
    s.set(2, { term: 1 }).append(2, { term: 1, digest: "b" });
    expect(s.step()).toEqual(["log-matching"]);
  });

  test("the same (index, term) after a different predecessor fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 2 }).append(1, 1, 2);
    s.set(2, { term: 2 }).append(2, 2, 2);
    expect(s.step()).toEqual(["log-matching"]);
  });

  test("a follower replacing an uncommitted conflicting suffix by the leader's entries is legal", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, 1).replicate(1, 2).set(2, { leader: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "follower", leader: 0 }).tick(1);
    expect(s.step()).toEqual([]);
    expect(s.elect(3, 2, [2])).toEqual([]);
    s.append(3, 2).replicate(3, 2).set(2, { leader: 3 });
    expect(s.step()).toEqual([]);
    s.replicate(3, 1).set(1, { term: 2, leader: 3 });
    expect(s.step()).toEqual([]);
    expect(s.node(1).log.entry(2)?.term).toBe(2);
  });
});

describe("leader-append-only", () => {
  test("a leader truncating its own log fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.append(1, 2);
    expect(s.step()).toEqual([]);
    s.truncate(1, 1);
    expect(s.step()).toEqual(["leader-append-only"]);
  });

  test("a leader may compact, and after losing leadership may have its suffix replaced", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    expect(s.commitOn(1, [2], 1)).toEqual([]);
    s.append(1, 2).apply(1, 1).compact(1, 1);
    expect(s.step()).toEqual([]);
    s.set(1, { role: "follower", leader: 0, term: 3 });
    expect(s.step()).toEqual([]);
    expect(s.elect(2, 4, [3])).toEqual([]);
    s.replicate(2, 1).set(1, { term: 4, leader: 2 });
    expect(s.step()).toEqual([]);
    expect(s.node(1).log.entry(2)?.term).toBe(4);
  });
});

describe("leader-current-term-entries", () => {
  test("a follower holding an entry of the leader's term that the leader lacks fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.set(3, { term: 2 }).append(3, 2, 2);
    expect(s.step()).toEqual(["leader-current-term-entries"]);
  });

  test("a stale leader keeps entries of its older term while the new leader's entries spread", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.append(1, 2);
    expect(s.step()).toEqual([]);
    expect(s.elect(3, 3, [2])).toEqual([]);
    s.append(3, 3).replicate(3, 2).set(2, { leader: 3 });
    expect(s.step()).toEqual([]);
  });
});

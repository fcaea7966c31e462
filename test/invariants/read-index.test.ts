import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

/** Leader 1 of term 1 with entries 1..2 committed on every node. */
function committedCluster(): Scenario {
  const s = new Scenario([1, 2, 3]);
  expect(s.elect(1, 1, [2, 3])).toEqual([]);
  s.append(1, 1);
  expect(s.commitOn(1, [2, 3], 2)).toEqual([]);
  return s;
}

describe("read-index-safety", () => {
  test("a read answered below an index committed before it was asked fires", () => {
    const s = committedCluster();
    s.readIndex(1, "72");
    expect(s.step()).toEqual([]);
    s.readState(1, "72", 1);
    expect(s.step()).toEqual(["read-index-safety"]);
  });

  test("a deposed leader answering a read with its stale commit fires, though its own commit is that low", () => {
    // Node 3 still believes it leads term 1 at commit 1; the new leader 1 of term 2 committed 3.
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(3, 1, [1, 2])).toEqual([]);
    expect(s.commitOn(3, [1, 2], 1)).toEqual([]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.append(1, 2);
    s.replicate(1, 2).set(2, { leader: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 3 });
    expect(s.step()).toEqual([]);
    s.readIndex(3, "6f6c64");
    expect(s.step()).toEqual([]);
    s.readState(3, "6f6c64", 1);
    expect(s.step()).toEqual(["read-index-safety"]);
  });

  test("a read answered below the bound of an earlier request with another context does not fire", () => {
    const s = committedCluster();
    s.readIndex(1, "61");
    expect(s.step()).toEqual([]);
    s.readState(1, "61", 2);
    expect(s.step()).toEqual([]);
  });

  test("entries committed after the read was asked do not raise its bound", () => {
    // The read may be answered with the commit index the leader had when the read arrived,
    // even after the cluster has moved on: linearizability orders it before later writes.
    const s = committedCluster();
    s.readIndex(2, "72");
    expect(s.step()).toEqual([]);
    s.append(1, 1).replicate(1, 2).replicate(1, 3);
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 3 }).set(2, { commit: 3 }).set(3, { commit: 3 });
    expect(s.step()).toEqual([]);
    s.readState(2, "72", 2);
    expect(s.step()).toEqual([]);
  });

  test("a lease-based read and a context the trace never asked for are not checked", () => {
    const s = committedCluster();
    s.readIndex(1, "6c", false);
    expect(s.step()).toEqual([]);
    s.readState(1, "6c", 1).readState(1, "6e", 0);
    expect(s.step()).toEqual([]);
  });

  test("a context asked twice is held to the smaller bound", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2, 3])).toEqual([]);
    s.readIndex(1, "72");
    expect(s.step()).toEqual([]);
    expect(s.commitOn(1, [2, 3], 1)).toEqual([]);
    s.readIndex(1, "72");
    expect(s.step()).toEqual([]);
    s.readState(1, "72", 0);
    expect(s.step()).toEqual([]);
  });
});

import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("durability", () => {
  test("a leader committing beyond its durable log fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.replicate(1, 2).set(2, { leader: 1 }).set(1, { durableLastIndex: 0 });
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 1 });
    expect(s.step()).toEqual(["durability"]);
  });

  test("a leader may commit before its own write completes once a quorum of followers persisted", () => {
    // Found by exploring the reference (seed 534232, async storage writes): followers 2 and 3
    // acknowledge entry 4 before leader 1's append thread has written it (thesis §10.2.1).
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.replicate(1, 2).replicate(1, 3).set(2, { leader: 1 }).set(3, { term: 1, leader: 1 }).set(1, { durableLastIndex: 0 });
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 1 });
    expect(s.step()).toEqual([]);
  });

  test("a single voter committing its unwritten entry fires (etcd-io/etcd#14370)", () => {
    const s = new Scenario([1]);
    s.set(1, { role: "leader", term: 1, vote: 1, leader: 1 }).append(1, 1);
    expect(s.step()).toEqual([]);
    s.append(1, 1).set(1, { durableLastIndex: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 2 });
    expect(s.step()).toEqual(["durability"]);
  });

  test("a crash losing durable entries fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1 }).append(2, 1, 1);
    expect(s.step()).toEqual([]);
    s.truncate(2, 1).crash(2); // both entries had been acknowledged durable
    expect(s.step()).toEqual(["durability"]);
  });

  test("a crash loses only the non-durable tail, and the restart restores term and vote", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, vote: 1 }).append(2, 1);
    expect(s.step()).toEqual([]);
    s.append(2, 1).set(2, { durableLastIndex: 1 });
    expect(s.step()).toEqual([]);
    s.crash(2);
    expect(s.step()).toEqual([]);
    expect(s.node(2).log.lastIndex).toBe(1);
    s.restart(2);
    expect(s.step()).toEqual([]);
  });

  describe("a restart from a durable term below the durable log's last term (the bootstrap)", () => {
    // Node 1 starts as the harness bootstraps it, a snapshot at index 2 of term 1 under hard-state
    // term 0 (spec/protocol.md §6); a library may restore currentTerm >= last log term on load.
    const bootstrapped = (): Scenario => {
      const s = new Scenario([1]);
      s.node(1).log.snapIndex = 2;
      s.node(1).log.snapTerm = 1;
      s.set(1, { durableLastIndex: 2, commit: 2, applied: 2 });
      expect(s.step()).toEqual([]);
      s.crash(1);
      expect(s.step()).toEqual([]);
      return s;
    };

    test("may come back at that last term with no vote", () => {
      const s = bootstrapped();
      s.restart(1, { term: 1, vote: 0 });
      expect(s.step()).toEqual([]);
    });

    test("but not above it, nor with a vote", () => {
      const above = bootstrapped();
      above.restart(1, { term: 2, vote: 0 });
      expect(above.step()).toEqual(["durability"]);
      const voted = bootstrapped();
      voted.restart(1, { term: 1, vote: 1 });
      expect(voted.step()).toEqual(["durability"]);
    });

    test("and a durable term at or above the log's last term still comes back exactly", () => {
      const s = new Scenario([1, 2, 3]);
      s.set(2, { term: 2, vote: 1 }).append(2, 1).set(2, { durableLastIndex: 1 });
      expect(s.step()).toEqual([]);
      s.crash(2);
      expect(s.step()).toEqual([]);
      s.restart(2, { term: 1, vote: 0 });
      expect(s.step()).toContain("durability");
    });
  });
});

import { describe, expect, it } from "vitest";
import { Cluster, enc } from "./rawnode/cluster.js";

describe("reference core smoke test", () => {
  it("three nodes elect a leader, replicate 1,000 proposals, apply them identically, and a restarted node catches up", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");

    for (let i = 0; i < 1000; i++) {
      expect(c.rn(1).propose(enc(`p${i}`))).toBeNull();
      if (i % 50 === 49) c.stabilize();
    }
    c.stabilize();

    const expected = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    for (const id of [1, 2, 3]) expect(c.appliedData(id)).toEqual(expected);
    const lastIndex = c.rn(1).status().hardState.commit;
    for (const id of [2, 3]) expect(c.rn(id).status().hardState.commit).toBe(lastIndex);

    // Node 3 goes down, misses 100 proposals, then restarts from its MemoryStorage.
    c.down.add(3);
    for (let i = 1000; i < 1100; i++) c.rn(1).propose(enc(`p${i}`));
    c.stabilize();
    c.down.delete(3);
    const restarted = c.restart(3);
    expect(restarted.rn.status().hardState.term).toBe(c.rn(1).status().hardState.term);

    // A heartbeat reveals the gap; the leader probes and catches node 3 up.
    c.tick(1);
    c.stabilize();
    const all = Array.from({ length: 1100 }, (_, i) => `p${i}`);
    for (const id of [1, 2, 3]) expect(c.appliedData(id)).toEqual(all);
    expect(c.rn(3).status().hardState.commit).toBe(c.rn(1).status().hardState.commit);
  });
});

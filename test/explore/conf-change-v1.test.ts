// A driver with only version-1 conf changes (canonical/raft) is explored with them too: one change
// at a time, proposed as a ConfChange, and a trace written from such a schedule declares
// conf_change_v1 (not v2), so that driver runs it.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Feature } from "../../src/driver/types.js";
import { stepsFor } from "../../src/explore/plan.js";
import { scheduleArbitrary, type Op } from "../../src/explore/schedule.js";
import { stepFeatures } from "../../src/explore/trace-writer.js";

const confOps = (caps: readonly Feature[]): Extract<Op, { op: "conf-change" }>[] =>
  fc
    .sample(scheduleArbitrary({ capabilities: new Set(caps), maxOps: 250 }), { seed: 7, numRuns: 40 })
    .flatMap((s) => s.ops.filter((o): o is Extract<Op, { op: "conf-change" }> => o.op === "conf-change"));

describe("exploring a driver with version-1 conf changes only", () => {
  test("generates single changes marked v1, and none for a driver without conf changes", () => {
    const ops = confOps(["election", "replication", "conf_change_v1", "learners"]);
    expect(ops.length).toBeGreaterThan(0);
    for (const o of ops) expect(o).toMatchObject({ v1: true, explicit: false, changes: [expect.anything()] });
    expect(confOps(["election", "replication"])).toEqual([]);
    for (const o of confOps(["election", "replication", "conf_change_v2", "joint_consensus"])) expect(o.v1).toBeUndefined();
  });

  test("plans a v1 propose-conf-change and the written trace needs conf_change_v1", () => {
    const s = { nodes: 3, voters: 2, learners: 0, preVote: false, checkQuorum: false, leaseReads: false, asyncStorage: false, ops: [] };
    const steps = stepsFor(s, { op: "conf-change", node: 0, changes: [{ kind: "v", node: 2 }], explicit: false, v1: true }, 0, { isUp: () => true, applyNeedsReady: () => false } as never);
    expect(steps).toEqual([{ kind: "propose-conf-change", args: { node: 1, changes: "v3", v1: true } }]);
    const f = stepFeatures({}, steps);
    expect(f).toContain("conf_change_v1");
    expect(f).not.toContain("conf_change_v2");
  });
});

import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

const all = (s: Scenario, config: { voters?: number[]; votersOutgoing?: number[]; learners?: number[] }): Scenario => {
  for (const id of s.nodes.keys()) s.set(id, { config });
  return s;
};

describe("config-well-formed", () => {
  test("adding two voters without joint consensus fires", () => {
    const s = new Scenario([1, 2, 3, 4, 5]);
    all(s, { voters: [1, 2, 3] });
    expect(s.step()).toEqual([]);
    s.set(1, { config: { voters: [1, 2, 3, 4, 5] } });
    expect(s.step()).toEqual(["config-well-formed"]);
  });

  test("a stepped-in snapshot may jump into a joint config before its Ready hands it out", () => {
    // etcd's TestRestoreWithVotersOutgoing: voters 1 2 -> incoming 2 3 4, outgoing 1 2 3 by snapshot.
    const s = new Scenario([1, 2, 3, 4]);
    all(s, { voters: [1, 2] });
    expect(s.step()).toEqual([]);
    s.set(1, { logPending: true, config: { voters: [2, 3, 4], votersOutgoing: [1, 2, 3] } });
    expect(s.step()).toEqual([]);
  });

  test("the same jump with no snapshot and no pending output still fires", () => {
    const s = new Scenario([1, 2, 3, 4]);
    all(s, { voters: [1, 2] });
    expect(s.step()).toEqual([]);
    s.set(1, { config: { voters: [2, 3, 4], votersOutgoing: [1, 2, 3] } });
    expect(s.step()).toEqual(["config-well-formed"]);
  });

  test("a node both learner and voter fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { config: { learners: [3] } });
    expect(s.step()).toEqual(["config-well-formed"]);
  });

  test("entering and leaving a joint config, two simple changes applied at once, and a snapshot are legal", () => {
    const s = new Scenario([1, 2, 3, 4, 5]);
    all(s, { voters: [1, 2, 3] });
    expect(s.step()).toEqual([]);
    s.set(1, { config: { voters: [3, 4, 5], votersOutgoing: [1, 2, 3] } });
    expect(s.step()).toEqual([]);
    s.set(1, { config: { voters: [3, 4, 5], votersOutgoing: [], learners: [1] } });
    expect(s.step()).toEqual([]);
    // Node 2 catches up and applies two simple changes in one step.
    s.set(2, { term: 1, commit: 2 })
      .append(2, { term: 1, kind: "config", confChange: "simple" }, { term: 1, kind: "config", confChange: "simple" })
      .apply(2, 2)
      .set(2, { config: { voters: [1, 2, 3, 4, 5] } });
    expect(s.step()).toEqual([]);
    s.set(4, { term: 1, commit: 5, applied: 5, config: { voters: [4] } }).installSnapshot(4, 5, 1);
    expect(s.step()).toEqual([]);
  });
});

describe("reconfig-discipline", () => {
  test("a leader appending a config entry while an earlier one is unapplied fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "simple" });
    expect(s.step()).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "simple" });
    expect(s.step()).toEqual(["reconfig-discipline"]);
  });

  test("a leader appending a simple change while joint fires", () => {
    const s = new Scenario([1, 2, 3]);
    all(s, { voters: [1, 2, 3], votersOutgoing: [1, 2] });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "simple" });
    expect(s.step()).toEqual(["reconfig-discipline"]);
  });

  test("campaigning with a committed config entry unapplied fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 1 }).append(2, { term: 1, kind: "config", confChange: "simple" });
    expect(s.step()).toEqual([]);
    s.set(2, { role: "precandidate" }).tick(2);
    expect(s.step()).toEqual(["reconfig-discipline"]);
  });

  test("a single-voter leader entering and auto-leaving a joint config within one step is legal", () => {
    // etcd's auto-leave: the leader applies the enter-joint entry, appends the leave-joint entry,
    // commits and applies it, all inside one harness step; its config is simple before and after.
    const s = new Scenario([1]);
    expect(s.elect(1, 1, [])).toEqual([]);
    s.set(1, { commit: 1, applied: 1 });
    expect(s.step()).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "enter_joint" }, { term: 1, kind: "config", confChange: "leave_joint" });
    s.set(1, { commit: 3 }).apply(1, 3).set(1, { config: { voters: [1, 2] } });
    expect(s.step()).toEqual([]);
  });

  test("a second leave-joint entry appended in the step that applies the first fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "enter_joint" });
    expect(s.commitOn(1, [2], 2)).toEqual([]);
    s.apply(1, 2).set(1, { config: { voters: [1, 2, 3], votersOutgoing: [1, 2, 3] } });
    expect(s.step()).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "leave_joint" });
    expect(s.commitOn(1, [2], 3)).toEqual([]);
    // Joint before the step, so comparing configs would allow it; the log says it already left.
    s.apply(1, 3).set(1, { config: { votersOutgoing: [] } });
    s.append(1, { term: 1, kind: "config", confChange: "leave_joint" });
    expect(s.step()).toEqual(["reconfig-discipline"]);
  });

  test("a leave-joint entry with no config entry before it in the log fires outside a joint config", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "leave_joint" });
    expect(s.step()).toEqual(["reconfig-discipline"]);
  });

  test("a second change after the first is applied, and leave-joint while joint, are legal", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "enter_joint" });
    expect(s.commitOn(1, [2], 2)).toEqual([]);
    s.apply(1, 2).set(1, { config: { voters: [1, 2, 3], votersOutgoing: [1, 2, 3] } });
    expect(s.step()).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "leave_joint" });
    expect(s.step()).toEqual([]);
    s.set(3, { term: 1, commit: 2, applied: 2 }).replicate(1, 3, 2);
    expect(s.step()).toEqual([]);
    s.set(3, { role: "precandidate" }).tick(3);
    expect(s.step()).toEqual([]);
  });
});

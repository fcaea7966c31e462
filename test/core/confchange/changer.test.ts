import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfChangeSingle, ConfChangeType } from "../../../src/core/types.js";
import { Changer, checkInvariants, describeChanges, type ChangeResult } from "../../../src/core/confchange/changer.js";
import { JointConfig } from "../../../src/core/quorum/joint.js";
import { TrackerConfig } from "../../../src/core/tracker/config.js";
import { Inflights } from "../../../src/core/tracker/inflights.js";
import { describeProgressMap, Progress } from "../../../src/core/tracker/progress.js";
import { ProgressTracker } from "../../../src/core/tracker/tracker.js";
import { out, runSteps } from "./scenario.js";

describe("simple conf changes", () => {
  it("add a voter, probed from the last index (at least 1), counted as recently active", () => {
    const tracker = new ProgressTracker(7, 99);
    const r = new Changer(tracker, 0).simple({ type: "ConfChangeAddNode", nodeId: 1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pr = r.progress.get(1);
    expect(pr).toMatchObject({ match: 0, next: 1, recentActive: true, isLearner: false, state: "StateProbe" });
    expect(pr?.inflights.size).toBe(7);
    expect(pr?.inflights.maxBytes).toBe(99);
    const later = new Changer(tracker, 12).simple({ type: "ConfChangeAddNode", nodeId: 1 });
    expect(later.ok && later.progress.get(1)?.next).toBe(12);
  });

  it("are idempotent: adding a present peer or removing an absent one changes nothing", () => {
    expect(
      runSteps([
        { simple: "v1" },
        { simple: "v1" },
        { simple: "v2" },
        { simple: "l1" },
        { simple: "l1" },
        { simple: "r1" },
        { simple: "r1" },
        { simple: "v3" },
        { simple: "r3" },
        { simple: "r3" },
        { simple: "r4" },
      ]),
    ).toEqual([
      out("voters=(1)", "1: StateProbe match=0 next=1"),
      out("voters=(1)", "1: StateProbe match=0 next=1"),
      out("voters=(1 2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=2"),
      out("voters=(2) learners=(1)", "1: StateProbe match=0 next=1 learner", "2: StateProbe match=0 next=2"),
      out("voters=(2) learners=(1)", "1: StateProbe match=0 next=1 learner", "2: StateProbe match=0 next=2"),
      out("voters=(2)", "2: StateProbe match=0 next=2"),
      out("voters=(2)", "2: StateProbe match=0 next=2"),
      out("voters=(2 3)", "2: StateProbe match=0 next=2", "3: StateProbe match=0 next=7"),
      out("voters=(2)", "2: StateProbe match=0 next=2"),
      out("voters=(2)", "2: StateProbe match=0 next=2"),
      out("voters=(2)", "2: StateProbe match=0 next=2"),
    ]);
  });

  it("promote and demote voters, keeping their progress", () => {
    const [, , , promoteDemote, demote, both, promote] = runSteps([
      { simple: "v1" },
      { simple: "v2" },
      { simple: "v3" },
      { simple: "l1 v1" },
      { simple: "l2" },
      { simple: "v2 l2" },
      { simple: "v2" },
    ]);
    const three = ["1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1", "3: StateProbe match=0 next=2"];
    expect(promoteDemote).toBe(out("voters=(1 2 3)", ...three));
    expect(demote).toBe(
      out("voters=(1 3) learners=(2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1 learner", "3: StateProbe match=0 next=2"),
    );
    expect(both).toBe(demote);
    expect(promote).toBe(out("voters=(1 2 3)", ...three));
  });

  it("refuse to change more than one voter or to remove all voters", () => {
    expect(
      runSteps([
        { simple: "l1" },
        { simple: "v1" },
        { simple: "v2 l3" },
        { simple: "r1 v5" },
        { simple: "r1 r2" },
        { simple: "v3 v4" },
        { simple: "l1 v5" },
        { simple: "l1 l2" },
        { simple: "l2 l3 l4 l5" },
        { simple: "r1" },
        { simple: "r2 r3 r4 r5" },
      ]),
    ).toEqual([
      "removed all voters",
      out("voters=(1)", "1: StateProbe match=0 next=1"),
      out("voters=(1 2) learners=(3)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=2", "3: StateProbe match=0 next=2 learner"),
      "more than one voter changed without entering joint config",
      "removed all voters",
      "more than one voter changed without entering joint config",
      "more than one voter changed without entering joint config",
      "removed all voters",
      out(
        "voters=(1) learners=(2 3 4 5)",
        "1: StateProbe match=0 next=1",
        "2: StateProbe match=0 next=2 learner",
        "3: StateProbe match=0 next=2 learner",
        "4: StateProbe match=0 next=8 learner",
        "5: StateProbe match=0 next=8 learner",
      ),
      "removed all voters",
      out("voters=(1)", "1: StateProbe match=0 next=1"),
    ]);
  });

  it("ignore changes to node 0 (etcd's server zeroes changes it decided to skip)", () => {
    expect(runSteps([{ simple: "v1 r0 v0 l0" }])).toEqual([out("voters=(1)", "1: StateProbe match=0 next=1")]);
  });

  it("treat updates as no-ops for membership", () => {
    expect(runSteps([{ simple: "v1" }, { simple: "v2 u1" }, { simple: "u1 u2 u3 u1 u2 u3" }]).slice(1)).toEqual([
      out("voters=(1 2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1"),
      out("voters=(1 2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1"),
    ]);
  });

  it("are refused in a joint config", () => {
    expect(runSteps([{ simple: "v1" }, { enterJoint: "v2" }, { simple: "l15" }])[2]).toBe(
      "can't apply simple config change in joint config",
    );
  });

  it("leave the tracker untouched, whether accepted or refused", () => {
    const tracker = new ProgressTracker(10, 0);
    for (const nodeId of [1, 2]) {
      const r = new Changer(tracker, 1).simple({ type: "ConfChangeAddNode", nodeId });
      if (!r.ok) throw new Error(r.error);
      tracker.config = r.config;
      tracker.progress = r.progress;
    }
    const before = tracker.confState();
    const pr1 = tracker.progress.get(1);
    const accepted = new Changer(tracker, 2).simple({ type: "ConfChangeAddLearnerNode", nodeId: 1 });
    expect(accepted.ok && accepted.progress.get(1)?.isLearner).toBe(true);
    const refused = new Changer(tracker, 2).simple({ type: "ConfChangeRemoveNode", nodeId: 1 }, { type: "ConfChangeAddNode", nodeId: 3 });
    expect(refused.ok).toBe(false);
    expect(tracker.confState()).toEqual(before);
    expect(tracker.progress.get(1)).toBe(pr1);
    expect(pr1?.isLearner).toBe(false);
  });
});

describe("joint conf changes", () => {
  it("enter and leave joint consensus, with the safety checks", () => {
    expect(
      runSteps([
        { leaveJoint: true },
        { enterJoint: "" },
        { enterJoint: "v1" },
        { simple: "v1" },
        { leaveJoint: true },
        { enterJoint: "" },
        { enterJoint: "" },
        { leaveJoint: true },
        { leaveJoint: true },
        { enterJoint: "r1 v2 v3 l4" },
        { enterJoint: "" },
        { enterJoint: "v12" },
        { simple: "l15" },
        { leaveJoint: true },
        { simple: "l9" },
      ]),
    ).toEqual([
      "can't leave a non-joint config",
      "can't make a zero-voter config joint",
      "can't make a zero-voter config joint",
      out("voters=(1)", "1: StateProbe match=0 next=3"),
      "can't leave a non-joint config",
      out("voters=(1)&&(1)", "1: StateProbe match=0 next=3"),
      "config is already joint",
      out("voters=(1)", "1: StateProbe match=0 next=3"),
      "can't leave a non-joint config",
      out(
        "voters=(2 3)&&(1) learners=(4)",
        "1: StateProbe match=0 next=3",
        "2: StateProbe match=0 next=9",
        "3: StateProbe match=0 next=9",
        "4: StateProbe match=0 next=9 learner",
      ),
      "config is already joint",
      "config is already joint",
      "can't apply simple config change in joint config",
      out(
        "voters=(2 3) learners=(4)",
        "2: StateProbe match=0 next=9",
        "3: StateProbe match=0 next=9",
        "4: StateProbe match=0 next=9 learner",
      ),
      out(
        "voters=(2 3) learners=(4 9)",
        "2: StateProbe match=0 next=9",
        "3: StateProbe match=0 next=9",
        "4: StateProbe match=0 next=9 learner",
        "9: StateProbe match=0 next=14 learner",
      ),
    ]);
  });

  it("carry the auto-leave flag until the joint config is left", () => {
    expect(runSteps([{ simple: "v1" }, { enterJoint: "v2 v3", autoLeave: true }, { enterJoint: "", autoLeave: false }, { leaveJoint: true }]).slice(1)).toEqual([
      out("voters=(1 2 3)&&(1) autoleave", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1", "3: StateProbe match=0 next=1"),
      "config is already joint",
      out("voters=(1 2 3)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1", "3: StateProbe match=0 next=1"),
    ]);
  });

  it("stage a demoted outgoing voter in learnersNext and make it a learner on leaving, progress kept", () => {
    expect(runSteps([{ simple: "v1" }, { enterJoint: "v2 l1" }, { leaveJoint: true }]).slice(1)).toEqual([
      out("voters=(2)&&(1) learners_next=(1)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1"),
      out("voters=(2) learners=(1)", "1: StateProbe match=0 next=1 learner", "2: StateProbe match=0 next=1"),
    ]);
  });

  it("apply repeated and contradictory changes idempotently, in order", () => {
    expect(runSteps([{ simple: "v1" }, { enterJoint: "r1 r2 r9 v2 v3 v4 v2 v3 v4 l2 l2 r4 r4 l1 l1" }, { leaveJoint: true }]).slice(1)).toEqual([
      out("voters=(3)&&(1) learners=(2) learners_next=(1)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1 learner", "3: StateProbe match=0 next=1"),
      out("voters=(3) learners=(1 2)", "1: StateProbe match=0 next=1 learner", "2: StateProbe match=0 next=1 learner", "3: StateProbe match=0 next=1"),
    ]);
  });

  it("drop peers on leaving that only the outgoing config still held", () => {
    expect(runSteps([{ simple: "v1" }, { simple: "v2" }, { enterJoint: "r2 v3" }, { leaveJoint: true }]).slice(2)).toEqual([
      out("voters=(1 3)&&(1 2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1", "3: StateProbe match=0 next=2"),
      out("voters=(1 3)", "1: StateProbe match=0 next=1", "3: StateProbe match=0 next=2"),
    ]);
  });

  it("promote a staged learner back to voter, clearing learnersNext", () => {
    expect(runSteps([{ simple: "v1" }, { simple: "v2" }, { enterJoint: "l2 v2" }])[2]).toBe(
      out("voters=(1 2)&&(1 2)", "1: StateProbe match=0 next=1", "2: StateProbe match=0 next=1"),
    );
  });

  it("refuse to remove all incoming voters", () => {
    expect(runSteps([{ simple: "v1" }, { enterJoint: "r1" }])[1]).toBe("removed all voters");
  });

  it("reach the same configuration as the same changes applied one by one (property)", () => {
    const ccType = fc.constantFrom<ConfChangeType>(
      "ConfChangeAddNode",
      "ConfChangeRemoveNode",
      "ConfChangeUpdateNode",
      "ConfChangeAddLearnerNode",
    );
    // Node 1 is a voter throughout, so no sequence can remove every voter.
    const setup = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 5 });
    const changes = fc.array(fc.record({ type: ccType, nodeId: fc.integer({ min: 2, max: 10 }) }), {
      minLength: 1,
      maxLength: 9,
    });
    fc.assert(
      fc.property(setup, changes, fc.boolean(), (initial, ccs, autoLeave) => {
        const start = new ProgressTracker(10, 0);
        const applySimple = (t: ProgressTracker, list: readonly ConfChangeSingle[]) => {
          for (const cc of list) install(t, new Changer(t, 10).simple(cc));
        };
        applySimple(start, [1, ...initial].map((nodeId) => ({ type: "ConfChangeAddNode" as const, nodeId })));

        const viaSimple = copyOf(start);
        applySimple(viaSimple, ccs);

        const viaJoint = copyOf(start);
        install(viaJoint, new Changer(viaJoint, 10).enterJoint(autoLeave, ...ccs));
        expect(viaJoint.config.autoLeave).toBe(autoLeave);
        install(viaJoint, new Changer(viaJoint, 10).leaveJoint());

        expect(viaJoint.config.toString()).toBe(viaSimple.config.toString());
        expect(describeProgressMap(viaJoint.progress)).toBe(describeProgressMap(viaSimple.progress));
      }),
    );
  });
});

function install(t: ProgressTracker, r: ChangeResult): void {
  if (!r.ok) throw new Error(r.error);
  t.config = r.config;
  t.progress = r.progress;
}

function copyOf(t: ProgressTracker): ProgressTracker {
  const copy = new ProgressTracker(t.maxInflight, t.maxInflightBytes);
  copy.config = t.config.clone();
  copy.progress = new Map([...t.progress].map(([id, pr]) => [id, pr.copy()]));
  return copy;
}

describe("conf change invariants", () => {
  function progress(isLearner: boolean): Progress {
    return new Progress({ next: 1, inflights: new Inflights(1, 0), isLearner });
  }

  it.each<{ name: string; config: TrackerConfig; peers: [number, boolean][]; problem: string | null }>([
    { name: "the empty config is allowed", config: new TrackerConfig(), peers: [], problem: null },
    { name: "a voter needs a progress", config: new TrackerConfig(new JointConfig([1])), peers: [], problem: "no progress for 1" },
    {
      name: "a learner needs a progress",
      config: new TrackerConfig(new JointConfig([1]), false, new Set([2])),
      peers: [[1, false]],
      problem: "no progress for 2",
    },
    {
      name: "a staged learner must be an outgoing voter",
      config: new TrackerConfig(new JointConfig([1], [1]), false, new Set(), new Set([2])),
      peers: [[1, false], [2, false]],
      problem: "2 is in LearnersNext, but not Voters[1]",
    },
    {
      name: "a staged learner is not yet marked learner",
      config: new TrackerConfig(new JointConfig([1], [2]), false, new Set(), new Set([2])),
      peers: [[1, false], [2, true]],
      problem: "2 is in LearnersNext, but is already marked as learner",
    },
    {
      name: "a learner is not an outgoing voter",
      config: new TrackerConfig(new JointConfig([1], [2]), false, new Set([2])),
      peers: [[1, false], [2, true]],
      problem: "2 is in Learners and Voters[1]",
    },
    {
      name: "a learner is not an incoming voter",
      config: new TrackerConfig(new JointConfig([1, 2]), false, new Set([2])),
      peers: [[1, false], [2, true]],
      problem: "2 is in Learners and Voters[0]",
    },
    {
      name: "a learner is marked learner",
      config: new TrackerConfig(new JointConfig([1]), false, new Set([2])),
      peers: [[1, false], [2, false]],
      problem: "2 is in Learners, but is not marked as learner",
    },
    {
      name: "auto-leave only in a joint config",
      config: new TrackerConfig(new JointConfig([1]), true),
      peers: [[1, false]],
      problem: "AutoLeave must be false when not joint",
    },
  ])("$name", ({ config, peers, problem }) => {
    expect(checkInvariants(config, new Map(peers.map(([id, l]) => [id, progress(l)])))).toBe(problem);
  });

  it("a changer refuses to start from a tracker that breaks them", () => {
    const tracker = new ProgressTracker(1, 0);
    tracker.config = new TrackerConfig(new JointConfig([1]));
    const changer = new Changer(tracker, 1);
    expect(changer.simple()).toEqual({ ok: false, error: "no progress for 1" });
    expect(changer.enterJoint(false)).toEqual({ ok: false, error: "no progress for 1" });
    expect(changer.leaveJoint()).toEqual({ ok: false, error: "no progress for 1" });
  });

  it("a change of unknown type is refused", () => {
    const tracker = new ProgressTracker(1, 0);
    const bogus = { type: "ConfChangeBogus" as ConfChangeType, nodeId: 2 };
    expect(new Changer(tracker, 1).simple(bogus)).toEqual({ ok: false, error: "unexpected conf type ConfChangeBogus" });
  });

  it("describes changes as etcd does", () => {
    expect(describeChanges([{ type: "ConfChangeAddNode", nodeId: 1 }, { type: "ConfChangeRemoveNode", nodeId: 2 }])).toBe(
      "ConfChangeAddNode(1) ConfChangeRemoveNode(2)",
    );
  });
});

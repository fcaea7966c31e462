import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfState } from "../../../src/core/types.js";
import { Changer } from "../../../src/core/confchange/changer.js";
import { confChangesToString } from "../../../src/core/confchange/conf-change.js";
import { confStateEquivalent } from "../../../src/core/confchange/conf-state.js";
import { restore, toConfChangeSingle } from "../../../src/core/confchange/restore.js";
import { ProgressTracker } from "../../../src/core/tracker/tracker.js";

function cs(partial: Partial<ConfState>): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false, ...partial };
}

/** Restores `state` into a fresh tracker and reads the configuration back. */
function roundTrip(state: ConfState): ConfState {
  const tracker = new ProgressTracker(20, 0);
  const r = restore(new Changer(tracker, 10), state);
  if (!r.ok) throw new Error(r.error);
  expect(tracker.progress.size).toBe(0); // the changer's tracker is not modified
  tracker.config = r.config;
  tracker.progress = r.progress;
  return tracker.confState();
}

/** A valid ConfState: disjoint voters / learners / removed voters; staged learners among the removed. */
const validConfState = fc
  .record({
    perm: fc.shuffledSubarray(Array.from({ length: 30 }, (_, i) => i + 1), { minLength: 30, maxLength: 30 }),
    nVoters: fc.integer({ min: 1, max: 5 }),
    nLearners: fc.integer({ min: 0, max: 4 }),
    nRemoved: fc.integer({ min: 0, max: 2 }),
    nRetained: fc.integer({ min: 0, max: 5 }),
    nLearnersNext: fc.integer({ min: 0, max: 2 }),
    autoLeave: fc.boolean(),
  })
  .map(({ perm, nVoters, nLearners, nRemoved, nRetained, nLearnersNext, autoLeave }): ConfState => {
    const voters = perm.slice(0, nVoters);
    const learners = perm.slice(nVoters, nVoters + nLearners);
    const removed = perm.slice(nVoters + nLearners, nVoters + nLearners + nRemoved);
    const votersOutgoing = [...voters.slice(0, Math.min(nRetained, nVoters)), ...removed];
    const learnersNext = removed.slice(0, Math.min(nLearnersNext, nRemoved));
    return { voters, learners, votersOutgoing, learnersNext, autoLeave: votersOutgoing.length > 0 && autoLeave };
  });

describe("restore", () => {
  it("turns a joint ConfState into changes that build the outgoing config, then enter the joint one", () => {
    const { outgoing, incoming } = toConfChangeSingle(
      cs({ voters: [1, 2, 3], learners: [5], votersOutgoing: [1, 2, 4, 6], learnersNext: [4] }),
    );
    expect(confChangesToString(outgoing)).toBe("v1 v2 v4 v6");
    expect(confChangesToString(incoming)).toBe("r1 r2 r4 r6 v1 v2 v3 l5 l4");
  });

  it.each([
    cs({}),
    cs({ voters: [1, 2, 3] }),
    cs({ voters: [1, 2, 3], learners: [4, 5, 6] }),
    cs({ voters: [1, 2, 3], learners: [5], votersOutgoing: [1, 2, 4, 6], learnersNext: [4] }),
    cs({ voters: [1], votersOutgoing: [1, 2], autoLeave: true }),
  ])("restores %j exactly", (state) => {
    expect(roundTrip(state)).toEqual(state);
  });

  it("restores the progress of every member: learners marked, staged learners not yet", () => {
    const tracker = new ProgressTracker(20, 0);
    const r = restore(new Changer(tracker, 10), cs({ voters: [1], learners: [2], votersOutgoing: [3], learnersNext: [3] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.progress.keys()].sort()).toEqual([1, 2, 3]);
    expect(r.progress.get(2)).toMatchObject({ isLearner: true, next: 10, recentActive: true });
    expect(r.progress.get(3)?.isLearner).toBe(false);
  });

  it("reports an impossible ConfState with etcd's error", () => {
    const tracker = new ProgressTracker(20, 0);
    expect(restore(new Changer(tracker, 10), cs({ learners: [1] }))).toEqual({ ok: false, error: "removed all voters" });
  });

  it("round-trips any valid ConfState, up to order (property)", () => {
    fc.assert(
      fc.property(validConfState, (state) => {
        const back = roundTrip(state);
        expect(confStateEquivalent(back, state)).toBeNull();
        expect(confStateEquivalent(state, back)).toBeNull();
        const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);
        expect(back).toEqual({
          voters: sorted(state.voters),
          learners: sorted(state.learners),
          votersOutgoing: sorted(state.votersOutgoing),
          learnersNext: sorted(state.learnersNext),
          autoLeave: state.autoLeave,
        });
      }),
    );
  });
});

describe("ConfState equivalence", () => {
  it("ignores the order of ids", () => {
    expect(
      confStateEquivalent(
        cs({ voters: [3, 1, 2], learners: [5, 4], votersOutgoing: [2, 1], learnersNext: [7, 6], autoLeave: true }),
        cs({ voters: [1, 2, 3], learners: [4, 5], votersOutgoing: [1, 2], learnersNext: [6, 7], autoLeave: true }),
      ),
    ).toBeNull();
  });

  it.each([
    ["voters", cs({ voters: [1, 2] }), cs({ voters: [1] })],
    ["learners", cs({ voters: [1], learners: [2] }), cs({ voters: [1] })],
    ["outgoing voters", cs({ voters: [1], votersOutgoing: [1] }), cs({ voters: [1] })],
    ["staged learners", cs({ voters: [1], votersOutgoing: [2], learnersNext: [2] }), cs({ voters: [1], votersOutgoing: [2] })],
    ["auto-leave", cs({ voters: [1], autoLeave: true }), cs({ voters: [1] })],
    ["a voter that is a learner on the other side", cs({ voters: [1, 2] }), cs({ voters: [1], learners: [2] })],
  ])("tells configurations apart that differ in %s", (_, a, b) => {
    expect(confStateEquivalent(a, b)).toMatch(/^ConfStates not equivalent after sorting/);
  });
});

import { describe, expect, it } from "vitest";
import type { ProgressStateType } from "../../../src/core/types.js";
import { Inflights } from "../../../src/core/tracker/inflights.js";
import { describeProgressMap, Progress } from "../../../src/core/tracker/progress.js";

interface Setup {
  state?: ProgressStateType;
  match?: number;
  next: number;
  pendingSnapshot?: number;
  sentCommit?: number;
  paused?: boolean;
  inflight?: number;
}

function progress(s: Setup): Progress {
  const pr = new Progress({ match: s.match ?? 0, next: s.next, inflights: new Inflights(s.inflight ?? 256, 0) });
  pr.state = s.state ?? "StateProbe";
  pr.pendingSnapshot = s.pendingSnapshot ?? 0;
  pr.sentCommitIndex = s.sentCommit ?? 0;
  pr.msgAppFlowPaused = s.paused ?? false;
  return pr;
}

describe("progress defaults", () => {
  it("starts probing, with nothing pending, not paused, inactive, as a voter", () => {
    const pr = new Progress({ next: 1, inflights: new Inflights(4, 0) });
    expect(pr).toMatchObject({
      match: 0,
      next: 1,
      state: "StateProbe",
      pendingSnapshot: 0,
      sentCommitIndex: 0,
      recentActive: false,
      msgAppFlowPaused: false,
      isLearner: false,
    });
  });
});

describe("progress state transitions", () => {
  it("becomeProbe from replicate probes from match+1 and drops what is in flight", () => {
    const pr = progress({ state: "StateReplicate", match: 1, next: 5, paused: true, sentCommit: 4 });
    pr.inflights.add(4, 10);
    pr.becomeProbe();
    expect(pr).toMatchObject({ state: "StateProbe", match: 1, next: 2, msgAppFlowPaused: false, sentCommitIndex: 1 });
    expect(pr.inflights.count()).toBe(0);
  });

  it("becomeProbe after a delivered snapshot probes from past the snapshot", () => {
    const pr = progress({ state: "StateSnapshot", match: 1, next: 11, pendingSnapshot: 10, sentCommit: 10 });
    pr.becomeProbe();
    expect(pr).toMatchObject({ state: "StateProbe", match: 1, next: 11, pendingSnapshot: 0, sentCommitIndex: 10 });
  });

  it("becomeProbe after a failed snapshot (pendingSnapshot 0) probes from match+1", () => {
    const pr = progress({ state: "StateSnapshot", match: 1, next: 5 });
    pr.becomeProbe();
    expect(pr).toMatchObject({ state: "StateProbe", next: 2 });
  });

  it("becomeProbe keeps match+1 when the snapshot is behind match", () => {
    const pr = progress({ state: "StateSnapshot", match: 7, next: 4, pendingSnapshot: 3 });
    pr.becomeProbe();
    expect(pr.next).toBe(8);
  });

  it("becomeReplicate streams from match+1", () => {
    const pr = progress({ state: "StateProbe", match: 1, next: 5, paused: true });
    pr.becomeReplicate();
    expect(pr).toMatchObject({ state: "StateReplicate", match: 1, next: 2, msgAppFlowPaused: false });
  });

  it("becomeSnapshot waits for the snapshot index and counts its commit as sent", () => {
    const pr = progress({ state: "StateProbe", match: 1, next: 5 });
    pr.becomeSnapshot(10);
    expect(pr).toMatchObject({
      state: "StateSnapshot",
      match: 1,
      next: 11,
      pendingSnapshot: 10,
      sentCommitIndex: 10,
    });
  });
});

describe("progress isPaused", () => {
  it.each<[ProgressStateType, boolean, boolean]>([
    ["StateProbe", false, false],
    ["StateProbe", true, true],
    ["StateReplicate", false, false],
    ["StateReplicate", true, true],
    ["StateSnapshot", false, true],
    ["StateSnapshot", true, true],
  ])("in %s with flow paused=%s: paused=%s", (state, paused, expected) => {
    expect(progress({ state, next: 1, paused }).isPaused()).toBe(expected);
  });
});

describe("progress maybeUpdate", () => {
  it.each([
    { update: 2, match: 3, next: 5, ok: false }, // stale: match never decreases
    { update: 3, match: 3, next: 5, ok: false }, // already known
    { update: 4, match: 4, next: 5, ok: true }, // next already ahead
    { update: 5, match: 5, next: 6, ok: true }, // next follows match
  ])("from match 3 next 5, an ack of $update gives match $match next $next", ({ update, match, next, ok }) => {
    const pr = progress({ match: 3, next: 5 });
    expect(pr.maybeUpdate(update)).toBe(ok);
    expect(pr.match).toBe(match);
    expect(pr.next).toBe(next);
  });

  it("an acknowledgement resumes a paused flow", () => {
    const pr = progress({ next: 2, paused: true });
    pr.maybeUpdate(2);
    expect(pr.msgAppFlowPaused).toBe(false);
  });
});

describe("progress maybeDecrTo", () => {
  it.each<{ state: ProgressStateType; match: number; next: number; rejected: number; hint: number; ok: boolean; newNext: number }>([
    // Replicating: a rejection at or below match is stale.
    { state: "StateReplicate", match: 5, next: 10, rejected: 5, hint: 5, ok: false, newNext: 10 },
    { state: "StateReplicate", match: 5, next: 10, rejected: 4, hint: 4, ok: false, newNext: 10 },
    // Replicating: a genuine rejection falls back to match+1, whatever the hint.
    { state: "StateReplicate", match: 5, next: 10, rejected: 9, hint: 9, ok: true, newNext: 6 },
    // Probing: only a rejection of the last probe (next-1) counts.
    { state: "StateProbe", match: 0, next: 0, rejected: 0, hint: 0, ok: false, newNext: 0 },
    { state: "StateProbe", match: 0, next: 10, rejected: 5, hint: 5, ok: false, newNext: 10 },
    // Probing: next moves to min(rejected, hint+1), never below match+1.
    { state: "StateProbe", match: 0, next: 10, rejected: 9, hint: 9, ok: true, newNext: 9 },
    { state: "StateProbe", match: 0, next: 2, rejected: 1, hint: 1, ok: true, newNext: 1 },
    { state: "StateProbe", match: 0, next: 1, rejected: 0, hint: 0, ok: true, newNext: 1 },
    { state: "StateProbe", match: 0, next: 10, rejected: 9, hint: 2, ok: true, newNext: 3 },
    { state: "StateProbe", match: 0, next: 10, rejected: 9, hint: 0, ok: true, newNext: 1 },
    { state: "StateProbe", match: 4, next: 10, rejected: 9, hint: 1, ok: true, newNext: 5 },
  ])(
    "$state match $match next $next, rejected $rejected hint $hint → $ok, next $newNext",
    ({ state, match, next, rejected, hint, ok, newNext }) => {
      const pr = progress({ state, match, next });
      expect(pr.maybeDecrTo(rejected, hint)).toBe(ok);
      expect(pr.match).toBe(match);
      expect(pr.next).toBe(newNext);
    },
  );

  it("a genuine rejection while probing resumes the flow and regresses the sent commit", () => {
    const pr = progress({ next: 10, paused: true, sentCommit: 9 });
    expect(pr.maybeDecrTo(9, 2)).toBe(true);
    expect(pr.msgAppFlowPaused).toBe(false);
    expect(pr.sentCommitIndex).toBe(2);
  });

  it("a genuine rejection while replicating regresses the sent commit to match", () => {
    const pr = progress({ state: "StateReplicate", match: 3, next: 10, sentCommit: 8 });
    pr.maybeDecrTo(9, 9);
    expect(pr.sentCommitIndex).toBe(3);
  });
});

describe("progress sentEntries", () => {
  it("replicating: advances next, records the append in flight, pauses once the window is full", () => {
    const pr = progress({ state: "StateReplicate", match: 2, next: 3, inflight: 2 });
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(6);
    expect(pr.inflights.indexes()).toEqual([5]);
    expect(pr.msgAppFlowPaused).toBe(false);
    pr.sentEntries(1, 10);
    expect(pr.inflights.indexes()).toEqual([5, 6]);
    expect(pr.msgAppFlowPaused).toBe(true);
  });

  it("replicating: an empty append changes nothing in flight but re-evaluates the pause", () => {
    const pr = progress({ state: "StateReplicate", match: 2, next: 3, paused: true });
    pr.sentEntries(0, 0);
    expect(pr.next).toBe(3);
    expect(pr.inflights.count()).toBe(0);
    expect(pr.msgAppFlowPaused).toBe(false);
  });

  it("probing: a non-empty probe pauses the flow, an empty one does not", () => {
    const pr = progress({ state: "StateProbe", next: 3 });
    pr.sentEntries(0, 0);
    expect(pr.msgAppFlowPaused).toBe(false);
    pr.sentEntries(2, 5);
    expect(pr.msgAppFlowPaused).toBe(true);
    expect(pr.next).toBe(3);
    expect(pr.inflights.count()).toBe(0);
  });

  it("waiting for a snapshot: sending entries is a programming error", () => {
    const pr = progress({ state: "StateSnapshot", next: 3, pendingSnapshot: 2 });
    expect(() => pr.sentEntries(1, 1)).toThrow("sending append in unhandled state StateSnapshot");
  });
});

describe("progress commit propagation", () => {
  it.each([
    { sent: 0, next: 5, index: 3, can: true },
    { sent: 3, next: 5, index: 3, can: false }, // already sent
    { sent: 3, next: 5, index: 2, can: false },
    { sent: 4, next: 5, index: 7, can: false }, // sent commit already reaches next-1
    { sent: 3, next: 5, index: 4, can: true },
  ])("sent $sent, next $next: sending commit $index can bump: $can", ({ sent, next, index, can }) => {
    expect(progress({ next, sentCommit: sent }).canBumpCommit(index)).toBe(can);
  });

  it("sentCommit records the commit index sent", () => {
    const pr = progress({ next: 5 });
    pr.sentCommit(4);
    expect(pr.sentCommitIndex).toBe(4);
    expect(pr.canBumpCommit(5)).toBe(false);
  });
});

describe("progress copy and description", () => {
  it("copy duplicates the fields and shares the inflights, as etcd's value copy does", () => {
    const pr = progress({ state: "StateReplicate", match: 2, next: 4, sentCommit: 2, paused: true });
    pr.pendingSnapshot = 1;
    pr.isLearner = true;
    pr.recentActive = true;
    const copy = pr.copy();
    expect(copy).toEqual(pr);
    expect(copy).not.toBe(pr);
    expect(copy.inflights).toBe(pr.inflights);
  });

  it("prints like etcd", () => {
    const pr = new Progress({ match: 1, next: 2, inflights: new Inflights(1, 0), isLearner: true });
    pr.inflights.add(123, 1);
    pr.state = "StateSnapshot";
    pr.pendingSnapshot = 123;
    pr.msgAppFlowPaused = true;
    expect(pr.toString()).toBe(
      "StateSnapshot match=1 next=2 learner paused pendingSnap=123 inactive inflight=1[full]",
    );
    const active = new Progress({ next: 1, inflights: new Inflights(2, 0), recentActive: true });
    active.inflights.add(1, 1);
    expect(active.toString()).toBe("StateProbe match=0 next=1 inflight=1");
    expect(describeProgressMap(new Map([[10, active], [2, active]]))).toBe(
      "2: StateProbe match=0 next=1 inflight=1\n10: StateProbe match=0 next=1 inflight=1\n",
    );
  });
});

// Explore judges a driver as `run` does: a library without the `durable_commit` behaviour may come
// back from a restart below the commit it had (spec/protocol.md §5.1), and commit-monotonic must
// not fire for it — but must still fire for a library that claims a durable commit.
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import type { Driver } from "../../src/driver/types.js";
import { executeSchedule } from "../../src/explore/executor.js";
import type { Schedule } from "../../src/explore/schedule.js";
import { knownErrorOf } from "../../src/explore/seed.js";
import { alwaysOn } from "../../src/harness/behaviours.js";

/** The reference core, restarted with its commit index forgotten down to its snapshot (a volatile commit). */
function forgetfulCommit(): Driver {
  const inner = createInProcessDriver();
  return {
    ...inner,
    create: (node, config, storage) =>
      inner.create(node, config, { ...storage, hardState: { ...storage.hardState, commit: storage.snapshot?.metadata.index ?? 0 } }),
  };
}

// One voter elects itself and commits its empty entry (index 3), then crashes and restarts.
const schedule: Schedule = {
  nodes: 1,
  voters: 1,
  learners: 0,
  preVote: false,
  checkQuorum: false,
  leaseReads: false,
  asyncStorage: false,
  ops: [{ op: "campaign", node: 0 }, { op: "stabilize" }, { op: "crash", node: 0 }, { op: "restart", node: 0 }],
};

describe("explore's checker and the driver's always-on facts", () => {
  test("a restart below the durable commit is a violation when the commit is durable", async () => {
    const r = await executeSchedule(schedule, forgetfulCommit(), 1, [], alwaysOn(new Set(["durable_commit", "check_quorum_optional", "pre_vote_optional"])));
    expect(r.violation?.invariant).toBe("commit-monotonic");
    expect(r.violation?.message).toMatch(/came back with commit 2 below its durable commit 3/);
  });

  test("and not for a library whose commit index is volatile (no durable_commit)", async () => {
    const r = await executeSchedule(schedule, forgetfulCommit(), 1, [], alwaysOn(new Set(["check_quorum_optional", "pre_vote_optional"])));
    expect(r.violation).toBeUndefined();
    expect(r.events).toBe(r.steps.length);
    expect(r.steps.map((s) => s.kind)).toContain("restart");
  });
});

// explore --baseline: a known finding is not reported; by default the run ends at its first
// violation (what follows may be its consequences), and with `continue: true` it goes on unjudged.
describe("explore's known findings", () => {
  const durable = alwaysOn(new Set(["durable_commit", "check_quorum_optional", "pre_vote_optional"]));
  const longer: Schedule = { ...schedule, ops: [...schedule.ops, { op: "campaign", node: 0 }, { op: "stabilize" }] };

  test("end the run quietly at the step that first violates one", async () => {
    const r = await executeSchedule(longer, forgetfulCommit(), 1, ["commit-monotonic"], durable);
    expect(r.violation).toBeUndefined();
    expect(r.stoppedAt).toBe("commit-monotonic");
    expect(r.steps.at(-1)?.kind).toBe("restart");
  });

  test("or, listed to go on, are not judged and the run goes on", async () => {
    const r = await executeSchedule(longer, forgetfulCommit(), 1, ["commit-monotonic"], durable, ["commit-monotonic"]);
    expect(r.violation).toBeUndefined();
    expect(r.stoppedAt).toBeUndefined();
    expect(r.steps.at(-1)?.kind).not.toBe("restart");
    expect(r.steps.length).toBeGreaterThan((await executeSchedule(longer, forgetfulCommit(), 1, ["commit-monotonic"], durable)).steps.length);
  });

  test("and another invariant is still judged", async () => {
    const r = await executeSchedule(longer, forgetfulCommit(), 1, ["vote-once"], durable);
    expect(r.violation?.invariant).toBe("commit-monotonic");
    expect(r.stoppedAt).toBeUndefined();
  });
});

describe("explore's known driver errors", () => {
  const panic = { invariant: "driver-error", message: "step MsgAppResp into 3: driver answered `step` with error internal: panic: unwrap", details: "panicked at raft-0.7.0/src/raft.rs:943\n…" };

  test("an entry with a message knows only the errors whose message or details contain it", () => {
    expect(knownErrorOf(panic, [{ invariant: "driver-error", message: "raft.rs:943" }])).toEqual({ invariant: "driver-error", message: "raft.rs:943" });
    expect(knownErrorOf(panic, [{ invariant: "driver-error", message: "raft.rs:1225" }])).toBeUndefined();
    expect(knownErrorOf(panic, [{ invariant: "driver-error", message: "MsgAppResp into 3" }])).toBeDefined();
    expect(knownErrorOf(panic, [{ invariant: "harness-error" }])).toBeUndefined();
  });

  test("an entry without one knows every error of its kind", () => {
    expect(knownErrorOf(panic, [{ invariant: "driver-error" }])).toEqual({ invariant: "driver-error" });
    expect(knownErrorOf({ invariant: "driver-error", message: "killed by SIGSEGV" }, [{ invariant: "driver-error" }])).toBeDefined();
  });
});

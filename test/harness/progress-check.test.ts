import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import type { InvariantChecker } from "../../src/invariants/observation.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";

const noInvariants: InvariantChecker = { invariants: [], check: () => [] };

function trace(steps: string): Trace {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\nfeatures: [leader_transfer, progress_status]\nsteps:\n  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n  - campaign: 1\n  - stabilize: {}\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.trace;
}

async function run(t: Trace, level: "observable" | "invariants" = "observable") {
  return runTrace(t, createInProcessDriver(), { level, seed: 1, checker: noInvariants });
}

describe("runner: lead_transferee and progress checks", () => {
  test("the leader's pending transfer and its followers' progress are observable", async () => {
    const r = await run(trace(`  - isolate: 3
  - propose: {node: 1, data: x}
  - stabilize: {}
  - transfer-leadership: {from: 1, to: 3}
  - check: {node: 1, role: leader, lead_transferee: 3, progress: {1: {match: 4, next: 5}, 2: {state: StateReplicate, match: 4, recent_active: true}, 3: {state: StateReplicate, match: 3, next: 5, inflight: 1, paused: false}}}
`));
    expect(r.failure?.message).toBeUndefined();
    expect(r.status).toBe("passed");
  });

  test("a progress mismatch fails the check with the peer and field", async () => {
    const r = await run(trace(`  - check: {node: 1, progress: {2: {state: StateProbe}}}
`));
    expect(r.status).toBe("failed");
    expect(r.failure?.message).toContain("node 1 progress.2.state: expected StateProbe, got StateReplicate");
  });

  test("a progress check on a follower fails: only the leader tracks progress", async () => {
    const r = await run(trace(`  - check: {node: 2, progress: {1: {match: 3}}}
`));
    expect(r.status).toBe("failed");
    expect(r.failure?.message).toContain("node 2 progress: expected progress for peer(s) 1, but the node tracks none (it is a follower");
  });

  test("a transfer to a node that is not a member is accepted as input and leaves no transferee", async () => {
    const r = await run(trace(`  - transfer-leadership: {from: 1, to: 7}
  - check: {node: 1, role: leader, lead_transferee: {absent: true}}
`));
    expect(r.status).toBe("passed");
  });
});

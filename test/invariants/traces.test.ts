import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runTrace } from "../../src/harness/run.js";
import { createChecker } from "../../src/invariants/index.js";
import type { InjectedObs, InvariantChecker } from "../../src/invariants/observation.js";
import { loadTraceFile, loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";

// The checker fed by the real harness: traces that once tripped it on legal behaviour.

function inline(steps: string): Trace {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\nfeatures: []\nsteps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.trace;
}

async function file(path: string): Promise<Trace> {
  const r = await loadTraceFile(path);
  if (!r.ok) throw new Error(`${path} is invalid`);
  return r.trace;
}

async function violations(t: Trace, checker?: InvariantChecker): Promise<string> {
  const r = await runTrace(t, createInProcessDriver(), { level: "invariants", seed: 1, ...(checker !== undefined ? { checker } : {}) });
  return r.status === "passed" ? "" : (r.failure?.message ?? r.status);
}

describe("the checker on harness traces", () => {
  test("a leader entering and auto-leaving a joint config within one stabilize is legal", async () => {
    expect(await violations(await file("traces/etcd/interaction/confchange-v2-add-double-implicit.yaml"))).toBe("");
  });

  test("an asynchronous apply thread running ahead of status.applied is legal", async () => {
    // Node 1 applies 4 while the MsgStorageApplyResp for 3 is still queued, then 5 in stabilize.
    const t = inline(`  - add-nodes: {count: 1, voters: [1], index: 2, config: {async_storage_writes: true}}
  - campaign: 1
  - stabilize: {}
  - propose: {node: 1, data: a}
  - process-ready: 1
  - process-append-thread: 1
  - deliver-msgs: 1
  - process-ready: 1
  - process-apply-thread: 1
  - propose: {node: 1, data: b}
  - process-ready: 1
  - process-append-thread: 1
  - deliver-msgs: {to: 1, type: MsgStorageAppendResp}
  - process-ready: 1
  - process-apply-thread: 1
  - stabilize: {}
`);
    expect(await violations(t)).toBe("");
  });

  test("messages a trace steps in by hand reach the checker as injected claims", async () => {
    const t = await file("traces/etcd/raft_paper_test/TestLeaderSyncFollowerLog/case-0.yaml");
    const real = createChecker();
    const injected: InjectedObs[] = [];
    const spy: InvariantChecker = { invariants: real.invariants, check: (o) => (injected.push(...(o.injected ?? [])), real.check(o)) };
    expect(await violations(t, spy)).toBe("");
    expect(injected.map((m) => `${m.type} ${m.from}->${m.to} t${m.term} +${m.entries?.length ?? 0}`)).toEqual([
      "MsgApp 3->1 t8 +10",
      "MsgApp 3->2 t7 +9",
      "MsgVoteResp 3->1 t9 +0",
    ]);
  });

  test("a follower loaded by a lower-term MsgApp carrying higher-term entries is legal", async () => {
    expect(await violations(await file("traces/etcd/raft_paper_test/TestFollowerAppendEntries/case-1.yaml"))).toBe("");
  });
});

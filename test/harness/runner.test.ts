import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import type { Driver, Message } from "../../src/driver/types.js";
import type { InvariantChecker } from "../../src/invariants/observation.js";
import { runCorpus, runTrace } from "../../src/harness/run.js";
import { Network } from "../../src/harness/network.js";
import { Prng } from "../../src/harness/prng.js";
import { loadTraceFile, loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";
import type { TraceResult } from "../../src/report/types.js";

// These tests specify the harness; the invariants have their own tests.
const noInvariants: InvariantChecker = { invariants: [], check: () => [] };

function trace(steps: string, head = ""): Trace {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\nfeatures: []\n${head}steps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.trace;
}

/** Passed, not merely without a failure: an errored or skipped run has no failure either. */
function expectPassed(r: TraceResult): void {
  expect(r.reason ?? r.failure?.message).toBeUndefined();
  expect(r.status).toBe("passed");
}

async function run(t: Trace, driver: Driver = createInProcessDriver()) {
  return runTrace(t, driver, { level: "exact", seed: 1, checker: noInvariants });
}

const ELECTED = `  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
`;

describe("runner", () => {
  test("stabilize produces etcd's output order for campaign.txt", async () => {
    const r = await loadTraceFile("traces/core/election/three-node-campaign.yaml");
    if (!r.ok) throw new Error("trace invalid");
    expect((await run(r.trace)).status).toBe("passed");
  });

  test("a wrong expectation fails with the step, its line and a diff", async () => {
    const t = trace(`  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - process-ready: 1
    expect:
      - ready: {node: 1, must_sync: true, hard_state: {term: 2, vote: 1, commit: 2}}
`);
    const r = await run(t);
    expect(r.status).toBe("failed");
    expect(r.failure?.step).toBe(2);
    expect(r.failure?.line).toBe(8);
    expect(r.failure?.message).toContain("step 2 (process-ready, line 7): output events differ");
    expect(r.failure?.message).toMatch(/- +term: 2/);
    expect(r.failure?.message).toMatch(/\+ +term: 1/);
  });

  test("a partition drops messages between groups and shows them as dropped", async () => {
    const t = trace(`${ELECTED}  - partition: [[1, 2], [3]]
  - propose: {node: 1, data: x}
  - process-ready: 1
  - deliver-msgs: 3
    expect:
      - deliver: {node: 3, messages: [{type: MsgApp, from: 1, to: 3, term: 1, log_term: 1, index: 3, commit: 3, entries: [{term: 1, index: 4, data: x}], dropped: true}]}
  - stabilize: {}
  - check: {nodes: [1, 2], commit: 4}
  - check: {node: 3, last_index: 3}
`);
    expectPassed(await run(t));
  });

  test("deliver-msgs delivers only the messages matching recipient and type, in queue order", async () => {
    const t = trace(`  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - process-ready: 1
  - deliver-msgs: {to: 2, type: MsgApp}
    expect: []
  - deliver-msgs: {to: 2, type: MsgVote}
    expect:
      - deliver: {node: 2, messages: [{type: MsgVote, from: 1, to: 2, term: 1, log_term: 1, index: 2}]}
  - check: {node: 2, term: 1}
  - check: {node: 3, term: 0}
  - deliver-msgs: {drop: true}
    expect:
      - deliver: {node: 3, messages: [{type: MsgVote, from: 1, to: 3, term: 1, log_term: 1, index: 2, dropped: true}]}
  - check: {node: 3, term: 0}
`);
    expectPassed(await run(t));
  });

  test("a crash loses append work the storage thread never processed (async storage writes)", async () => {
    const r = await loadTraceFile("traces/core/faults/crash-loses-unsynced-writes.yaml");
    if (!r.ok) throw new Error("trace invalid");
    expectPassed(await run(r.trace));
  });

  test("a crash forgets the storage threads' answers still queued for the node (async storage writes)", async () => {
    const r = await loadTraceFile("traces/core/faults/crash-forgets-storage-answers.yaml");
    if (!r.ok) throw new Error("trace invalid");
    expectPassed(await run(r.trace));
  });

  test("a restarted node comes back with its durable hard state and log", async () => {
    const t = trace(`${ELECTED}  - crash: 2
  - check: {node: 2, term: 1, vote: 1, commit: 3}
  - restart: {node: 2}
  - check: {node: 2, role: follower, term: 1, vote: 1, commit: 3, last_index: 3, leader: {absent: true}}
  - raft-log: 2
    expect:
      - raft-log: {node: 2, entries: [{term: 1, index: 3}]}
`);
    expectPassed(await run(t));
  });

  test("a failing check names the node, the field, expected and actual", async () => {
    const r = await run(trace(`${ELECTED}  - check: {node: 2, role: leader, commit: {gte: 9}}\n`));
    expect(r.failure?.message).toBe("step 3 (check, line 8): check failed:\nnode 2 role: expected leader, got follower\nnode 2 commit: expected >= 9, got 3");
  });

  test("an outcome mismatch is a failure", async () => {
    const r = await run(trace(`  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n  - propose: {node: 1, data: x}\n    outcome: accepted\n`));
    expect(r.failure?.message).toContain("expected the input to be accepted, but it was rejected (ErrProposalDropped)");
  });

  test("at the observable level a step's sent: is judged against the messages it sent", async () => {
    const steps = (reject: boolean) =>
      `  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n  - campaign: 1\n  - process-ready: 1\n  - deliver-msgs: {to: 2, type: MsgVote}\n  - process-ready: 2\n    sent: [{type: MsgVoteResp, from: 2, to: 1, reject: ${reject}}]\n`;
    const ok = await runTrace(trace(steps(false)), createInProcessDriver(), { level: "observable", seed: 1, checker: noInvariants });
    expect(ok.status).toBe("passed");
    const wrong = await runTrace(trace(steps(true)), createInProcessDriver(), { level: "observable", seed: 1, checker: noInvariants });
    expect(wrong.failure?.message).toContain('no message matched sent: {"type":"MsgVoteResp","from":2,"to":1,"reject":true}');
  });

  test("at the invariants level checks and expectations are not evaluated", async () => {
    const t = trace(`${ELECTED}  - check: {node: 2, role: leader}\n`);
    const r = await runTrace(t, createInProcessDriver(), { level: "invariants", seed: 1, checker: noInvariants });
    expect(r.status).toBe("passed");
  });

  test("a trace needing a feature the driver lacks is skipped with the reason", async () => {
    const t = loadTraceText("t.yaml", `id: test/t\ndescription: d\nfeatures: [prevote]\nsteps:\n  - add-nodes: {count: 1}\n`);
    if (!t.ok) throw new Error();
    const base = createInProcessDriver();
    const info = await base.hello();
    const r = await runTrace(t.trace, base, { level: "exact", seed: 1, info: { ...info, capabilities: ["election"] } });
    expect(r).toMatchObject({ status: "skipped", reason: "driver lacks feature: prevote" });
  });

  test("runCorpus reports an invalid file as an input error and still runs the others", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rc-"));
    writeFileSync(path.join(dir, "bad.yaml"), "id: test/bad\ndescription: d\nfeatures: []\nsteps:\n  - campaign: 1\n");
    writeFileSync(path.join(dir, "good.yaml"), "id: test/good\ndescription: d\nfeatures: []\nsteps:\n  - add-nodes: {count: 1}\n");
    const { results } = await runCorpus({ paths: [dir], driverFactory: createInProcessDriver, level: "exact", seed: 1 });
    expect(results.map((r) => [r.id, r.status, r.errorKind ?? ""])).toEqual([["test/bad", "errored", "input"], ["test/good", "passed", ""]]);
    expect(results[0]?.reason).toBe(`${path.join(dir, "bad.yaml")}:5:5: step 0 (campaign) comes before any add-nodes: there is no node yet`);
  });
});

describe("network", () => {
  const msg = (from: number, to: number, term: number): Message => ({
    type: "MsgApp", from, to, term, logTerm: 0, index: 0, entries: [], commit: 0, vote: 0, reject: false, rejectHint: 0, context: new Uint8Array(), responses: [],
  });

  test("reorder is a seeded shuffle of the matching messages only", () => {
    const order = (seed: number): number[] => {
      const n = new Network();
      n.send([msg(1, 2, 1), msg(1, 3, 9), msg(1, 2, 2), msg(1, 2, 3), msg(1, 2, 4)]);
      n.reorder({ to: [2] }, new Prng(seed));
      return n.pending.map((m) => m.term);
    };
    expect(order(5)).toEqual(order(5));
    expect(order(5)[1]).toBe(9);
    expect([...order(5)].sort()).toEqual([1, 2, 3, 4, 9]);
  });

  test("duplicate queues a copy right behind each matching message", () => {
    const n = new Network();
    n.send([msg(1, 2, 1), msg(1, 3, 2)]);
    n.duplicate({ to: [3] });
    expect(n.pending.map((m) => [m.to, m.term])).toEqual([[2, 1], [3, 2], [3, 2]]);
  });

  test("dropping never takes a node's messages to itself", () => {
    const n = new Network();
    n.send([msg(2, 2, 1), msg(1, 2, 2)]);
    expect(n.take(2, {}, true).map((m) => m.term)).toEqual([2]);
    expect(n.pending.length).toBe(1);
  });
});

// `needs:` on a step (spec/trace-format.md, "Gating assertions on a behaviour"): the step's
// observable assertions are checked only with a driver that has every behaviour named; without one
// of them the step still runs and the report counts what was not checked. And `log: {ignore_empty}`.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { FEATURES, type Driver } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import { evaluateCheck, type NodeView } from "../../src/trace/check.js";
import { loadTraceText } from "../../src/trace/load.js";
import { BEHAVIOURS, type Trace } from "../../src/trace/types.js";
import { summarize } from "../../src/report/summary.js";
import { BEHAVIOUR_MUTANTS } from "../mutants/behaviours.js";
import { buildMutant } from "../mutants/load.js";

function trace(steps: string): Trace {
  const r = loadTraceText("needs.yaml", `id: test/needs\ndescription: d\nfeatures: [election, replication]\nsteps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return r.trace;
}

const ALL = [...FEATURES] as string[];
const WITHOUT_EMPTY = ALL.filter((f) => f !== "empty_entry_on_election");

async function run(t: Trace, driver: Driver, capabilities: readonly string[]) {
  try {
    return await runTrace(t, driver, { level: "observable", seed: 1, capabilities });
  } finally {
    await driver.close();
  }
}

const ELECTED = `  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
`;

describe("needs: gates a step's observable assertions", () => {
  it("is checked in full when the driver has the behaviour, and skipped (and counted) when it lacks it", async () => {
    const wrong = trace(`${ELECTED}  - check: {node: 1, commit: 99}
    needs: [empty_entry_on_election]
  - check: {node: 1, role: leader, term: 1}
`);
    const full = await run(wrong, createInProcessDriver(), ALL);
    expect(full.status).toBe("failed");
    expect(full.failure?.message).toContain("node 1 commit: expected 99, got 3");
    expect(full.assertionsSkipped).toBeUndefined();
    const gated = await run(wrong, createInProcessDriver(), WITHOUT_EMPTY);
    expect(gated.status).toBe("passed");
    expect(gated.assertionsSkipped).toBe(1);
    expect(summarize([gated, full])).toMatchObject({ assertionsSkipped: 1, tracesWithSkippedAssertions: 1 });
  });

  it("leaves the other assertions of the trace in force", async () => {
    const t = trace(`${ELECTED}  - check: {node: 1, commit: 3}
    needs: [empty_entry_on_election]
  - check: {node: 1, role: follower}
`);
    const r = await run(t, createInProcessDriver(), WITHOUT_EMPTY);
    expect(r.status).toBe("failed");
    expect(r.failure?.message).toContain("node 1 role: expected follower, got leader");
  });

  it("gates outcome and sent of an input step, not the step itself", async () => {
    const t = trace(`${ELECTED}  - propose: {node: 1, data: x}
    outcome: rejected
    needs: [commit_broadcast]
  - stabilize: {}
    sent: [{type: MsgSnap}]
    needs: [commit_broadcast]
  - check: {all: true, app_state: {data: x}}
`);
    const gated = await run(t, createInProcessDriver(), ALL.filter((f) => f !== "commit_broadcast"));
    expect(gated.status).toBe("passed");
    expect(gated.assertionsSkipped).toBe(2);
    const full = await run(t, createInProcessDriver(), ALL);
    expect(full.failure?.message).toContain("expected the input to be rejected, but it was accepted");
  });

  it("still fails on a driver that declares the behaviour but breaks it", async () => {
    // The reference without its empty entry, declaring every capability: the gated index check
    // (etcd's empty entry is index 3) must fail; with the capability withheld it is skipped.
    const mutant = BEHAVIOUR_MUTANTS.find((m) => m.feature === "empty_entry_on_election");
    if (mutant === undefined) throw new Error("mutant for empty_entry_on_election is missing");
    const t = trace(`${ELECTED}  - check: {node: 1, commit: 3, last_index: 3}
    needs: [empty_entry_on_election]
  - check: {all: true, role: {one_of: [leader, follower]}, log: {ignore_empty: []}}
`);
    expect((await run(t, createInProcessDriver(), ALL)).status).toBe("passed");
    const built = buildMutant(mutant);
    try {
      const lying = await run(t, await built.createDriver(), ALL);
      expect(lying.status).toBe("failed");
      expect(lying.failure?.message).toContain("node 1 commit: expected 3, got 2");
      const honest = await run(t, await built.createDriver(), WITHOUT_EMPTY);
      expect(honest.status).toBe("passed");
      expect(honest.assertionsSkipped).toBe(1);
    } finally {
      built.dispose();
    }
  }, 60_000);

  it("names exactly the behaviour capabilities of spec/protocol.md §5.1, in the schema too", () => {
    expect(BEHAVIOURS.every((b) => (FEATURES as readonly string[]).includes(b))).toBe(true);
    type Items = { items: { $ref: string } };
    const schema = JSON.parse(readFileSync("spec/trace.schema.json", "utf8")) as { $defs: { behaviour: { enum: string[] }; step: { properties: { needs: Items; stands_in_for: Items } } } };
    expect(schema.$defs.behaviour.enum).toEqual([...BEHAVIOURS]);
    expect(schema.$defs.step.properties.needs.items.$ref).toBe("#/$defs/behaviour");
    expect(schema.$defs.step.properties.stands_in_for.items.$ref).toBe("#/$defs/behaviour");
    const protocol = readFileSync("spec/protocol.md", "utf8");
    const table = protocol.slice(protocol.indexOf("### 5.1"), protocol.indexOf("## 6."));
    const named = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(named.sort()).toEqual([...BEHAVIOURS].sort());
  });

  it("the report schema accepts the counts", () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync("spec/report.schema.json", "utf8")) as object);
    const trace = { id: "x", file: "x.yaml", status: "passed", level: "observable", features: [], assertionsSkipped: 2 };
    const report = {
      tool: { name: "raft-conformance", version: "0" }, seed: 1, level: "observable", requestedLevel: "observable",
      driver: { protocolVersion: 1, implementation: { name: "n", version: "v", language: "l" }, messageModel: "generic", capabilities: [] },
      summary: { total: 1, passed: 1, failed: 0, skipped: 0, errored: 0, assertionsSkipped: 2, tracesWithSkippedAssertions: 1 },
      traces: [trace],
    };
    expect(validate(report)).toBe(true);
    expect(validate({ ...report, traces: [{ ...trace, assertionsSkipped: 0 }] })).toBe(false);
  });
});

describe("log: {ignore_empty} and committed: {ignore_empty}", () => {
  const view = (log: NodeView["log"]): NodeView => ({
    id: 1, up: true, role: "leader", term: 2, vote: 1, leader: 1, commit: 0, applied: 0, lastIndex: 0, durableLastIndex: 0,
    appState: new Uint8Array(), log, config: { voters: [1], voters_outgoing: [], learners: [], learners_next: [] }, readStates: [], leadTransferee: 0,
  });
  const withEmpty = view([
    { term: 1, index: 3, type: "EntryNormal", data: "" },
    { term: 1, index: 4, type: "EntryNormal", data: "a" },
    { term: 2, index: 5, type: "EntryNormal", data: "" },
    { term: 2, index: 6, type: "EntryConfChangeV2", conf_change: "v2" },
  ]);
  const without = view([
    { term: 1, index: 3, type: "EntryNormal", data: "a" },
    { term: 2, index: 4, type: "EntryConfChangeV2", conf_change: "v2" },
  ]);
  const want = { log: { ignore_empty: [{ term: 1, data: "a" }, { term: 2, type: "EntryConfChangeV2" }] } };

  it("holds with and without the empty entries", () => {
    expect(evaluateCheck(want, withEmpty)).toEqual([]);
    expect(evaluateCheck(want, without)).toEqual([]);
  });

  it("is exact over the rest: a missing, extra or different entry fails", () => {
    expect(evaluateCheck({ log: { ignore_empty: [{ term: 1, data: "a" }] } }, without)[0]).toMatch(/^node 1 log: expected \(leaving out empty entries\) exactly\n/);
    expect(evaluateCheck({ log: { ignore_empty: [{ term: 1, data: "a" }, { term: 2 }, { term: 2 }] } }, without)).toHaveLength(1);
    expect(evaluateCheck({ log: { ignore_empty: [{ term: 2, data: "a" }, { term: 2 }] } }, withEmpty)).toHaveLength(1);
    expect(evaluateCheck({ log: { ignore_empty: [] } }, withEmpty)).toHaveLength(1);
  });

  it("committed: the non-empty entries up to the commit index, exactly", () => {
    const committed = (commit: number, v: NodeView): NodeView => ({ ...v, commit });
    expect(evaluateCheck({ committed: { ignore_empty: [{ term: 1, data: "a" }] } }, committed(5, withEmpty))).toEqual([]);
    expect(evaluateCheck({ committed: { ignore_empty: [{ term: 1, data: "a" }] } }, committed(3, without))).toEqual([]);
    expect(evaluateCheck({ committed: { ignore_empty: [] } }, committed(3, withEmpty))).toEqual([]);
    const [problem] = evaluateCheck({ committed: { ignore_empty: [] } }, committed(4, without));
    expect(problem).toMatch(/^node 1 committed: expected \(leaving out empty entries\) exactly\n {4}\[\]\ngot \(commit 4\)\n/);
    expect(evaluateCheck({ committed: { ignore_empty: [{ term: 1, data: "a" }] } }, committed(6, withEmpty))).toHaveLength(1);
  });
});

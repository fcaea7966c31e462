// Validation of the trace-format additions of issue 18: every mistake is reported with file:line
// and says what to write instead.
import { describe, expect, test } from "vitest";
import { formatTraceError } from "../../src/trace/errors.js";
import { loadTraceText } from "../../src/trace/load.js";

const HEAD = "id: test/x\ndescription: d\nfeatures: []\nsteps:\n  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n";

function errors(steps: string): string[] {
  const r = loadTraceText("t.yaml", HEAD + steps);
  return r.ok ? [] : r.errors.map(formatTraceError);
}

describe("tick-election and tick-heartbeat take a node id", () => {
  test("a number naming no node says it is a node id, not a count", () => {
    expect(errors("  - tick-election: 5\n")).toEqual([
      "t.yaml:6:5: step 1 (tick-election) refers to node 5, but only nodes 1..3 exist at this point (tick-election takes the id of the node to tick, not a count; to tick node N K times its interval write 'tick-election: {node: N, times: K}')",
    ]);
  });

  test("a count key is an unknown key, with the same hint", () => {
    const e = errors("  - tick-heartbeat: {count: 4}\n");
    expect(e[0]).toBe("t.yaml:6:22: unknown key 'count' (at /steps/1/tick-heartbeat) (tick-heartbeat takes the id of the node to tick, not a count; to repeat it write 'tick-heartbeat: {node: N, times: K}')");
  });

  test("{node, times} and {nodes, times} are valid; times must be positive", () => {
    expect(errors("  - tick-election: {node: 2, times: 3}\n  - tick-heartbeat: {nodes: [1, 3], times: 2}\n")).toEqual([]);
    expect(errors("  - tick-election: {node: 2, times: 0}\n")[0]).toMatch(/^t\.yaml:6:\d+: .*times: must be >= 1/);
    expect(errors("  - tick-election: {node: 4, times: 2}\n")[0]).toMatch(/^t\.yaml:6:5: step 1 \(tick-election\) refers to node 4/);
  });
});

describe("expect is only allowed on steps that produce events", () => {
  test.each(["tick-heartbeat: 1", "tick: {node: 1}", "crash: 2", "heal: {}", "hold: {to: 2}", "check: {node: 1, term: 0}"])("%s with expect is an error at the expect line", (step) => {
    const kind = step.split(":")[0] ?? "";
    expect(errors(`  - ${step}\n    expect: []\n`)).toEqual([
      `t.yaml:7:5: step 1 (${kind}): 'expect' is not allowed here: a ${kind} step never produces events, so the expectation could not fail; remove it (or attach it to the step that produces the events)`,
    ]);
  });

  test("steps that may produce events keep it", () => {
    expect(errors("  - campaign: 1\n    expect: []\n  - deliver-msgs: {to: 2, first: 1}\n    expect: []\n  - release: {}\n  - raft-log: 1\n    expect: []\n")).toEqual([]);
  });
});

describe("new step and check fields", () => {
  test("deliver-msgs first and hold first must be >= 1", () => {
    expect(errors("  - deliver-msgs: {to: 2, first: 0}\n")[0]).toMatch(/^t\.yaml:6:\d+: \/steps\/1\/deliver-msgs\/first: must be >= 1/);
    expect(errors("  - hold: {to: 2, first: 0}\n")[0]).toMatch(/^t\.yaml:6:\d+: \/steps\/1\/hold\/first: must be >= 1/);
  });

  test("hold and release name existing nodes", () => {
    expect(errors("  - hold: {to: 4}\n")).toEqual(["t.yaml:6:5: step 1 (hold) refers to node 4, but only nodes 1..3 exist at this point"]);
    expect(errors("  - release: {from: 9, type: MsgApp}\n")).toEqual(["t.yaml:6:5: step 1 (release) refers to node 9, but only nodes 1..3 exist at this point"]);
  });

  test("app_state takes data or data_b64, not both, and a 64-digit sha256", () => {
    expect(errors("  - check: {node: 1, app_state: {data: a, data_b64: YQ==}}\n")[0]).toMatch(/app_state: has a combination of keys that is not allowed/);
    expect(errors("  - check: {node: 1, app_state: {sha256: abc}}\n")[0]).toMatch(/app_state\/sha256: must match/);
    expect(errors("  - check: {node: 1, app_state: {}}\n")[0]).toMatch(/app_state: must NOT have fewer than 1 properties/);
  });

  test("up, halted, durable_last_index and read_states matchers validate", () => {
    expect(errors("  - check: {node: 1, up: false, halted: removed all voters, durable_last_index: {gte: 2}, read_states: [{index: {gte: 3}, ctx: a}]}\n")).toEqual([]);
    expect(errors("  - check: {node: 1, up: down}\n")[0]).toMatch(/\/steps\/1\/check\/up: expected boolean/);
  });
});

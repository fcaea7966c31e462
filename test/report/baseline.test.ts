import { describe, expect, it } from "vitest";
import { BaselineError, parseBaseline } from "../../src/report/baseline-file.js";
import { BaselineMatcher } from "../../src/report/baseline.js";
import type { TraceResult } from "../../src/report/types.js";

const CHANGE = "https://github.com/etcd-io/raft/pull/8";

function problems(text: string): readonly string[] {
  try {
    parseBaseline("b.yaml", text);
  } catch (e) {
    if (e instanceof BaselineError) return e.problems;
    throw e;
  }
  return [];
}

function result(id: string, status: TraceResult["status"], extra: Partial<TraceResult> = {}): TraceResult {
  return { id, file: `traces/${id}.yaml`, status, features: [], durationMs: 0, ...extra };
}

const baseline = parseBaseline(
  "b.yaml",
  `entries:
  - id: a
    reason: &self-ack the leader acknowledges its own append before persisting it
    change: ${CHANGE}
  - id: b
    reason: *self-ack
    change: ${CHANGE}
  - id: c
    reason: the driver refuses a command 3.4 does not have
    change: ${CHANGE}
    status: errored
`,
);

describe("baseline file", () => {
  it("reads entries with their line, a shared reason through an alias, and status failed by default", () => {
    expect(baseline.entries.map((e) => [e.id, e.status, e.line])).toEqual([["a", "failed", 2], ["b", "failed", 5], ["c", "errored", 8]]);
    expect(baseline.entries[1]?.reason).toBe("the leader acknowledges its own append before persisting it");
  });

  it("rejects an entry whose change is not a link to a PR or commit, at the line of that value", () => {
    expect(problems(`entries:\n  - id: a\n    reason: a reason long enough\n    change: see the changelog\n`)).toEqual([
      "b.yaml:4: /entries/0/change: must link to a GitHub pull request, commit or issue (https://github.com/owner/repo/pull/N or /commit/SHA), or to a source line at a pinned commit (/blob/<40-hex SHA>/path#Lnn)",
    ]);
  });

  it("accepts a source line at a pinned commit, and refuses one on a branch (it would move)", () => {
    const entry = (change: string): string => `entries:\n  - id: a\n    reason: a reason long enough\n    change: ${change}\n`;
    expect(problems(entry("https://github.com/tikv/raft-rs/blob/10c6e9db6792b85c81784e44fc278f895d5f0ab0/src/raft.rs#L943"))).toEqual([]);
    expect(problems(entry("https://github.com/tikv/raft-rs/blob/master/src/raft.rs#L943"))).toHaveLength(1);
  });

  it("rejects an entry without a reason and an unknown key, each at its line", () => {
    expect(problems(`entries:\n  - id: a\n    change: ${CHANGE}\n    because: x\n`)).toEqual([
      "b.yaml:2: /entries/0: missing required key 'reason'",
      "b.yaml:4: /entries/0/because: unknown key (allowed: id, reason, change, status)",
    ]);
  });

  it("rejects a trace listed twice, naming both lines", () => {
    const entry = `  - id: a\n    reason: a reason long enough\n    change: ${CHANGE}\n`;
    expect(problems(`entries:\n${entry}${entry}`)).toEqual(["b.yaml:5: trace a is already listed at line 2"]);
  });

  it("reads known exploration findings (invariant + reason + change, optional trace) with their line", () => {
    const b = parseBaseline("b.yaml", `entries: []\nexploration:\n  - invariant: durability\n    reason: the leader acknowledges its own append early\n    change: ${CHANGE}\n    trace: etcd/interaction/single-node\n`);
    expect(b.exploration).toEqual([{ invariant: "durability", reason: "the leader acknowledges its own append early", change: CHANGE, trace: "etcd/interaction/single-node", continue: false, line: 3 }]);
    expect(baseline.exploration).toEqual([]);
  });

  it("reads `continue` and an error's `message`; the same error may be listed once per message", () => {
    const b = parseBaseline(
      "b.yaml",
      `entries: []\nexploration:\n  - invariant: durability\n    reason: a reason long enough\n    change: ${CHANGE}\n    continue: true\n` +
        `  - invariant: driver-error\n    reason: a reason long enough\n    change: ${CHANGE}\n    message: raft.rs:943\n` +
        `  - invariant: driver-error\n    reason: a reason long enough\n    change: ${CHANGE}\n    message: raft.rs:1225\n`,
    );
    expect(b.exploration.map((e) => [e.invariant, e.continue, e.message])).toEqual([
      ["durability", true, undefined],
      ["driver-error", false, "raft.rs:943"],
      ["driver-error", false, "raft.rs:1225"],
    ]);
    const twice = `  - invariant: driver-error\n    reason: a reason long enough\n    change: ${CHANGE}\n    message: raft.rs:943\n`;
    expect(problems(`entries: []\nexploration:\n${twice}${twice}`)).toEqual(["b.yaml:7: exploration finding driver-error (raft.rs:943) is already listed at line 3"]);
    expect(problems(`entries: []\nexploration:\n  - invariant: durability\n    reason: a reason long enough\n    change: ${CHANGE}\n    message: raft.go\n`)).toEqual([
      "b.yaml:3: exploration finding durability: `message` applies to driver-error and harness-error only (an invariant is known as a whole)",
    ]);
  });

  it("rejects an exploration finding listed twice, and one without a change", () => {
    const entry = `  - invariant: durability\n    reason: a reason long enough\n    change: ${CHANGE}\n`;
    expect(problems(`entries: []\nexploration:\n${entry}${entry}`)).toEqual(["b.yaml:6: exploration finding durability is already listed at line 3"]);
    expect(problems(`entries: []\nexploration:\n  - invariant: durability\n    reason: a reason long enough\n`)).toEqual(["b.yaml:3: /exploration/0: missing required key 'change'"]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problems(`entries:\n  - id: [a\n`)[0]).toMatch(/^b\.yaml:\d+: YAML: /);
  });
});

describe("applying a baseline", () => {
  const matcher = new BaselineMatcher(baseline);

  it("marks a listed failure as known, with its reason and change", () => {
    expect(matcher.mark(result("a", "failed")).baseline).toEqual({
      kind: "known",
      reason: "the leader acknowledges its own append before persisting it",
      change: CHANGE,
    });
  });

  it("marks a listed trace that passes as stale", () => {
    expect(matcher.mark(result("b", "passed")).baseline?.kind).toBe("stale");
  });

  it("does not excuse an outcome other than the listed one, nor say anything about a skip", () => {
    expect(matcher.mark(result("a", "errored", { errorKind: "driver" })).baseline).toBeUndefined();
    expect(matcher.mark(result("c", "failed")).baseline).toBeUndefined();
    expect(matcher.mark(result("a", "skipped", { reason: "capability" })).baseline).toBeUndefined();
    expect(matcher.mark(result("c", "errored", { errorKind: "input" })).baseline).toBeUndefined();
    expect(matcher.mark(result("unlisted", "failed")).baseline).toBeUndefined();
  });

  it("counts an entry that matched no trace as stale only when the run covered the whole corpus", () => {
    const results = [result("a", "failed"), result("b", "passed")];
    expect(matcher.apply(results, true).summary).toEqual({
      file: "b.yaml",
      entries: 3,
      known: 1,
      stale: [{ id: "b", why: "passes" }, { id: "c", why: "missing" }],
    });
    expect(matcher.apply(results, false).summary.stale).toEqual([{ id: "b", why: "passes" }]);
  });
});

describe("a baseline in the JSON report", () => {
  it("marks each listed trace and summarises, and the report still matches spec/report.schema.json", async () => {
    const { toJsonReport } = await import("../../src/report/json.js");
    const { schemaErrors } = await import("./schema.js");
    const { driver } = await import("./fixtures.js");
    const applied = new BaselineMatcher(baseline).apply(
      [result("a", "failed", { failure: { step: 1, line: 9, message: "m" } }), result("b", "passed")],
      true,
    );
    const json = JSON.parse(
      toJsonReport(
        { tool: { name: "raft-conformance", version: "0.1.0" }, seed: 1, level: "exact", driver, results: applied.results, baseline: applied.summary },
        { timings: false },
      ),
    ) as { traces: { id: string; baseline?: { kind: string } }[]; baseline: unknown };
    expect(schemaErrors(json)).toBe("");
    expect(json.traces.map((t) => [t.id, t.baseline?.kind])).toEqual([["a", "known"], ["b", "stale"]]);
    expect(json.baseline).toEqual({ file: "b.yaml", entries: 3, known: 1, stale: [{ id: "b", why: "passes" }, { id: "c", why: "missing" }] });
  });
});

describe("the baselines in conformance/baselines/", () => {
  it("each load against the schema: every entry has a reason and a link to the change (or pinned source line) behind it", async () => {
    const { readdirSync } = await import("node:fs");
    const { loadBaselineFile } = await import("../../src/report/baseline-file.js");
    const files = readdirSync("conformance/baselines").filter((f) => f.endsWith(".yaml"));
    expect(files).toContain("etcd-raft-3.4.yaml");
    expect(files).toContain("raft-rs-0.7.yaml");
    for (const f of files) {
      const b = loadBaselineFile(`conformance/baselines/${f}`);
      expect(b.entries.length).toBeGreaterThan(0);
      for (const e of b.entries) expect(e.change).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/(commit\/|pull\/|issues\/|blob\/[0-9a-f]{40}\/)/);
    }
  });
});

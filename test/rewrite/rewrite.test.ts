// `rewrite`: expectations refreshed from the reference, in place, touching nothing else.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rewriteExpectations } from "../../src/trace/rewrite.js";
import { unifiedDiff } from "../../src/trace/rewrite-diff.js";
import type { Yaml } from "../../src/trace/types.js";
import { buildCli, CLI, ROOT } from "../cli/build.js";

const TRACE = `# header comment
id: x/y
steps:
  - campaign: 1   # why we campaign
    expect: [{error: Wrong}]
  - stabilize: {}
    # kept as written: equal to the actual events once canonical
    expect:
      - deliver: { node: 2, messages: [ {type: MsgVote, from: 1, to: 2, term: 1, reject: false} ] }
  - tick: {node: 1}
  - raft-state: {}
`;

const actual = new Map<number, readonly Yaml[]>([
  [0, []],
  [1, [{ deliver: { node: 2, messages: [{ type: "MsgVote", from: 1, to: 2, term: 1 }] } }]],
  [2, []],
  [3, [{ "raft-state": [{ node: 1, state: "StateLeader", voter: true, term: 1, lead: 1 }] }]],
]);

describe("rewriteExpectations", () => {
  it("replaces an expectation that differs and leaves every other byte alone", () => {
    const out = rewriteExpectations(TRACE, actual, { fill: false });
    expect(out.changed).toEqual([0]);
    expect(out.text).toBe(TRACE.replace("expect: [{error: Wrong}]", "expect: []"));
  });

  it("keeps an expectation that equals the actual events after canonicalisation, however it is written", () => {
    const out = rewriteExpectations(TRACE, actual, { fill: false });
    expect(out.text).toContain("- deliver: { node: 2, messages: [ {type: MsgVote, from: 1, to: 2, term: 1, reject: false} ] }");
  });

  it("with fill, adds expect: to steps that produced events and have none, in the ported style", () => {
    const out = rewriteExpectations(TRACE, actual, { fill: true });
    expect(out.changed).toEqual([0, 3]);
    expect(out.text.endsWith(`  - raft-state: {}
    expect:
      - raft-state:
          - {node: 1, term: 1, lead: 1, state: StateLeader, voter: true}
`)).toBe(true);
    // A step that produced nothing gets nothing.
    expect(out.text).toContain("  - tick: {node: 1}\n  - raft-state");
  });

  it("leaves steps that did not run as they are", () => {
    const out = rewriteExpectations(TRACE, new Map(), { fill: true });
    expect(out).toEqual({ text: TRACE, changed: [], problems: [] });
  });

  it("compares expectations that use YAML aliases by their values", () => {
    const text = "id: x/y\nsteps:\n  - propose: {node: 1, data: &d hello}\n    expect: [{error: *d}]\n";
    expect(rewriteExpectations(text, new Map([[0, [{ error: "hello" }]]]), { fill: false }).changed).toEqual([]);
  });
});

describe("unifiedDiff", () => {
  it("prints hunks like diff -u", () => {
    const a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    expect(unifiedDiff(a, b, "a/f", "b/f")).toBe("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  });

  it("is empty when nothing changed", () => {
    expect(unifiedDiff("a\n", "a\n", "x", "y")).toBe("");
  });
});

describe("raft-conformance rewrite (compiled CLI)", () => {
  beforeAll(() => {
    if (inject("cliBuilt") !== true) buildCli();
  }, 180_000);

  const cli = (args: readonly string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("--check reports a stale expectation with a diff and exit 1, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "rc-rewrite-"));
    const file = join(dir, "failing-election.yaml");
    copyFileSync(join(ROOT, "test/fixtures/traces/html/failing-election.yaml"), file);
    const before = readFileSync(file, "utf8");
    const r = cli(["rewrite", "--check", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`--- a/${file}\n+++ b/${file}\n@@ `);
    expect(r.stdout).toContain("-          soft_state: {state: StateCandidate}\n+          soft_state: {lead: 1, state: StateLeader}\n");
    expect(r.stderr).toBe(`rewrite: ${file} would change\nrewrite: 1 file would change, 0 unchanged\n`);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("rewrites the file so that the trace passes and --check is then clean", () => {
    const dir = mkdtempSync(join(tmpdir(), "rc-rewrite-"));
    const file = join(dir, "failing-election.yaml");
    copyFileSync(join(ROOT, "test/fixtures/traces/html/failing-election.yaml"), file);
    const before = readFileSync(file, "utf8");
    expect(cli(["rewrite", file]).code).toBe(0);
    const after = readFileSync(file, "utf8");
    // The stale block is re-rendered (a comment inside it goes with it); every other line stays.
    const changes = unifiedDiff(before, after, "a", "b").split("\n").filter((l) => /^[-+][^-+]/.test(l));
    expect(changes).toEqual([
      "-          # Deliberately wrong: node 1 has become leader here.",
      "-          soft_state: {state: StateCandidate}",
      "+          soft_state: {lead: 1, state: StateLeader}",
    ]);
    expect(cli(["rewrite", "--check", file])).toMatchObject({ code: 0, stdout: "" });
    expect(cli(["run", file]).code).toBe(0);
  });

  it("refuses to rewrite a trace whose checks fail against the reference (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "rc-rewrite-"));
    const file = join(dir, "bad-check.yaml");
    writeFileSync(file, "id: t/bad-check\ndescription: d\nfeatures: [election]\nsteps:\n  - add-nodes: {count: 1, voters: [1], index: 2}\n  - check: {node: 1, role: leader}\n");
    const r = cli(["rewrite", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: not rewritten: the reference fails this trace: line 6: `);
  });
});

import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCorpus, loadTraceText, type LoadResult } from "../../src/trace/load.js";
import { formatTraceError } from "../../src/trace/errors.js";

const HEAD = "id: test/x\ndescription: d\nfeatures: [election]\nsteps:\n";

function errors(r: LoadResult): string[] {
  return r.ok ? [] : r.errors.map(formatTraceError);
}

describe("trace loader", () => {
  test("a valid trace loads with a line for every step and expectation", () => {
    const r = loadTraceText("t.yaml", HEAD + "  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n  - campaign: 1\n    expect:\n      - error: ErrProposalDropped\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.trace.steps.map((s) => [s.kind, s.loc.line])).toEqual([["add-nodes", 5], ["campaign", 6]]);
    expect(r.trace.steps[1]?.expect?.locs[0]?.line).toBe(8);
  });

  test("bad YAML is reported as file:line:column", () => {
    const e = errors(loadTraceText("bad.yaml", HEAD + "  - campaign: [1\n"));
    expect(e[0]).toMatch(/^bad\.yaml:\d+:\d+: YAML: /);
  });

  test("a duplicate key is a YAML error", () => {
    expect(errors(loadTraceText("d.yaml", "id: a/b\nid: a/c\n"))[0]).toMatch(/^d\.yaml:2:1: YAML: .*[Uu]nique/);
  });

  test("a schema error names the JSON pointer and what was expected", () => {
    const e = errors(loadTraceText("s.yaml", HEAD + "  - add-nodes: {count: 3}\n  - campaign: two\n"));
    expect(e).toEqual(["s.yaml:6:15: /steps/1/campaign: expected integer"]);
  });

  test("an unknown key points at the key", () => {
    const e = errors(loadTraceText("k.yaml", HEAD + "  - add-nodes: {count: 3, colour: red}\n"));
    expect(e).toEqual(["k.yaml:5:27: unknown key 'colour' (at /steps/0/add-nodes)"]);
  });

  test("a step with no step key says which keys exist", () => {
    const e = errors(loadTraceText("n.yaml", HEAD + "  - comment: nothing\n"));
    expect(e[0]).toMatch(/^n\.yaml:5:5: a step needs one step key .*found comment/);
  });

  test("a step naming a node that does not exist is rejected", () => {
    const e = errors(loadTraceText("u.yaml", HEAD + "  - add-nodes: {count: 2}\n  - campaign: 3\n"));
    expect(e).toEqual(["u.yaml:6:5: step 1 (campaign) refers to node 3, but only nodes 1..2 exist at this point"]);
  });

  test("a step before add-nodes is rejected", () => {
    const e = errors(loadTraceText("b.yaml", HEAD + "  - campaign: 1\n"));
    expect(e).toEqual(["b.yaml:5:5: step 0 (campaign) comes before any add-nodes: there is no node yet"]);
  });

  test("outcome is only allowed on input steps", () => {
    const e = errors(loadTraceText("o.yaml", HEAD + "  - add-nodes: {count: 1}\n  - stabilize: {}\n    outcome: accepted\n"));
    expect(e[0]).toMatch(/'outcome' is only allowed on input steps/);
  });

  test("a v1 conf change with two changes is rejected", () => {
    const e = errors(loadTraceText("c.yaml", HEAD + "  - add-nodes: {count: 1}\n  - propose-conf-change: {node: 1, changes: v2 v3, v1: true}\n"));
    expect(e[0]).toMatch(/v1 conf change carries exactly one change/);
  });

  test("too many aliases are refused", () => {
    const text = "id: a/b\nx: &a [1]\ny: [" + Array.from({ length: 200 }, () => "*a").join(", ") + "]\n";
    expect(errors(loadTraceText("a.yaml", text))[0]).toMatch(/^a\.yaml:1:1: YAML: .*[Aa]lias/);
  });

  test("ids follow the directory under traces/ and etcd ports need a source", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rc-"));
    const etcd = path.join(dir, "traces", "etcd", "x");
    mkdirSync(etcd, { recursive: true });
    writeFileSync(path.join(etcd, "a.yaml"), HEAD.replace("test/x", "core/a") + "  - add-nodes: {count: 1}\n");
    return loadCorpus([path.join(etcd, "a.yaml")]).then(([r]) => {
      const e = r ? errors(r.result) : [];
      expect(e.some((m) => m.includes("must start with 'etcd/'"))).toBe(true);
      expect(e.some((m) => m.includes("need 'source'"))).toBe(true);
    });
  });

  test("a trace id used by two files is an error in the second", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rc-"));
    const a = path.join(dir, "a.yaml");
    const b = path.join(dir, "b.yaml");
    writeFileSync(a, HEAD + "  - add-nodes: {count: 1}\n");
    writeFileSync(b, HEAD + "  - add-nodes: {count: 1}\n");
    const [ra, rb] = await loadCorpus([a, b]);
    expect(ra?.result.ok).toBe(true);
    expect(rb ? errors(rb.result) : []).toEqual([`${b}:1:5: duplicate trace id 'test/x' (also used by ${a})`]);
  });
});

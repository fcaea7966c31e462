// `check-log`: a recorded run re-checked offline. The format is proven round-trip: what `run
// --record` writes, `check-log` reads back into the same observations (no violation on traces the
// reference passes); a tampered step is reported with its line and step; a malformed line is exit 2.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { checkLog } from "../../src/cli/check-log.js";
import { buildCli, CLI, ROOT } from "../cli/build.js";

const dir = mkdtempSync(join(tmpdir(), "rc-check-log-"));
const LOG = join(dir, "run.ndjson");
let lines: string[] = [];

function cli(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
  // Elections, crashes and restarts, async storage: the parts of the format that carry state.
  const r = cli(["run", "traces/core/faults", "traces/core/election", "traces/etcd/interaction/async-storage-writes.yaml", "--record", LOG]);
  expect(r.code, r.stderr).toBe(0);
  lines = readFileSync(LOG, "utf8").trimEnd().split("\n");
}, 180_000);

function write(name: string, content: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${content.join("\n")}\n`);
  return file;
}

/** Line number (1-based) of the first step line of the first trace with at least `nodes` nodes leading. */
function stepWithLeader(): { index: number; step: { step: number; nodes: { id: number; role: string; term: number; leader: number }[] } } {
  for (const [index, l] of lines.entries()) {
    const v = JSON.parse(l) as { type: string; step: number; nodes: { id: number; role: string; term: number; leader: number; up: boolean }[] };
    if (v.type === "step" && v.nodes.length >= 3 && v.nodes.some((n) => n.role === "leader") && v.nodes.every((n) => n.up)) return { index, step: v };
  }
  throw new Error("no step with a leader in the recorded run");
}

describe("raft-conformance check-log", () => {
  it("finds no violation in a run the reference passes, read back from run --record", () => {
    const r = cli(["check-log", LOG]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const traces = lines.filter((l) => l.startsWith('{"type":"trace"')).length;
    const steps = lines.filter((l) => l.startsWith('{"type":"step"')).length;
    expect(r.stdout).toBe(`${traces} traces, ${steps} steps checked: 0 violations\n`);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ type: "header", version: 1, seed: 1 });
  });

  it("reports two leaders in one term as an election-safety violation at its line and step (exit 1)", () => {
    const { index, step } = stepWithLeader();
    const leader = step.nodes.find((n) => n.role === "leader");
    const other = step.nodes.find((n) => n.role !== "leader");
    if (leader === undefined || other === undefined) throw new Error("unreachable");
    const tampered = { ...step, nodes: step.nodes.map((n) => (n.id === other.id ? { ...n, role: "leader", term: leader.term, leader: n.id } : n)) };
    const file = write("two-leaders.ndjson", lines.map((l, i) => (i === index ? JSON.stringify(tampered) : l)));
    const r = cli(["check-log", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${file}:${index + 1}: trace \\S+ step ${step.step}: invariant election-safety violated: `, "m"));
  });

  it("names the line of something that is not JSON (exit 2)", () => {
    const file = write("garbage.ndjson", [...lines.slice(0, 3), "{not json", ...lines.slice(3)]);
    const r = cli(["check-log", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file}:4: malformed run log: not JSON`, "m"));
  });

  it("names the line and field of a line that does not match the schema (exit 2)", () => {
    const res = checkLog("f.ndjson", `${lines[0]}\n${lines[1]}\n{"type":"step","step":0,"nodes":[],"logs":[],"applied":[],"restarted":[],"delivered":[],"ticks":[],"extra":1}\n`);
    expect(res.malformed).toBe("f.ndjson:3: malformed run log: step line does not match spec/run-log.schema.json: at / must NOT have additional properties (extra)");
  });

  it("rejects a file without a header, steps before a trace, and a log that does not add up", () => {
    expect(checkLog("f", "").malformed).toBe("f:1: malformed run log: empty file (no header line)");
    expect(checkLog("f", `${lines[1]}\n`).malformed).toMatch(/^f:1: malformed run log: the first line must be the header/);
    expect(checkLog("f", `${lines[0]}\n${lines[2]}\n`).malformed).toBe("f:2: malformed run log: a step before any trace line");
    const step = JSON.parse(lines[2] as string) as { nodes: { lastIndex: number }[] };
    const grown = { ...step, nodes: step.nodes.map((n) => ({ ...n, lastIndex: n.lastIndex + 5 })) };
    expect(checkLog("f", `${lines[0]}\n${lines[1]}\n${JSON.stringify(grown)}\n`).malformed).toMatch(/^f:3: malformed run log: step 0: node 1: lastIndex \d+ but entry \d+ was never written$/);
  });
});

// scripts/baseline-crosscheck.mjs: every entry of an old version's baseline must pass on some newer
// version, unless every newer version's baseline lists it too (a finding no version fixed).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPT = new URL("../../scripts/baseline-crosscheck.mjs", import.meta.url).pathname;

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "crosscheck-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const entry = (id: string): string => `  - id: ${id}\n    reason: "a reason long enough"\n    change: https://github.com/etcd-io/raft/commit/63903dd\n`;
const baseline = (...ids: string[]): string => `entries:\n${ids.map(entry).join("")}`;
const report = (statuses: Record<string, string>): string =>
  JSON.stringify({ traces: Object.entries(statuses).map(([id, status]) => ({ id, status })) });

function run(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const p = spawnSync(process.execPath, [SCRIPT, join(dir, "old.yaml"), ...args.map((a) => a.replace(/@/g, `${dir}/`))], { encoding: "utf8" });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

describe("baseline-crosscheck", () => {
  const dir = fixture({
    "old.yaml": baseline("fixed-in-b", "finding", "broken-port"),
    "a.json": report({ "fixed-in-b": "failed", finding: "failed", "broken-port": "failed" }),
    "b.json": report({ "fixed-in-b": "passed", finding: "errored", "broken-port": "failed" }),
    "a.yaml": baseline("fixed-in-b", "finding"),
    "b.yaml": baseline("finding"),
  });

  it("fails naming an entry that fails on every newer version without being listed there", () => {
    const r = run(dir, "a=@a.json:@a.yaml", "b=@b.json:@b.yaml");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("| fixed-in-b | failed (baseline) | passed | ok: passes on b |");
    expect(r.stdout).toContain("| finding | failed (baseline) | errored (baseline) | etcd finding");
    expect(r.stdout).toContain("| broken-port | failed | failed | PROBLEM");
    expect(r.stderr).toContain("1 entry of");
  });

  it("passes when each entry passes somewhere or is a finding every newer baseline lists", () => {
    const ok = fixture({ "old.yaml": baseline("fixed-in-b", "finding"), "b.json": report({ "fixed-in-b": "passed", finding: "failed" }), "b.yaml": baseline("finding") });
    const r = run(ok, "b=@b.json:@b.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("1 of 2 entries pass on a newer version; 1 are findings");
  });

  it("counts a finding listed in only one newer baseline as a problem", () => {
    const r = run(dir, "a=@a.json", "b=@b.json:@b.yaml");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("| finding | failed | errored (baseline) | PROBLEM");
  });
});

// Determinism: the same traces and seed give byte-identical JSON reports, run after run, including
// traces whose outcome depends on the seed (tick-driven elections, seeded reorder). A different
// seed is still allowed to give a different report.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BAD, runWithReport } from "./cli-run.js";

const TRACES = [
  "test/reliability/traces",
  `${BAD}/good.yaml`,
  `${BAD}/hostile-propose.yaml`,
  `${BAD}/unknown-node.yaml`,
  "traces/etcd/interaction/campaign.yaml",
];

async function reportBytes(seed: number): Promise<string> {
  const run = await runWithReport(["--seed", String(seed), ...TRACES]);
  expect(run.reportText).toBeDefined();
  return run.reportText ?? "";
}

describe("the JSON report", () => {
  it("is byte-identical for two runs with the same inputs and seed", async () => {
    const first = await runWithReport(["--seed", "7", ...TRACES]);
    const second = await runWithReport(["--seed", "7", ...TRACES]);
    expect(first.code).toBe(2); // one trace is deliberately invalid input
    const ids = (first.report?.traces ?? []).map((t) => [t.id, t.status]);
    expect(ids).toContainEqual(["reliability/determinism-tick-election", "passed"]);
    expect(ids).toContainEqual(["reliability/determinism-reorder", "passed"]);
    expect(first.reportText).toBeDefined();
    expect(first.reportText).toBe(second.reportText);
    expect(first.stdout).toBe(second.stdout);
  });

  it("records the seed, so a report names how to reproduce it", async () => {
    expect(JSON.parse(await reportBytes(12345)).seed).toBe(12345);
    expect(readFileSync("test/reliability/traces/tick-election.yaml", "utf8")).not.toMatch(/^seed:/m);
  });
});

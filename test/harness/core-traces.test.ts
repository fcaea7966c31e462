import { expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runCorpus } from "../../src/harness/run.js";

test("every trace under traces/core passes on the reference core at the exact level, invariants on", async () => {
  const { results } = await runCorpus({ paths: ["traces/core"], driverFactory: createInProcessDriver, level: "exact", seed: 1 });
  expect(results.length).toBeGreaterThanOrEqual(12);
  const bad = results.filter((r) => r.status !== "passed").map((r) => `${r.id}: ${r.reason ?? r.failure?.message ?? ""}`);
  expect(bad).toEqual([]);
});

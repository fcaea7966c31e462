// Schedules the soak or explore of the correct reference flagged while the checker was stricter
// than etcd (a vote or a transfer seen only in messages bundled in one stabilize step, entries
// applied around a snapshot installed in the same step, a leader stepping down and campaigning in
// one step, a lost unwritten snapshot, a leader committing ahead of its own write) or while the
// harness mishandled a restored snapshot (driver-error-*: the application's state was not restored
// with it, so a later snapshot sent on carried a stale configuration).
// The reference must pass every one with all invariants on.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";

const DIR = fileURLToPath(new URL("../fixtures/soak-regressions/", import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

test("there are soak regressions to replay", () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});

test.each(files)("%s passes on the reference with every invariant", async (file) => {
  const loaded = loadTraceText(path.join(DIR, file), readFileSync(path.join(DIR, file), "utf8"));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  const result = await runTrace(loaded.trace, createInProcessDriver(), { level: "exact", seed: 1 });
  expect(result.failure?.message).toBeUndefined();
  expect(result.status).toBe("passed");
});

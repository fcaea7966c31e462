import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { explore } from "../../src/explore/explore.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import { MUTANTS } from "../mutants/catalogue.js";
import { buildMutant } from "../mutants/load.js";

const tool = { version: "test", commit: "0".repeat(40) };

describe("explore --against (differential exploration)", () => {
  test("two copies of the reference core never diverge", async () => {
    const s = await explore({
      seed: 500,
      runs: 15,
      driver: { kind: "inprocess" },
      against: { kind: "inprocess" },
      workers: 1,
      write: false,
      seedOptions: { maxOps: 120, outDir: "unused", tool, shrinkMs: 1000 },
    });
    expect(s.runs).toBe(15);
    expect(s.events).toBeGreaterThan(300);
    expect(s.found.map((f) => f.found?.violation.message)).toEqual([]);
  });

  test("a diverging driver is caught at the exact level, shrunk, and written as a trace that passes on the first driver only", async () => {
    // The reference core with one changed rule: a follower grants a vote it already gave away.
    const mutant = MUTANTS.find((m) => m.id === "vote-granted-twice");
    if (mutant === undefined) throw new Error("mutant missing");
    const built = buildMutant(mutant);
    const out = mkdtempSync(path.join(tmpdir(), "explore-against-"));
    try {
      const s = await explore({
        seed: 1,
        runs: 10,
        driver: { kind: "inprocess" },
        against: { kind: "module", url: built.driverUrl },
        workers: 1,
        stopOnFirst: true,
        seedOptions: { maxOps: 120, outDir: out, tool, shrinkMs: 5000 },
      });
      const f = s.found[0];
      expect(f?.found?.violation.invariant).toBe("divergence");
      expect(f?.found?.replayed).toBe(true);
      const file = f?.path ?? "";
      const text = readFileSync(file, "utf8");
      const loaded = loadTraceText(file, text);
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
      expect(loaded.trace.source?.test).toBe("divergence");
      // The step where the drivers parted carries what the reference did.
      const asserted = loaded.trace.steps.filter((st) => st.expect !== undefined || st.outcome !== undefined || st.kind === "check");
      expect(asserted.length).toBeGreaterThan(0);
      const onReference = await runTrace(loaded.trace, createInProcessDriver(), { level: "exact", seed: 1 });
      expect(onReference.status).toBe("passed");
      const onMutant = await runTrace(loaded.trace, await built.createDriver(), { level: "exact", seed: 1 });
      expect(onMutant.status).toBe("failed");
      // Only the asserted step (or a check after it) fails: the steps before it agree.
      expect(onMutant.failure?.step).toBeGreaterThanOrEqual(Math.min(...asserted.map((st) => st.index)));
    } finally {
      built.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  });
});

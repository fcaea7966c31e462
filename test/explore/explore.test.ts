import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { explore, shardSeeds } from "../../src/explore/explore.js";
import { traceText } from "../../src/explore/trace-writer.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import { MUTANTS } from "../mutants/catalogue.js";
import { buildMutant } from "../mutants/load.js";

const tool = { version: "test", commit: "0".repeat(40) };

describe("explore", () => {
  test("the reference core shows no violation over a short soak", async () => {
    const s = await explore({
      seed: 1000,
      runs: 40,
      driver: { kind: "inprocess" },
      workers: 1,
      write: false,
      seedOptions: { maxOps: 40, outDir: "unused", tool, shrinkMs: 1000 },
    });
    expect(s.runs).toBe(40);
    expect(s.events).toBeGreaterThan(400);
    expect(s.found.map((f) => `${f.seed}: ${f.found?.violation.message ?? ""}`)).toEqual([]);
  });

  test("--shard i/n keeps the runs whose number is i-1 modulo n, and the shards cover every run once", () => {
    expect(shardSeeds(10, 7, { index: 1, count: 3 })).toEqual([11, 14]);
    const all = [0, 1, 2].flatMap((index) => shardSeeds(10, 7, { index, count: 3 })).sort((a, b) => a - b);
    expect(all).toEqual(shardSeeds(10, 7, undefined));
  });

  test("a violation is shrunk and written as a valid trace that fails the same way when replayed, on the mutant only", async () => {
    const mutant = MUTANTS.find((m) => m.id === "vote-granted-twice");
    if (mutant === undefined) throw new Error("mutant missing");
    const built = buildMutant(mutant);
    const out = mkdtempSync(path.join(tmpdir(), "explore-test-"));
    try {
      const s = await explore({
        seed: 1,
        runs: 5,
        driver: { kind: "module", url: built.driverUrl },
        workers: 1,
        stopOnFirst: true,
        seedOptions: { maxOps: 60, outDir: out, tool, shrinkMs: 3000, label: mutant.id },
      });
      const f = s.found[0];
      expect(f?.found?.violation.invariant).toBe("vote-once");
      expect(f?.found?.replayed).toBe(true);
      const file = f?.path ?? "";
      const loaded = loadTraceText(file, readFileSync(file, "utf8"));
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
      expect(loaded.trace.source).toEqual({ repo: "raft-conformance/explore", path: `seed/${f?.seed ?? 0}`, commit: tool.commit, test: "vote-once" });
      const onMutant = await runTrace(loaded.trace, await built.createDriver(), { level: "exact", seed: 1 });
      expect(onMutant.failure?.invariant).toBe("vote-once");
      // What explore --baseline replays with: a known finding is not judged, so the run goes on.
      const notJudged = await runTrace(loaded.trace, await built.createDriver(), { level: "exact", seed: 1, except: ["vote-once"] });
      expect(notJudged.failure?.invariant).not.toBe("vote-once");
      const onReference = await runTrace(loaded.trace, createInProcessDriver(), { level: "exact", seed: 1 });
      expect(onReference.status).toBe("passed");
    } finally {
      built.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("a trace explored with known findings not judged says so, since run judges them again", () => {
    const base = {
      seed: 7,
      violation: { invariant: "driver-error", step: 2, message: "panic", nodes: [] },
      defaults: {},
      steps: [],
      tool,
      driver: "d",
      outDir: "out",
    };
    expect(traceText(base)).not.toContain("not judged");
    expect(traceText({ ...base, notJudged: ["role-consistency"] })).toContain("explored with role-consistency not judged");
  });
});

// The minimal traces `explore` found on mutants (test/fixtures/regressions/): each fails on its
// mutant with the invariant its provenance names, and passes on the reference core.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import { MUTANTS } from "./catalogue.js";
import { buildMutant } from "./load.js";

const DIR = fileURLToPath(new URL("../fixtures/regressions/", import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

function load(file: string) {
  const loaded = loadTraceText(path.join(DIR, file), readFileSync(path.join(DIR, file), "utf8"));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return loaded.trace;
}

describe("regression traces found by explore", () => {
  test("there are at least three", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files)("%s fails on its mutant and passes on the reference", async (file) => {
    const mutant = MUTANTS.find((m) => file.startsWith(`${m.id}-`));
    if (mutant === undefined) throw new Error(`${file} names no mutant of the catalogue`);
    const trace = load(file);
    expect(trace.source?.repo).toBe("raft-conformance/explore");
    const reference = await runTrace(trace, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(reference.failure?.message).toBeUndefined();
    expect(reference.status).toBe("passed");
    const built = buildMutant(mutant);
    try {
      const onMutant = await runTrace(trace, await built.createDriver(), { level: "exact", seed: 1 });
      expect(onMutant.status).toBe("failed");
      expect(onMutant.failure?.invariant).toBe(trace.source?.test);
    } finally {
      built.dispose();
    }
  });
});

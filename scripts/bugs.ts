// `npm run bugs`: every mutant of test/mutants/ against the corpus (traces/), then a bounded
// exploration (at most --explore-s seconds, 60 by default) when the corpus misses it. Prints a
// table (bug, caught by, time) and last `caught N/M`; exits 1 unless every mutant is caught.
//   npm run bugs [-- --explore-s N --seed N --only id,id --out DIR]
import { parseArgs } from "node:util";
import { MUTANTS } from "../test/mutants/catalogue.js";
import { hunt, type HuntResult } from "../test/mutants/hunt.js";
import { runCorpus } from "../src/harness/run.js";
import { createInProcessDriver } from "../src/driver/inprocess.js";

const { values } = parseArgs({
  options: {
    "explore-s": { type: "string", default: "60" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "60" },
    only: { type: "string" },
    out: { type: "string" },
    corpus: { type: "string", default: "traces" },
  },
});
const exploreMs = Number(values["explore-s"]) * 1000;
const only = values.only?.split(",");
const mutants = MUTANTS.filter((m) => only === undefined || only.includes(m.id));
const corpus = [values.corpus];

/** Traces that fail on the reference core too are no evidence against a mutant. */
async function failingOnReference(files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const { results } = await runCorpus({ paths: [...files], driverFactory: createInProcessDriver, level: "exact", seed: 1 });
  return new Set(results.filter((r) => r.status !== "passed" && r.status !== "skipped").map((r) => r.id));
}

const referenceFailures = await failingOnReference(corpus);
if (referenceFailures.size > 0) console.log(`(${referenceFailures.size} corpus traces fail on the reference core and are ignored)`);

const rows: HuntResult[] = [];
const width = Math.max(...mutants.map((m) => m.id.length));
console.log(`${"bug".padEnd(width)}  ${"caught by".padEnd(60)}  time`);
for (const m of mutants) {
  const r = await hunt(m, {
    corpus,
    referenceFailures,
    seed: Number(values.seed),
    maxOps: Number(values.steps),
    exploreMs,
    shrinkMs: Math.min(20_000, exploreMs / 2),
    outDir: values.out,
  });
  rows.push(r);
  const by = r.caughtBy ?? "NOT CAUGHT";
  console.log(`${m.id.padEnd(width)}  ${by.padEnd(60)}  ${(r.ms / 1000).toFixed(1)}s${r.file !== undefined ? `  ${r.file}` : ""}`);
}
const caught = rows.filter((r) => r.caughtBy !== undefined).length;
console.log(`caught ${caught}/${rows.length}`);
process.exitCode = caught === rows.length ? 0 : 1;

// `npm run bugs`: every mutant of test/mutants/ against the corpus (traces/), then a bounded
// exploration (at most --explore-s seconds, 60 by default) when the corpus misses it. Prints a
// table (bug, caught by, time) and last `caught N/M`; exits 1 unless every mutant is caught.
//   npm run bugs [-- --explore-s N --seed N --only id,id --out DIR]
//
// `npm run bugs -- --corpus DIR [--only id,id] [--json FILE]`: does a corpus of your own have teeth?
// Every trace under DIR (files or directories, comma-separated) runs against every mutant, with no
// exploration; prints per mutant which traces catch it (and how), then per trace which mutants it
// catches. Exits 1 when a trace fails on the reference core (it proves nothing), 0 otherwise.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { MUTANTS } from "../test/mutants/catalogue.js";
import { hunt, mutantVerdicts, referenceFailures, referenceResults, type HuntResult, type TraceVerdict } from "../test/mutants/hunt.js";

const { values } = parseArgs({
  options: {
    "explore-s": { type: "string", default: "60" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "60" },
    only: { type: "string" },
    out: { type: "string" },
    corpus: { type: "string" },
    json: { type: "string" },
  },
});
const only = values.only?.split(",");
const unknown = only?.filter((id) => !MUTANTS.some((m) => m.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown mutant(s): ${unknown.join(", ")}; the catalogue has ${MUTANTS.map((m) => m.id).join(", ")}`);
  process.exit(2);
}
const mutants = MUTANTS.filter((m) => only === undefined || only.includes(m.id));

if (values.corpus !== undefined) await corpusMatrix(values.corpus.split(","));
else await catalogueHunt();

/** The default: each mutant is caught by the corpus (traces/) or by a bounded exploration. */
async function catalogueHunt(): Promise<void> {
  const exploreMs = Number(values["explore-s"]) * 1000;
  const corpus = ["traces"];
  const failing = await referenceFailures(corpus);
  if (failing.size > 0) console.log(`(${failing.size} corpus traces fail on the reference core and are ignored)`);
  const rows: HuntResult[] = [];
  const width = Math.max(...mutants.map((m) => m.id.length));
  console.log(`${"bug".padEnd(width)}  ${"caught by".padEnd(60)}  time`);
  for (const m of mutants) {
    const r = await hunt(m, {
      corpus,
      referenceFailures: failing,
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
}

/** `--corpus DIR`: every trace of DIR against every mutant, per mutant and per trace. */
async function corpusMatrix(corpus: readonly string[]): Promise<void> {
  const reference = await referenceResults(corpus);
  const usable = reference.filter((r) => r.status === "passed");
  const unusable = reference.filter((r) => r.status !== "passed");
  console.log(`corpus ${corpus.join(", ")}: ${reference.length} trace(s), ${usable.length} pass on the reference core`);
  for (const r of unusable) {
    const why = (r.failure?.message ?? r.reason ?? "").split("\n")[0] ?? "";
    console.log(`  not used: ${r.id} (${r.file}) is ${r.status} on the reference core${why === "" ? "" : `: ${why}`}`);
  }
  const matrix: { mutant: string; bug: string; traces: TraceVerdict[] }[] = [];
  const width = Math.max(...mutants.map((m) => m.id.length));
  console.log("");
  console.log("per mutant (a trace catches a mutant when it fails or errors on it; exact level, seed 1):");
  for (const m of mutants) {
    const traces = await mutantVerdicts(m, usable);
    matrix.push({ mutant: m.id, bug: m.bug, traces });
    const caught = traces.filter((t) => t.verdict === "caught");
    console.log(`${m.id.padEnd(width)}  caught by ${caught.length}/${traces.length}`);
    for (const t of traces) console.log(`    ${t.verdict.padEnd(7)} ${t.id}${t.detail === undefined ? "" : `  ${t.detail}`}`);
  }
  console.log("");
  console.log("per trace:");
  for (const r of usable) {
    const hits = matrix.filter((row) => row.traces.some((t) => t.file === r.file && t.verdict === "caught")).map((row) => row.mutant);
    console.log(`  ${r.id}: catches ${hits.length}/${matrix.length}${hits.length > 0 ? `: ${hits.join(", ")}` : " (no teeth against the catalogue)"}`);
  }
  const caughtAny = matrix.filter((row) => row.traces.some((t) => t.verdict === "caught")).length;
  console.log(`caught ${caughtAny}/${matrix.length} by the corpus`);
  if (values.json !== undefined) {
    const reference = Object.fromEntries(unusable.map((r) => [r.file, r.status]));
    writeFileSync(values.json, `${JSON.stringify({ corpus, notUsed: reference, mutants: matrix }, null, 2)}\n`);
  }
  process.exitCode = unusable.length > 0 ? 1 : 0;
}

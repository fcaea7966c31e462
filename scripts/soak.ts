// `npm run soak`: explores the reference core until at least --events harness steps (default
// 1,000,000) have run, and fails on any violation. Not part of CI (it takes tens of minutes);
// test/explore/soak.test.ts runs a short version.
//   npm run soak [-- --events N --seed N --workers N]
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { explore } from "../src/explore/explore.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    workers: { type: "string", default: String(availableParallelism()) },
    steps: { type: "string", default: "250" },
  },
});
const target = Number(values.events);
const workers = Number(values.workers);
let seed = Number(values.seed);
let events = 0;
let runs = 0;
let violations = 0;
const started = Date.now();
console.log(`seed ${seed}; soaking the reference core for ${target} events with ${workers} worker(s)`);
while (events < target) {
  const batch = 50 * workers;
  const s = await explore(
    {
      seed,
      runs: batch,
      driver: { kind: "inprocess" },
      workers,
      seedOptions: { maxOps: Number(values.steps), outDir: "traces/regressions", tool: { version: "soak", commit: "0".repeat(40) }, shrinkMs: 60_000 },
    },
    (r, file) => {
      if (r.found !== undefined) console.log(`violation: ${r.found.violation.invariant} at seed ${r.seed}: ${r.found.violation.message}${file !== undefined ? ` → ${file}` : ""}`);
    },
  );
  seed += batch;
  events += s.events;
  runs += s.runs;
  violations += s.found.length;
  console.log(`${events} events, ${runs} runs, ${violations} violation(s), ${((Date.now() - started) / 1000).toFixed(0)}s`);
}
console.log(`soak: ${events} events, ${runs} runs, ${violations} violation(s)`);
process.exitCode = violations === 0 ? 0 : 1;

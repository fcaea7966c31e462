// `node dist/bugs/scripts/assertion-levels.js [DIR…]`: how many traces assert their point at each
// level. A trace's point is taken to be its last assertion: a trace asserts it at the observable
// level when its last assertion step carries a `check`, an `outcome` or a `sent` (which every driver
// is judged by), at the exact level when only an `expect:` block asserts it (etcd's message model
// only), and at the invariants level when it asserts nothing beyond the invariants.
import { findTraceFiles, loadCorpus } from "../src/trace/load.js";

const dirs = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const { files } = await findTraceFiles(dirs.length > 0 ? dirs : ["traces"]);
const counts = { observable: 0, exact: 0, invariants: 0 };
const exactOnly: string[] = [];
for (const { result } of await loadCorpus(files)) {
  if (!result.ok) continue;
  let lastObservable = -1;
  let lastExact = -1;
  for (const s of result.trace.steps) {
    if (s.kind === "check" || s.outcome !== undefined || s.sent !== undefined) lastObservable = s.index;
    if (s.expect !== undefined) lastExact = s.index;
  }
  if (lastObservable < 0 && lastExact < 0) counts.invariants++;
  else if (lastObservable >= lastExact) counts.observable++;
  else {
    counts.exact++;
    exactOnly.push(result.trace.id);
  }
}
console.log(`point asserted at observable: ${counts.observable}, only at exact: ${counts.exact}, invariants only: ${counts.invariants}`);
if (process.argv.includes("--list")) for (const id of exactOnly) console.log(`  exact only: ${id}`);

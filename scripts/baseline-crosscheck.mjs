#!/usr/bin/env node
// Checks the claims of an old implementation's baseline against newer versions: for every entry
// ("fails on 3.4 because of upstream change X"), how did that trace fare on each newer version?
//
//   node scripts/baseline-crosscheck.mjs BASELINE.yaml NAME=REPORT.json[:NEWER-BASELINE.yaml]…
//
// e.g. conformance/baselines/etcd-raft-3.4.yaml v3.6=etcd-raft-3.6-report.json v3.7=…
// An entry that fails on every newer version contradicts its own "fixed upstream" claim: that is a
// port or reference problem, and the script exits 1 naming it. The one exception is an entry that
// every newer version's baseline also lists (a reasoned finding about etcd that no version fixed);
// it is reported as such. The reports are `run --json` files (spec/report.schema.json).
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const [baselineFile, ...specs] = process.argv.slice(2);
if (baselineFile === undefined || specs.length === 0) {
  console.error("usage: node scripts/baseline-crosscheck.mjs BASELINE.yaml NAME=REPORT.json[:NEWER-BASELINE.yaml]…");
  process.exit(2);
}
const readYaml = (file) => parse(readFileSync(file, "utf8"));
const versions = specs.map((spec) => {
  const m = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(spec);
  if (m === null) {
    console.error(`${spec}: expected NAME=REPORT.json or NAME=REPORT.json:BASELINE.yaml`);
    process.exit(2);
  }
  const [, name, reportFile, newerBaseline] = m;
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  if (!Array.isArray(report.traces)) {
    console.error(`${reportFile}: not a raft-conformance JSON report (no traces)`);
    process.exit(2);
  }
  const listed = new Set(newerBaseline === undefined ? [] : readYaml(newerBaseline).entries.map((e) => e.id));
  return { name, reportFile, byId: new Map(report.traces.map((t) => [t.id, t])), listed };
});

const entries = readYaml(baselineFile).entries;
let problems = 0;
const tally = { passesSomewhere: 0, finding: 0 };
const header = `| trace | ${versions.map((v) => v.name).join(" | ")} | verdict |`;
console.log(`${baselineFile}: ${entries.length} entries against ${versions.map((v) => v.name).join(", ")}\n`);
console.log(header);
console.log(`|---|${versions.map(() => "---|").join("")}---|`);
for (const entry of entries) {
  const outcomes = versions.map((v) => {
    const t = v.byId.get(entry.id);
    if (t === undefined) return "missing";
    return t.status === "failed" || t.status === "errored" ? (v.listed.has(entry.id) ? `${t.status} (baseline)` : t.status) : t.status;
  });
  const passes = outcomes.some((o) => o === "passed");
  const allListed = versions.every((v) => v.listed.has(entry.id));
  let verdict;
  if (passes) {
    verdict = `ok: passes on ${versions.filter((_, i) => outcomes[i] === "passed").map((v) => v.name).join(", ")}`;
    tally.passesSomewhere++;
  } else if (allListed) {
    verdict = "etcd finding: fails on every version, listed in each newer baseline";
    tally.finding++;
  } else {
    verdict = "PROBLEM: fails on every newer version too (a port or reference problem)";
    problems++;
  }
  console.log(`| ${entry.id} | ${outcomes.join(" | ")} | ${verdict} |`);
}
console.log(
  `\n${tally.passesSomewhere} of ${entries.length} entries pass on a newer version; ${tally.finding} are findings every newer baseline lists; ${problems} problem(s).`,
);
if (problems > 0) {
  console.error(`${problems} entr${problems === 1 ? "y" : "ies"} of ${baselineFile} fail on every newer version without a newer baseline entry: fix the port or the reference, or reason it in the newer baselines.`);
  process.exit(1);
}

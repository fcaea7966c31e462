// `npm run bench`: the performance figures of issue 9 (P1–P5). Prints a table and writes
// bench-results.json. Every comparison runs its two sides alternately (A B A B …) in one process
// run, after one unrecorded warm-up round, and reports medians over --runs rounds (default 5).
//
//   node test/bench/run.mjs [--runs N] [--only P1,P4] [--out bench-results.json] [--driver CMD]… [--compare-dist DIR]
//
// P2 also times the whole corpus through every external driver given with --driver (repeatable)
// or in BENCH_DRIVERS (commands separated by ";"), and through each conformance/drivers/*/bin/*-driver
// that is built, side by side with the rest; and through the reference stdio driver speaking
// protocol version 1 (no batch), to show what batching buys. bench-results.md gets the table in
// the README's form.
//
// --compare-dist DIR: a build (the dist/ of another checkout, e.g. the commit before a change)
// whose exploration P3 runs in rotation with this one's, on the same schedules.
//
// Needs a build (npm run bench builds first). Go-side measures are skipped, with the reason
// recorded, when Go or Debian's etcd 3.4 source is absent.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { cliRun, corpusDriverCalls, corpusRun, driverSpawnCost, inProcessFactory, REFERENCE_DRIVER, stdioFactory, transportFloor } from "./corpus.mjs";
import { exploreBuild, exploreRun, invariantCostAt, sampleSchedules } from "./explore.mjs";
import { buildDriver, buildShuttle, ETCD_DRIVER, etcdSourcePresent, goTestRun, goVersion, shuttleGoRun } from "./go.mjs";
import { shuttleRun } from "./shuttle.mjs";
import { median, medians, round } from "./stats.mjs";

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const RUNS = Math.max(1, Number(flag("runs", "5")));
const ONLY = new Set(flag("only", "P1,P2,P3,P4,P5").split(","));
const OUT = flag("out", "bench-results.json");
/** External drivers for P2: --driver CMD (repeatable), BENCH_DRIVERS="cmd1;cmd2", and every built driver binary. */
const EXTERNAL = [
  ...args.flatMap((a, i) => (a === "--driver" && args[i + 1] !== undefined ? [args[i + 1]] : [])),
  ...(process.env.BENCH_DRIVERS ?? "").split(";").map((s) => s.trim()).filter((s) => s !== ""),
  ...readdirSync("conformance/drivers").flatMap((d) => {
    const bin = `conformance/drivers/${d}/bin`;
    return existsSync(bin) ? readdirSync(bin).filter((f) => f.endsWith("-driver")).map((f) => `${bin}/${f}`) : [];
  }),
].filter((d, i, all) => all.indexOf(d) === i);
const COMPARE_DIST = flag("compare-dist", undefined);
const log = (s) => process.stderr.write(`${s}\n`);

const go = goVersion();
const etcd = go !== undefined && etcdSourcePresent();
const goMissing = go === undefined ? "the go command is not installed" : !etcd ? "Debian's etcd 3.4 source (golang-etcd-server-dev) is not in GOPATH" : undefined;
const etcdDriver = goMissing === undefined && buildDriver();
const shuttleBuilt = goMissing === undefined && buildShuttle();

/** Runs the named sides in rotation, one unrecorded warm-up round then RUNS recorded ones. */
async function rotate(label, sides) {
  const samples = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let round = 0; round <= RUNS; round++) {
    const line = [];
    for (const [k, f] of Object.entries(sides)) {
      const s = await f();
      if (round > 0) samples[k].push(s);
      line.push(`${k} ${Math.round(s.wallMs)} ms`);
    }
    log(`${label} ${round === 0 ? "warm-up" : `round ${round}/${RUNS}`}: ${line.join(", ")}`);
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { runs: v.length, median: medians(v), samples: v.map((x) => round(x.wallMs)) }]));
}

const ratio = (a, b) => round(a / b);
const results = {
  date: new Date().toISOString(),
  machine: {
    nproc: os.availableParallelism(),
    cpu: (readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? "unknown").trim(),
    loadavg: os.loadavg().map((x) => round(x)),
    node: process.version,
    go: go ?? null,
  },
  runs: RUNS,
  measures: {},
};

// --- P1, P2, P5: the whole corpus -------------------------------------------------------------
if (ONLY.has("P1") || ONLY.has("P2") || ONLY.has("P5")) {
  const sides = { inProcess: () => corpusRun(inProcessFactory()) };
  if (ONLY.has("P1") && goMissing === undefined) sides.goTest = () => goTestRun();
  if (ONLY.has("P2") || ONLY.has("P5")) sides.referenceStdio = () => corpusRun(stdioFactory(REFERENCE_DRIVER));
  if (ONLY.has("P2")) {
    sides.referenceStdioV2 = () => corpusRun(stdioFactory(`${REFERENCE_DRIVER} --protocol-version 2`));
    sides.referenceStdioV1 = () => corpusRun(stdioFactory(`${REFERENCE_DRIVER} --protocol-version 1`));
    sides.referenceStdioJobs2 = () => corpusRun(stdioFactory(REFERENCE_DRIVER, { poll: false }), 2); // as run --jobs 2: no polling
    sides.referenceStdioSleeping = () => corpusRun(stdioFactory(REFERENCE_DRIVER, { poll: false }));
    // As a user runs it: a fresh `raft-conformance run` process on each side.
    sides.cliInProcess = () => cliRun();
    sides.cliStdio = () => cliRun(REFERENCE_DRIVER);
  }
  if (ONLY.has("P5") && etcdDriver) sides.etcdStdio = () => corpusRun(stdioFactory(ETCD_DRIVER));
  if (ONLY.has("P2")) {
    for (const d of EXTERNAL) {
      if (d !== ETCD_DRIVER || !sides.etcdStdio) sides[`driver:${d}`] = () => corpusRun(stdioFactory(d));
      sides[`sleeping:${d}`] = () => corpusRun(stdioFactory(d, { poll: false }));
    }
  }
  const r = await rotate("corpus", sides);
  const spawn = [];
  for (let i = 0; i < RUNS; i++) spawn.push((await driverSpawnCost(stdioFactory(REFERENCE_DRIVER))).wallMs);
  const w = (k) => r[k]?.median.wallMs;
  const c = (k) => r[k]?.median.cpuMs;
  if (ONLY.has("P1")) {
    results.measures.P1 = {
      title: "whole corpus, reference in-process (exact level, every invariant) vs go test -count=1 go.etcd.io/etcd/raft/...",
      a: { name: "reference in-process", ...r.inProcess },
      b: goMissing === undefined ? { name: "go test etcd raft 3.4", ...r.goTest } : { name: "go test etcd raft 3.4", skipped: goMissing },
      ratio: goMissing === undefined ? ratio(w("inProcess"), w("goTest")) : null,
      cpuRatio: goMissing === undefined ? ratio(c("inProcess"), c("goTest")) : null,
      goal: "<= 1.0",
    };
  }
  if (ONLY.has("P2")) {
    results.measures.P2 = {
      title: "whole corpus through the reference stdio driver vs in-process",
      a: { name: `--driver "${REFERENCE_DRIVER}"`, ...r.referenceStdio, spawnAndHelloMs: round(median(spawn)) },
      b: { name: "reference in-process", ...r.inProcess },
      ratio: ratio(w("referenceStdio"), w("inProcess")),
      driverCalls: await corpusDriverCalls(),
      transportFloor: await (async () => {
        const f = await transportFloor(RUNS);
        return { ...f, ratioToInProcess: ratio(f.wallMs, w("inProcess")), note: "the run's request lines replayed one by one to a fresh reference driver with no harness work between them, both sides polling: the lockstep pipe's own cost" };
      })(),
      transportFloorSleeping: await (async () => {
        const f = await transportFloor(RUNS, { poll: false });
        return { ...f, ratioToInProcess: ratio(f.wallMs, w("inProcess")), note: "the same with polling off on both sides (each line wakes a sleeping process)" };
      })(),
      cli: {
        note: "as a user runs it: raft-conformance run traces in a fresh process, in-process or --driver the reference driver, start to exit",
        a: { name: `raft-conformance run --driver "${REFERENCE_DRIVER}"`, ...r.cliStdio },
        b: { name: "raft-conformance run (in-process)", ...r.cliInProcess },
        ratio: ratio(w("cliStdio"), w("cliInProcess")),
      },
      goal: "<= 1.5",
      // Every driver of this run, each against in-process in the same rotation.
      drivers: [
        { name: `--driver "${REFERENCE_DRIVER}" (protocol version 3, batch + ready with advance)`, ...r.referenceStdio, ratio: ratio(w("referenceStdio"), w("inProcess")) },
        { name: `--driver "${REFERENCE_DRIVER}" --jobs 2 (two driver processes)`, ...r.referenceStdioJobs2, ratio: ratio(w("referenceStdioJobs2"), w("inProcess")) },
        { name: `--driver "${REFERENCE_DRIVER} --protocol-version 2" (batch)`, ...r.referenceStdioV2, ratio: ratio(w("referenceStdioV2"), w("inProcess")) },
        { name: `--driver "${REFERENCE_DRIVER} --protocol-version 1" (no batch)`, ...r.referenceStdioV1, ratio: ratio(w("referenceStdioV1"), w("inProcess")) },
        { name: `--driver "${REFERENCE_DRIVER}", polling off (RAFT_CONFORMANCE_POLL=0)`, ...r.referenceStdioSleeping, ratio: ratio(w("referenceStdioSleeping"), w("inProcess")) },
        ...EXTERNAL.flatMap((d) => {
          const k = d === ETCD_DRIVER && r.etcdStdio ? "etcdStdio" : `driver:${d}`;
          return [
            { name: `--driver "${d}"`, ...r[k], ratio: ratio(w(k), w("inProcess")) },
            { name: `--driver "${d}", polling off`, ...r[`sleeping:${d}`], ratio: ratio(w(`sleeping:${d}`), w("inProcess")) },
          ];
        }),
      ],
    };
  }
  if (ONLY.has("P5")) {
    results.measures.P5 = {
      title: "whole corpus through the etcd raft 3.4 driver vs through the reference stdio driver",
      a: etcdDriver ? { name: ETCD_DRIVER, ...r.etcdStdio } : { name: ETCD_DRIVER, skipped: goMissing ?? "the driver did not build" },
      b: { name: `--driver "${REFERENCE_DRIVER}"`, ...r.referenceStdio },
      ratio: etcdDriver ? ratio(w("etcdStdio"), w("referenceStdio")) : null,
      goal: "<= 2.0",
    };
  }
}

// --- P3: exploration throughput and invariant cost on long logs -------------------------------
if (ONLY.has("P3")) {
  // explore's defaults: schedules of up to 250 operations on 1–7 nodes. Two unrecorded rounds let
  // the JIT settle (the first rounds of a fresh process run at a third of the steady rate).
  const schedules = await sampleSchedules(1, 300, 250);
  const sides = { explore: () => exploreRun(schedules) };
  const base = COMPARE_DIST === undefined ? undefined : await exploreBuild(COMPARE_DIST);
  if (base !== undefined) sides.compared = () => exploreRun(schedules, 1, base);
  for (const f of Object.values(sides)) await f();
  const ex = await rotate("explore", sides);
  const small = [];
  const large = [];
  for (let i = 0; i < RUNS; i++) {
    small.push(await invariantCostAt(1_000));
    large.push(await invariantCostAt(100_000));
    log(`invariant cost round ${i + 1}/${RUNS}: 1k ${small.at(-1).medianCheckUs.toFixed(1)} µs, 100k ${large.at(-1).medianCheckUs.toFixed(1)} µs`);
  }
  const ms = medians(small);
  const ml = medians(large);
  results.measures.P3 = {
    title: "exploration throughput (explore's schedules, in-process, one core, every invariant) and per-step invariant cost at 100,000 vs 1,000 log entries",
    throughput: {
      ...ex.explore,
      eventsPerSec: ex.explore.median.stepsPerSec,
      events: "harness steps (what explore counts as events); driverCallsPerSec counts every call into the driver; stepsPerCpuSec is per CPU second of this process",
      goal: ">= 50000",
    },
    ...(base !== undefined
      ? {
          compared: {
            build: COMPARE_DIST,
            ...ex.compared,
            ratio: ratio(ex.explore.median.stepsPerSec, ex.compared.median.stepsPerSec),
            cpuRatio: ratio(ex.explore.median.stepsPerCpuSec, ex.compared.median.stepsPerCpuSec),
          },
        }
      : {}),
    invariantCost: {
      a: { name: "100,000-entry log", runs: large.length, median: ml },
      b: { name: "1,000-entry log", runs: small.length, median: ms },
      ratio: ratio(ml.medianCheckUs, ms.medianCheckUs),
      goal: "<= 1.5",
    },
  };
}

// --- P4: core commit throughput vs etcd 3.4 RawNode -------------------------------------------
if (ONLY.has("P4")) {
  const sides = { reference: () => shuttleRun() };
  if (shuttleBuilt) sides.etcd = () => shuttleGoRun();
  const r = await rotate("shuttle", sides);
  results.measures.P4 = {
    title: "3-node in-memory commit throughput (entries/s): reference core vs etcd raft 3.4 RawNode, same shuttle loop",
    a: { name: "reference core (node)", ...r.reference },
    b: shuttleBuilt ? { name: "etcd raft 3.4 RawNode (go)", ...r.etcd } : { name: "etcd raft 3.4 RawNode (go)", skipped: goMissing ?? "the shuttle did not build" },
    ratio: shuttleBuilt ? ratio(r.reference.median.entriesPerSec, r.etcd.median.entriesPerSec) : null,
    goal: ">= 0.5",
  };
}

writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

// --- the table ----------------------------------------------------------------------------------
const rows = [];
const fmt = (x) => (x === undefined || x === null ? "—" : typeof x === "number" ? String(round(x)) : String(x));
const m = results.measures;
if (m.P1) rows.push(["P1 corpus in-process / go test", `${fmt(m.P1.a.median?.wallMs)} ms`, m.P1.b.skipped ?? `${fmt(m.P1.b.median?.wallMs)} ms`, fmt(m.P1.ratio), m.P1.goal]);
if (m.P2) {
  for (const d of m.P2.drivers) rows.push([`P2 corpus ${d.name} / in-process`, `${fmt(d.median?.wallMs)} ms`, `${fmt(m.P2.b.median.wallMs)} ms`, fmt(d.ratio), m.P2.goal]);
  const f = m.P2.transportFloor;
  rows.push([`P2 floor: the same ${f.roundTrips} request lines replayed, no harness / in-process`, `${fmt(f.wallMs)} ms`, `${fmt(m.P2.b.median.wallMs)} ms`, fmt(f.ratioToInProcess), "(floor)"]);
  const fl = m.P2.transportFloorSleeping;
  rows.push([`P2 same floor, polling off / in-process`, `${fmt(fl.wallMs)} ms`, `${fmt(m.P2.b.median.wallMs)} ms`, fmt(fl.ratioToInProcess), "(floor)"]);
  const cl = m.P2.cli;
  rows.push([`P2 fresh processes: ${cl.a.name} / ${cl.b.name}`, `${fmt(cl.a.median?.wallMs)} ms`, `${fmt(cl.b.median?.wallMs)} ms`, fmt(cl.ratio), m.P2.goal]);
}
if (m.P3) {
  rows.push(["P3 explore events/s (steps)", fmt(m.P3.throughput.eventsPerSec), `${fmt(m.P3.throughput.median.driverCallsPerSec)} calls/s`, "", m.P3.throughput.goal]);
  rows.push(["P3 explore steps per CPU second", fmt(m.P3.throughput.median.stepsPerCpuSec), "", "", m.P3.throughput.goal]);
  if (m.P3.compared) {
    rows.push(["P3 explore steps/s this / --compare-dist", fmt(m.P3.throughput.median.stepsPerSec), fmt(m.P3.compared.median.stepsPerSec), fmt(m.P3.compared.ratio), ">= 3"]);
    rows.push(["P3 same, per CPU second", fmt(m.P3.throughput.median.stepsPerCpuSec), fmt(m.P3.compared.median.stepsPerCpuSec), fmt(m.P3.compared.cpuRatio), ">= 3"]);
  }
  rows.push(["P3 check µs/step 100k / 1k", fmt(m.P3.invariantCost.a.median.medianCheckUs), fmt(m.P3.invariantCost.b.median.medianCheckUs), fmt(m.P3.invariantCost.ratio), m.P3.invariantCost.goal]);
}
if (m.P4) rows.push(["P4 commits/s ref core / etcd", fmt(m.P4.a.median.entriesPerSec), m.P4.b.skipped ?? fmt(m.P4.b.median?.entriesPerSec), fmt(m.P4.ratio), m.P4.goal]);
if (m.P5) rows.push(["P5 corpus etcd / ref stdio", m.P5.a.skipped ?? `${fmt(m.P5.a.median?.wallMs)} ms`, `${fmt(m.P5.b.median.wallMs)} ms`, fmt(m.P5.ratio), m.P5.goal]);
const head = ["measure", "A (median)", "B (median)", "A/B", "goal"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log(`${results.machine.nproc} × ${results.machine.cpu}, load ${results.machine.loadavg.join(" ")}, ${results.date}, medians of ${RUNS}`);
console.log(line(head));
for (const r of rows) console.log(line(r));
// The same rows as a markdown table, in the README's form (its Performance section).
const md = [`Run of ${results.date.slice(0, 10)} on ${results.machine.nproc} × ${results.machine.cpu}, Node ${results.machine.node}, load average ${results.machine.loadavg.join(" ")}, medians of ${RUNS} interleaved rounds:`, "", `| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`), ""].join("\n");
writeFileSync(OUT.replace(/\.json$/, "") + ".md", md);
console.log(`written: ${OUT} and ${OUT.replace(/\.json$/, "")}.md`);

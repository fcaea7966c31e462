// P3: exploration throughput and the invariant checker's cost on long logs, in this process on
// one core (no worker threads), with the in-process reference core.
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { createInProcessDriver } from "../../dist/src/driver/inprocess.js";
import { executeSchedule } from "../../dist/src/explore/executor.js";
import { scheduleArbitrary } from "../../dist/src/explore/schedule.js";
import { BASE_CONFIG, applyYamlConfig } from "../../dist/src/harness/config.js";
import { Env } from "../../dist/src/harness/env.js";
import { buildStepObs } from "../../dist/src/harness/observe.js";
import { Prng } from "../../dist/src/harness/prng.js";
import { executeStep } from "../../dist/src/harness/steps.js";
import { createChecker } from "../../dist/src/invariants/index.js";

/** The driver with a count of every call the harness makes to it (the harness's events). */
function counting(driver) {
  const counter = { calls: 0, steps: 0 };
  const wrapped = {};
  for (const [k, v] of Object.entries(driver)) {
    if (typeof v !== "function") continue;
    if (k === "step") wrapped[k] = (...a) => (counter.calls++, counter.steps++, v(...a));
    else wrapped[k] = (...a) => (counter.calls++, v(...a));
  }
  return { driver: wrapped, counter };
}

/**
 * The exploration code of a build (default: this checkout's dist/; `--compare-dist` names another
 * build, e.g. of the commit before a change, so both run in the same bench process).
 */
export async function exploreBuild(dist = new URL("../../dist/", import.meta.url)) {
  const root = dist instanceof URL ? dist : new URL(`file://${dist.replace(/\/?$/, "/")}`);
  const [{ createInProcessDriver: create }, { executeSchedule: execute }] = await Promise.all([
    import(new URL("src/driver/inprocess.js", root).href),
    import(new URL("src/explore/executor.js", root).href),
  ]);
  return { createInProcessDriver: create, executeSchedule: execute };
}

/** The schedules `explore --seed seed` would generate first, one per run (generation untimed). */
export async function sampleSchedules(seed, runs, maxOps = 250) {
  const info = await createInProcessDriver().hello();
  const arb = scheduleArbitrary({ capabilities: new Set(info.capabilities), maxOps });
  return fc.sample(arb, { seed, numRuns: runs });
}

/**
 * Runs the schedules as explore does (harness steps, every invariant after every step) and
 * returns harness steps/s, driver calls/s and messages stepped/s.
 */
export async function exploreRun(schedules, seed = 1, build = { createInProcessDriver, executeSchedule }) {
  const { driver, counter } = counting(build.createInProcessDriver());
  await driver.hello();
  let steps = 0;
  let violations = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const s of schedules) {
    const r = await build.executeSchedule(s, driver, seed);
    steps += r.events;
    if (r.violation !== undefined) violations++;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const sec = wallMs / 1000;
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    harnessSteps: steps,
    driverCalls: counter.calls,
    messagesStepped: counter.steps,
    stepsPerSec: steps / sec,
    /** Per CPU second: what one core does, whatever else the machine runs. */
    stepsPerCpuSec: steps / ((cpu.user + cpu.system) / 1e6),
    driverCallsPerSec: counter.calls / sec,
    messagesPerSec: counter.steps / sec,
    violations,
  };
}

// --- per-step invariant cost against the log length ------------------------------------------

function stepOf(index, kind, args) {
  return { index, kind, args, loc: { file: "<bench>", line: index + 1, column: 1 } };
}

/**
 * A 3-node cluster whose log holds `entries` entries, grown through the harness with the checker
 * watching (batches of 1,000 proposals per step), then `probe` steps of "propose one entry and
 * stabilize": the checker's time per step is measured on those.
 */
export async function invariantCostAt(entries, probe = 200) {
  const env = new Env(createInProcessDriver(), new Prng(1), applyYamlConfig(BASE_CONFIG, {}));
  const checker = createChecker({});
  let index = 0;
  const run = async (stepsOfThisStep) => {
    env.beginStep();
    for (const s of stepsOfThisStep) await executeStep(env, stepOf(index, s.kind, s.args), () => Promise.resolve());
    await env.refreshStatus();
    const t0 = performance.now();
    const v = checker.check(buildStepObs(env, index));
    const ms = performance.now() - t0;
    if (v.length > 0) throw new Error(`invariant ${v[0].invariant} violated: ${v[0].message}`);
    index++;
    return ms;
  };
  await env.call("reset", (d) => d.reset());
  await run([{ kind: "add-nodes", args: { count: 3, voters: [1, 2, 3], index: 2 } }]);
  await run([{ kind: "campaign", args: 1 }, { kind: "stabilize", args: {} }]);
  const batch = 1000;
  const data = "0123456789abcdef";
  while (env.node(1).log.lastIndex < entries) {
    const n = Math.min(batch, entries - env.node(1).log.lastIndex);
    const ps = Array.from({ length: n }, () => ({ kind: "propose", args: { node: 1, data } }));
    await run([...ps, { kind: "stabilize", args: {} }]);
  }
  const times = [];
  for (let k = 0; k < probe; k++) times.push(await run([{ kind: "propose", args: { node: 1, data } }, { kind: "stabilize", args: {} }]));
  times.sort((a, b) => a - b);
  const sum = times.reduce((a, b) => a + b, 0);
  return { logLength: env.node(1).log.lastIndex, meanCheckUs: (1000 * sum) / times.length, medianCheckUs: 1000 * (times[times.length >> 1] ?? 0) };
}

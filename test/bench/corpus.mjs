// Whole-corpus replay inside this process: runCorpus over traces/ at level exact (every invariant
// after every step), with the in-process reference core or an external driver over stdio.
import { performance } from "node:perf_hooks";
import { createInProcessDriver } from "../../dist/src/driver/inprocess.js";
import { createStdioDriver } from "../../dist/src/driver/stdio-client.js";
import { splitShellWords } from "../../dist/src/driver/shell-words.js";
import { runCorpus } from "../../dist/src/harness/run.js";
import { timed } from "./stats.mjs";

export const CORPUS = "traces";
export const REFERENCE_DRIVER = "node dist/src/cli.js reference-driver";

export function inProcessFactory() {
  return () => createInProcessDriver();
}

export function stdioFactory(command) {
  const argv = splitShellWords(command);
  return () => createStdioDriver(argv, { timeoutMs: 60_000 });
}

/** One corpus run; returns wall/CPU ms of this process and the outcome counts. */
export async function corpusRun(factory) {
  const r = await timed(() => runCorpus({ paths: [CORPUS], driverFactory: factory, level: "exact", seed: 1 }));
  const counts = { passed: 0, failed: 0, skipped: 0, errored: 0 };
  for (const t of r.value.results) counts[t.status]++;
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, traces: r.value.results.length, ...counts };
}

/** Wall time of starting the reference stdio driver and closing it after its handshake. */
export async function driverSpawnCost(factory) {
  const t0 = performance.now();
  const d = factory();
  await d.hello();
  await d.close();
  return { wallMs: performance.now() - t0 };
}

/** How many driver calls (protocol round trips over stdio) one corpus run makes. */
export async function corpusDriverCalls() {
  let calls = 0;
  const factory = () => {
    const d = createInProcessDriver();
    const wrapped = {};
    for (const [k, v] of Object.entries(d)) wrapped[k] = typeof v === "function" ? (...a) => (calls++, v(...a)) : v;
    return wrapped;
  };
  await runCorpus({ paths: [CORPUS], driverFactory: factory, level: "exact", seed: 1 });
  return calls;
}

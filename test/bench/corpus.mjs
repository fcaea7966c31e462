// Whole-corpus replay inside this process: runCorpus over traces/ at level exact (every invariant
// after every step), with the in-process reference core or an external driver over stdio.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** One corpus run (`jobs` traces at once); returns wall/CPU ms of this process and the outcome counts. */
export async function corpusRun(factory, jobs = 1) {
  const r = await timed(() => runCorpus({ paths: [CORPUS], driverFactory: factory, level: "exact", seed: 1, jobs }));
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

/**
 * The transport's share: the request lines one corpus run sends the reference stdio driver,
 * recorded, then sent again to a fresh driver process one at a time, each after the answer to the
 * one before, with no harness work in between. What that costs is the floor of any lockstep run
 * of the corpus over a pipe on this machine, whatever the harness does.
 */
export async function transportFloor(rounds) {
  const dir = mkdtempSync(join(tmpdir(), "raft-bench-"));
  const log = join(dir, "requests.ndjson");
  try {
    await corpusRun(stdioFactory(`sh -c "tee -a '${log}' | ${REFERENCE_DRIVER}"`));
    const lines = readFileSync(log, "utf8").split("\n").filter((l) => l !== "" && !l.includes('"cmd":"bye"'));
    const samples = [];
    for (let r = 0; r <= rounds; r++) {
      const ms = await replay(lines);
      if (r > 0) samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    return { roundTrips: lines.length, wallMs: samples[Math.floor(samples.length / 2)], samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function replay(lines) {
  const [cmd, ...args] = REFERENCE_DRIVER.split(" ");
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
  let buf = "";
  let answered = () => undefined;
  child.stdout.on("data", (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      buf = buf.slice(i + 1);
      answered();
    }
  });
  const t0 = performance.now();
  for (const line of lines) await new Promise((resolve) => ((answered = resolve), child.stdin.write(`${line}\n`)));
  const ms = performance.now() - t0;
  child.stdin.end();
  await new Promise((resolve) => child.on("exit", resolve));
  return ms;
}

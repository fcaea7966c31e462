// Whole-corpus replay inside this process: runCorpus over traces/ at level exact (every invariant
// after every step), with the in-process reference core or an external driver over stdio.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInProcessDriver } from "../../dist/src/driver/inprocess.js";
import { POLL_BUDGET_MS, pollRead, streamFd } from "../../dist/src/driver/poll.js";
import { createStdioDriver } from "../../dist/src/driver/stdio-client.js";
import { splitShellWords } from "../../dist/src/driver/shell-words.js";
import { runCorpus } from "../../dist/src/harness/run.js";
import { timed } from "./stats.mjs";

export const CORPUS = "traces";
export const REFERENCE_DRIVER = "node dist/src/cli.js reference-driver";

export function inProcessFactory() {
  return () => createInProcessDriver();
}

/**
 * A stdio driver for `command`. `poll: false` turns polling off on both sides (the harness's
 * client, and the reference driver through RAFT_CONFORMANCE_POLL=0 in its environment).
 */
export function stdioFactory(command, { poll = true } = {}) {
  const argv = [...(poll ? [] : ["env", "RAFT_CONFORMANCE_POLL=0"]), ...splitShellWords(command)];
  return () => createStdioDriver(argv, { timeoutMs: 60_000, poll });
}

/**
 * The corpus as a user runs it: `raft-conformance run` in a fresh process, in-process or with
 * `--driver`, from start to exit (both sides pay Node's start and a cold JIT).
 */
export async function cliRun(driver) {
  const args = ["dist/src/cli.js", "run", CORPUS, "--level", "exact", "--seed", "1", ...(driver === undefined ? [] : ["--driver", driver])];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const wallMs = performance.now() - t0;
  const m = out.match(/^(\d+) passed, (\d+) failed, (\d+) skipped, (\d+) errored$/m);
  if (code !== 0 || m === null) throw new Error(`raft-conformance ${args.slice(1).join(" ")} exited with ${code}: ${out.slice(-400)}`);
  return { wallMs, passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]), errored: Number(m[4]) };
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
export async function transportFloor(rounds, { poll = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "raft-bench-"));
  const log = join(dir, "requests.ndjson");
  try {
    await corpusRun(stdioFactory(`sh -c "tee -a '${log}' | ${REFERENCE_DRIVER}"`));
    const lines = readFileSync(log, "utf8").split("\n").filter((l) => l !== "" && !l.includes('"cmd":"bye"'));
    const samples = [];
    for (let r = 0; r <= rounds; r++) {
      const ms = await replay(lines, poll);
      if (r > 0) samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    return { roundTrips: lines.length, wallMs: samples[Math.floor(samples.length / 2)], samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function replay(lines, poll) {
  const [cmd, ...args] = REFERENCE_DRIVER.split(" ");
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"], env: poll ? process.env : { ...process.env, RAFT_CONFORMANCE_POLL: "0" } });
  let buf = "";
  let answered = () => undefined;
  const onData = (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      buf = buf.slice(i + 1);
      answered();
    }
  };
  child.stdout.on("data", onData);
  const chunk = Buffer.allocUnsafe(64 * 1024);
  const t0 = performance.now();
  for (const line of lines) {
    await new Promise((resolve) => {
      answered = resolve;
      child.stdin.write(`${line}\n`);
      // As the harness's client does: poll for the answer a while before sleeping.
      const fd = poll ? streamFd(child.stdout) : undefined;
      const n = fd === undefined ? undefined : pollRead(fd, chunk, POLL_BUDGET_MS);
      if (n !== undefined && n > 0) onData(chunk.toString("utf8", 0, n));
    });
  }
  const ms = performance.now() - t0;
  child.stdin.end();
  await new Promise((resolve) => child.on("exit", resolve));
  return ms;
}

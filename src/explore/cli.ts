// `raft-conformance explore`: random schedules against a driver, invariants after every step, and
// for each violation a shrunk, replayable trace written to --out (its path is printed).
import { availableParallelism } from "node:os";
import { boolFlag, intFlag, parseFlags, stringFlag } from "../cli/args.js";
import { UsageError } from "../cli/errors.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../cli/exit-code.js";
import { INVARIANTS } from "../invariants/index.js";
import { BaselineError, ERROR_FINDINGS, loadBaselineFile, type ExplorationEntry } from "../report/baseline-file.js";
import { detailsHead } from "../harness/env.js";
import type { CliIo } from "../cli/io.js";
import { packageInfo } from "../cli/package-info.js";
import { parseShard } from "../cli/run-options.js";
import { ShellWordsError, splitShellWords } from "../driver/shell-words.js";
import type { DriverSpec } from "./driver-spec.js";
import { explore } from "./explore.js";
import type { Violation } from "./executor.js";
import { knownErrorOf } from "./seed.js";
import { toolCommit } from "./trace-writer.js";

export const EXPLORE_HELP = `Usage: raft-conformance explore [options]

Generates random schedules (1–7 nodes; proposals, ticks, campaigns, partitions, one-way cuts,
drops, duplicates, reorders, crashes and restarts, held-back storage work, conf changes, reads,
leader transfers, compaction — as far as the driver's capabilities allow), checks every invariant
after every step, shrinks any violation to a minimal schedule and writes it as a trace.

With --against, each schedule instead runs on two drivers with the same harness choices (the
steps are planned from --driver's state; the harness pins each node's randomized election
timeout per term when both drivers can) and the first step where their observations differ is
the finding: output events at the exact level (both drivers declare the etcd message model),
else the observable state (role, term, vote, leader, commit, applied, log, config, read states)
of the nodes the step touched, and whether an input was accepted. It is shrunk and written as a
trace asserting what --driver did (an outcome, the step's expected events, check steps), so it
passes on --driver and fails on the other. Invariants are not judged in this mode.

Options:
  --driver "<cmd>"      external driver over stdio (default: the reference core, in-process)
  --against "<cmd>"     differential exploration: compare every schedule with this driver
                        (\"in-process\" names the built-in reference core)
  --baseline FILE       known findings of this driver (the baseline's \`exploration\` list,
                        spec/baseline.schema.json): a run ends quietly at the first step
                        that violates a listed invariant (what follows may be its
                        consequences), or, for an entry with \`continue: true\`, the invariant
                        is not judged and the run goes on; a violation of an unlisted invariant
                        is still reported; a listed driver or harness error (all of them, or
                        those whose message or details contain the entry's \`message\`) is
                        reported as known, without shrinking; with --against, a listed
                        \`divergence\` is reported as known and does not fail the exploration
  --seed N              first seed (default 1); run k explores seed N+k
  --runs N              schedules to explore (default 100)
  --steps N             at most N operations per schedule (default 250)
  --out DIR             where minimal traces are written (default traces/regressions)
  --workers N           worker threads (default: the cores available)
  --shard i/n           explore only runs k with k mod n = i-1 (like run --shard)
  --time-limit-s N      start no new seed after N seconds
  --shrink-s N          time budget for shrinking one violation (default 60)
  --stop-on-first       stop at the first violation
  --timeout-ms N        per-request driver timeout (default 10000)

Exit codes: 0 no violation (or only known ones), 1 a violation (each written trace's path is
printed), 2 bad usage or an invalid baseline.
`;

export async function exploreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("explore", args, {
    driver: { type: "string" },
    against: { type: "string" },
    baseline: { type: "string" },
    seed: { type: "string" },
    runs: { type: "string" },
    steps: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    shard: { type: "string" },
    "time-limit-s": { type: "string" },
    "shrink-s": { type: "string" },
    "stop-on-first": { type: "boolean" },
    "timeout-ms": { type: "string" },
  });
  if (boolFlag(p, "help")) {
    io.stdout.write(EXPLORE_HELP);
    return EXIT_OK;
  }
  if (p.positionals.length > 0) throw new UsageError(`explore takes no positional arguments, got ${JSON.stringify(p.positionals[0])}`);
  const seed = intFlag(p, "seed", 1);
  const runs = intFlag(p, "runs", 100, 1);
  const steps = intFlag(p, "steps", 250, 1);
  const workers = intFlag(p, "workers", availableParallelism(), 1);
  const timeLimit = stringFlag(p, "time-limit-s") === undefined ? undefined : intFlag(p, "time-limit-s", 0, 1) * 1000;
  const shrinkMs = intFlag(p, "shrink-s", 60, 1) * 1000;
  const timeoutMs = intFlag(p, "timeout-ms", 10_000, 1);
  const out = stringFlag(p, "out") ?? "traces/regressions";
  if (out === "") throw new UsageError("--out wants a directory");
  const driver = driverSpec("driver", stringFlag(p, "driver"), timeoutMs) ?? { kind: "inprocess" };
  const against = driverSpec("against", stringFlag(p, "against"), timeoutMs);
  const shard = parseShard(stringFlag(p, "shard"));
  const baselineFile = stringFlag(p, "baseline");
  let entries: readonly ExplorationEntry[] = [];
  if (baselineFile !== undefined) {
    try {
      entries = loadBaselineFile(baselineFile).exploration;
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      for (const line of e.problems) io.stderr.write(`${line}\n`);
      return EXIT_USAGE;
    }
  }
  const isInvariant = (id: string): boolean => INVARIANTS.some((i) => i.id === id);
  // Invariants are known as a whole; driver and harness errors as a whole or by their `message`.
  const knownOf = (v: Violation): ExplorationEntry | undefined =>
    isInvariant(v.invariant) || v.invariant === "divergence" ? entries.find((e) => e.invariant === v.invariant) : knownErrorOf(v, entries);
  let unknown = 0;
  for (const k of entries) {
    if (k.invariant === "divergence") continue;
    const how = !isInvariant(k.invariant) ? `known${k.message !== undefined ? ` when it says ${JSON.stringify(k.message)}` : ""}` : k.continue ? "not judged" : "known, ends a run quietly";
    io.stdout.write(`${how} (${baselineFile ?? ""}:${k.line}): ${k.invariant}: ${k.reason}\n`);
  }
  const pkg = packageInfo();

  io.stdout.write(`seed ${seed}\n`);
  io.stdout.write(`exploring ${runs} runs of up to ${steps} operations${shard !== undefined ? ` (shard ${shard.index + 1}/${shard.count})` : ""} with ${workers} worker(s)${against !== undefined ? ", comparing two drivers" : ""}\n`);
  const summary = await explore(
    {
      seed,
      runs,
      driver,
      against,
      workers,
      shard,
      timeLimitMs: timeLimit,
      stopOnFirst: boolFlag(p, "stop-on-first"),
      seedOptions: {
        maxOps: steps,
        outDir: out,
        tool: { version: pkg.version, commit: toolCommit(pkg.root) },
        shrinkMs,
        known: entries.filter((k) => isInvariant(k.invariant)).map((k) => k.invariant),
        goOn: entries.filter((k) => isInvariant(k.invariant) && k.continue).map((k) => k.invariant),
        knownErrors: entries.filter((k) => ERROR_FINDINGS.includes(k.invariant)).map((k) => ({ invariant: k.invariant, ...(k.message !== undefined ? { message: k.message } : {}) })),
      },
    },
    (r, file) => {
      if (r.found === undefined || file === undefined) return;
      const f = r.found;
      const k = knownOf(f.violation);
      if (k === undefined) unknown++;
      const what = k === undefined ? "violation" : `known (${baselineFile ?? ""}:${k.line})`;
      io.stdout.write(`${what}: ${f.violation.invariant} (seed ${r.seed}, ${f.steps} steps after ${f.shrinks} shrinks): ${f.violation.message}\n`);
      // Where a driver says the error was raised (its details' first line, e.g. a panic's frame).
      const where = detailsHead(f.violation.details);
      if (where !== "") io.stdout.write(`  details: ${where}\n`);
      io.stdout.write(`${file}\n`);
      if (!f.replayed) {
        const what = against !== undefined ? "pass on --driver and fail on --against" : "reproduce the violation";
        io.stderr.write(`warning: replaying ${file} with run did not ${what}\n`);
      }
    },
  );
  const knownCount = summary.found.length - unknown;
  const stopped = [...summary.stopped].map(([k, n]) => `${k} ${n}`).join(", ");
  io.stdout.write(
    `explored ${summary.runs} runs, ${summary.events} events, ${unknown} ${against !== undefined ? "divergence(s)" : "violation(s)"}${knownCount > 0 ? `, ${knownCount} known` : ""}` +
      `${stopped !== "" ? `; runs ended at a known finding: ${stopped}` : ""}\n`,
  );
  return unknown > 0 ? EXIT_FAILED : EXIT_OK;
}

/** A --driver / --against value: a command line for a stdio driver, or "in-process". */
function driverSpec(flag: string, line: string | undefined, timeoutMs: number): DriverSpec | undefined {
  if (line === undefined) return undefined;
  if (line === "in-process") return { kind: "inprocess" };
  let argv: string[];
  try {
    argv = splitShellWords(line);
  } catch (e) {
    if (e instanceof ShellWordsError) throw new UsageError(`--${flag}: ${e.message}`);
    throw e;
  }
  if (argv.length === 0) throw new UsageError(`--${flag} wants a command, got an empty string`);
  return { kind: "stdio", argv, timeoutMs };
}

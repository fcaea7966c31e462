// `run` flags → a validated description of the run. Every bad value is a UsageError (exit 2),
// found before any driver is started.
import { FEATURES, type Feature } from "../driver/types.js";
import { boolFlag, intFlag, parseFlags, stringFlag, type Parsed } from "./args.js";
import { UsageError } from "./errors.js";
import { ShellWordsError, splitShellWords } from "../driver/shell-words.js";

export type Level = "invariants" | "observable" | "exact";
const LEVELS: readonly Level[] = ["invariants", "observable", "exact"];

export interface RunCliOptions {
  readonly help: boolean;
  /** Files or directories as given; empty = the bundled traces/. */
  readonly paths: readonly string[];
  /** External driver argv; undefined = the in-process reference core. */
  readonly driver?: readonly string[] | undefined;
  readonly level: Level;
  readonly seed: number;
  /** 1-based shard on the command line, 0-based here (index < count). */
  readonly shard?: { readonly index: number; readonly count: number } | undefined;
  readonly grep?: RegExp | undefined;
  readonly features?: readonly Feature[] | undefined;
  readonly json?: string | undefined;
  readonly junit?: string | undefined;
  /** The self-contained HTML report, with a message-sequence chart per failed trace. */
  readonly html?: string | undefined;
  /** NDJSON run log of every step's observations (spec/run-log.schema.json), for `check-log`. */
  readonly record?: string | undefined;
  readonly timings: boolean;
  readonly timeoutMs: number;
  /** Known failures (spec/baseline.schema.json); loaded before anything runs. */
  readonly baseline?: string | undefined;
  /** A stale baseline entry fails the run. */
  readonly strictBaseline: boolean;
  /** Fewer passed traces than this fails the run (a run that skipped everything always fails). */
  readonly minPassed: number;
  /** Traces run at once, each on its own driver process (default 1). */
  readonly jobs: number;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_TIMEOUT_MS = 10_000;

export function parseRunArgs(args: readonly string[]): RunCliOptions {
  const p = parseFlags("run", args, {
    driver: { type: "string" },
    level: { type: "string" },
    seed: { type: "string" },
    shard: { type: "string" },
    grep: { type: "string" },
    features: { type: "string" },
    json: { type: "string" },
    junit: { type: "string" },
    html: { type: "string" },
    record: { type: "string" },
    timings: { type: "boolean" },
    "timeout-ms": { type: "string" },
    baseline: { type: "string" },
    "strict-baseline": { type: "boolean" },
    "min-passed": { type: "string" },
    jobs: { type: "string" },
  });
  const driverLine = stringFlag(p, "driver");
  return {
    help: boolFlag(p, "help"),
    paths: p.positionals,
    driver: driverLine === undefined ? undefined : parseDriver(driverLine),
    level: parseLevel(stringFlag(p, "level")),
    seed: intFlag(p, "seed", DEFAULT_SEED),
    shard: parseShard(stringFlag(p, "shard")),
    grep: parseGrep(stringFlag(p, "grep")),
    features: parseFeatures(stringFlag(p, "features")),
    json: nonEmpty("json", stringFlag(p, "json")),
    junit: nonEmpty("junit", stringFlag(p, "junit")),
    html: nonEmpty("html", stringFlag(p, "html")),
    record: nonEmpty("record", stringFlag(p, "record")),
    timings: boolFlag(p, "timings"),
    timeoutMs: intFlag(p, "timeout-ms", DEFAULT_TIMEOUT_MS, 1),
    baseline: nonEmpty("baseline", stringFlag(p, "baseline")),
    strictBaseline: strictBaseline(p),
    minPassed: intFlag(p, "min-passed", 0),
    jobs: jobsFlag(p),
  };
}

function parseDriver(line: string): string[] {
  let argv: string[];
  try {
    argv = splitShellWords(line);
  } catch (e) {
    if (e instanceof ShellWordsError) throw new UsageError(`--driver: ${e.message}`);
    throw e;
  }
  if (argv.length === 0) throw new UsageError("--driver wants a command, got an empty string");
  return argv;
}

function parseLevel(raw: string | undefined): Level {
  if (raw === undefined) return "exact";
  const level = LEVELS.find((l) => l === raw);
  if (level === undefined) throw new UsageError(`--level wants one of ${LEVELS.join(", ")}, got ${JSON.stringify(raw)}`);
  return level;
}

export function parseShard(raw: string | undefined): RunCliOptions["shard"] {
  if (raw === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const i = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(n) || n < 1 || i < 1 || i > n) {
    throw new UsageError(`--shard wants i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(raw)}`);
  }
  return { index: i - 1, count: n };
}

function parseGrep(raw: string | undefined): RegExp | undefined {
  if (raw === undefined) return undefined;
  try {
    return new RegExp(raw, "u");
  } catch (e) {
    throw new UsageError(`--grep: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseFeatures(raw: string | undefined): Feature[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const features: Feature[] = [];
  for (const name of names) {
    const f = FEATURES.find((known) => known === name);
    if (f === undefined) throw new UsageError(`--features: unknown feature ${JSON.stringify(name)} (known: ${FEATURES.join(", ")})`);
    features.push(f);
  }
  return features;
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === "") throw new UsageError(`--${flag} wants a file name`);
  return value;
}

function strictBaseline(p: Parsed): boolean {
  const strict = boolFlag(p, "strict-baseline");
  if (strict && stringFlag(p, "baseline") === undefined) throw new UsageError("--strict-baseline needs --baseline FILE");
  return strict;
}

function jobsFlag(p: Parsed): number {
  const jobs = intFlag(p, "jobs", 1, 1);
  if (jobs > 1 && stringFlag(p, "record") !== undefined) throw new UsageError("--record writes one trace at a time: leave out --jobs (or use --jobs 1)");
  return jobs;
}

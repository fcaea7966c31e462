// Exploring one seed: fast-check generates one schedule from the seed and runs it; on a violation
// it shrinks the schedule (keeping the same invariant violated) and the minimal run's steps are
// rendered as a trace, which is replayed through the runner to prove it reproduces.
import fc from "fast-check";
import type { Driver, DriverInfo, Feature } from "../driver/types.js";
import { alwaysOn } from "../harness/behaviours.js";
import { runTrace } from "../harness/run.js";
import { loadTraceText } from "../trace/load.js";
import { diffLevel, executeDifferential } from "./differential.js";
import { executeSchedule, type ExecResult, type Violation } from "./executor.js";
import { scheduleDefaults } from "./plan.js";
import { scheduleArbitrary, type Schedule } from "./schedule.js";
import { traceFileName, traceText, type TraceInfo } from "./trace-writer.js";

export interface SeedOptions {
  readonly maxOps: number;
  readonly outDir: string;
  readonly tool: { readonly version: string; readonly commit: string };
  /** Wall-clock budget for shrinking one violation (ms). */
  readonly shrinkMs: number;
  readonly label?: string | undefined;
  /** The driver's known findings (`explore --baseline`): not reported; a run stops at them... */
  readonly known?: readonly string[] | undefined;
  /** ... except these, which are not judged at all (an entry with `continue: true`). */
  readonly goOn?: readonly string[] | undefined;
  /** Known driver / harness errors (an error entry's `message`, if any, narrows it). */
  readonly knownErrors?: readonly KnownError[] | undefined;
  /** Clock for the shrink budget (injected so tests can pin it). */
  readonly now?: () => number;
}

export interface Found {
  readonly violation: Violation;
  readonly fileName: string;
  readonly text: string;
  /** Steps in the minimal trace. */
  readonly steps: number;
  /** Whether replaying the written trace with the runner failed on the same invariant. */
  readonly replayed: boolean;
  readonly shrinks: number;
}

/** A known `driver-error` / `harness-error` finding: every such error, or those whose text contains `message`. */
export interface KnownError {
  readonly invariant: string;
  readonly message?: string | undefined;
}

/** The known error entry a violation is, if any. */
export function knownErrorOf<K extends KnownError>(v: Pick<Violation, "invariant" | "message" | "details">, known: readonly K[]): K | undefined {
  const text = `${v.message}\n${v.details ?? ""}`;
  return known.find((k) => k.invariant === v.invariant && (k.message === undefined || text.includes(k.message)));
}

export interface SeedResult {
  readonly seed: number;
  /** Harness steps executed while exploring this seed (shrinking included). */
  readonly events: number;
  /** The known invariant the seed's run stopped at, quietly (not while shrinking). */
  readonly stoppedAt?: string | undefined;
  readonly found?: Found | undefined;
}

export function driverLabel(info: DriverInfo): string {
  return `${info.implementation.name} ${info.implementation.version}`;
}

/** A driver explored, with its handshake. */
export interface Explored {
  readonly driver: Driver;
  readonly info: DriverInfo;
}

/**
 * How a seed's schedules run: against one driver under the invariants, or (with `against`) on two
 * drivers compared step by step.
 */
interface Runner {
  readonly capabilities: ReadonlySet<Feature>;
  readonly label: string;
  execute(s: Schedule, seed: number): Promise<ExecResult>;
  replays(fileName: string, text: string, v: Violation): Promise<boolean>;
}

function runnerFor(main: Explored, against: Explored | undefined, known: readonly string[], goOn: readonly string[]): Runner {
  if (against === undefined) {
    return {
      capabilities: new Set<Feature>(main.info.capabilities),
      label: driverLabel(main.info),
      execute: (s, seed) => executeSchedule(s, main.driver, seed, known, alwaysOn(new Set(main.info.capabilities)), goOn),
      replays: (fileName, text, v) => replays(fileName, text, v, main, known),
    };
  }
  const level = diffLevel(main.info, against.info);
  const [mine, theirLabel] = [driverLabel(main.info), driverLabel(against.info)];
  const names = mine === theirLabel ? ([`${mine} (--driver)`, `${theirLabel} (--against)`] as const) : ([mine, theirLabel] as const);
  // Only what both drivers can do is generated.
  const theirs = new Set<Feature>(against.info.capabilities);
  const pin = theirs.has("pin_election_timeout") && main.info.capabilities.includes("pin_election_timeout");
  return {
    capabilities: new Set<Feature>(main.info.capabilities.filter((f) => theirs.has(f))),
    label: `${names[0]} against ${names[1]} (${level} level)`,
    execute: (s, seed) => executeDifferential(s, main.driver, against.driver, seed, level, names, pin),
    replays: (fileName, text) => replaysDivergence(fileName, text, main, against),
  };
}

export async function exploreSeed(seed: number, main: Explored, opts: SeedOptions, against?: Explored): Promise<SeedResult> {
  const runner = runnerFor(main, against, opts.known ?? [], opts.goOn ?? []);
  const now = opts.now ?? (() => performance.now());
  const arb = scheduleArbitrary({ capabilities: runner.capabilities, maxOps: opts.maxOps });
  const knownErrors = opts.knownErrors ?? [];
  let events = 0;
  let target: string | undefined;
  let deadline = Number.POSITIVE_INFINITY;
  let last: { s: Schedule; r: ExecResult } | undefined;
  let stoppedAt: string | undefined;
  let first = true;
  const prop = fc.asyncProperty(arb, async (s) => {
    // Past the budget every candidate "passes", which ends shrinking at the best case so far.
    if (now() > deadline) return true;
    const r = await runner.execute(s, seed);
    events += r.events;
    if (first) stoppedAt = r.stoppedAt;
    first = false;
    const v = r.violation;
    // A shrink keeps the kind of what it shrinks: the same invariant, and for a driver or harness
    // error the same known entry or none (an unknown crash must not shrink into a known one).
    const knownError = v === undefined ? undefined : knownErrorOf(v, knownErrors);
    const kind = v === undefined ? undefined : `${v.invariant} ${knownError === undefined ? "unknown" : knownErrors.indexOf(knownError)}`;
    if (kind === undefined || (target !== undefined && kind !== target)) return true;
    if (target === undefined) {
      target = kind;
      // A known crash is not worth a shrink budget: its trace is in the corpus already.
      deadline = now() + (knownError === undefined ? opts.shrinkMs : 0);
    }
    last = { s, r };
    return false;
  });
  const out = await fc.check(prop, { seed, numRuns: 1 });
  if (!out.failed || last === undefined) return { seed, events, ...(stoppedAt !== undefined ? { stoppedAt } : {}) };
  // fast-check only moves to candidates that fail, so the last failing run is the counterexample;
  // a thrown error (a bug in the tool, not in the driver) is reported as such.
  if (out.errorInstance !== null && last.r.violation === undefined) throw out.errorInstance;
  const { s, r } = last;
  const violation = r.violation as Violation;
  const t: TraceInfo = {
    seed,
    violation,
    defaults: scheduleDefaults(s),
    steps: r.steps,
    tool: opts.tool,
    driver: runner.label,
    outDir: opts.outDir,
    label: opts.label,
    notJudged: opts.known ?? [],
  };
  const fileName = traceFileName(t);
  const text = traceText(t);
  const replayed = await runner.replays(fileName, text, violation);
  return { seed, events, found: { violation, fileName, text, steps: r.steps.length, replayed, shrinks: out.numShrinks } };
}

/**
 * Loads the written trace like `run` does and checks it fails the same way, judging what the
 * exploration judged: a known finding that `run` would meet first is not the one explored.
 */
async function replays(fileName: string, text: string, v: Violation, { driver, info }: Explored, known: readonly string[]): Promise<boolean> {
  const loaded = loadTraceText(fileName, text);
  if (!loaded.ok) return false;
  const res = await runTrace(loaded.trace, driver, { level: "exact", seed: 0, info, except: known });
  if (v.invariant === "driver-error") return res.status === "errored";
  if (v.invariant === "harness-error") return res.status === "failed" && res.failure?.invariant === undefined;
  return res.status === "failed" && res.failure?.invariant === v.invariant && res.failure.step === v.step;
}

/** A divergence's trace asserts what the main driver did: it passes there and not on the other. */
async function replaysDivergence(fileName: string, text: string, main: Explored, against: Explored): Promise<boolean> {
  const loaded = loadTraceText(fileName, text);
  if (!loaded.ok) return false;
  const onMain = await runTrace(loaded.trace, main.driver, { level: "exact", seed: 0, info: main.info });
  const onOther = await runTrace(loaded.trace, against.driver, { level: "exact", seed: 0, info: against.info });
  return onMain.status === "passed" && (onOther.status === "failed" || onOther.status === "errored");
}

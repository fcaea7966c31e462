// The runner: executes traces against a Driver, runs the invariant checker after every step and
// checks expectations at the run's level. Public entry points: runCorpus (CLI) and runTrace (tests).
import { performance } from "node:perf_hooks";
import type { Driver, DriverInfo, Feature } from "../driver/types.js";
import { createChecker, EXPLORE_REPO, UNSOUND_BETWEEN_STEPS } from "../invariants/index.js";
import type { CheckerOptions } from "../invariants/index.js";
import type { InvariantChecker, StepObs } from "../invariants/observation.js";
import type { TraceFailure, TraceResult } from "../report/types.js";
import { checkTargets, evaluateCheck } from "../trace/check.js";
import { formatTraceError } from "../trace/errors.js";
import { compareEvents } from "../trace/expect.js";
import { sentProblems } from "../trace/sent.js";
import { findTraceFiles, loadCorpus } from "../trace/load.js";
import type { Step, Trace, Yaml, YamlMap } from "../trace/types.js";
import { alwaysOn, type AlwaysOn, withBehaviours } from "./behaviours.js";
import { applyYamlConfig, BASE_CONFIG } from "./config.js";
import { detailsHead, DriverFailure, DriverUnsupported, Env, HarnessError } from "./env.js";
import { buildStepObs, nodeView } from "./observe.js";
import { Prng } from "./prng.js";
import { executeStep } from "./steps.js";

import { effectiveLevel, LEVEL_RANK, type Level } from "../report/level.js";

export { effectiveLevel, type Level };

export interface RunOptions {
  paths: string[];
  driverFactory: () => Driver;
  level: Level;
  seed: number;
  grep?: RegExp;
  features?: string[];
  shard?: { index: number; count: number };
  timeoutMs?: number;
  /** Receives every step's observations (`run --record`). */
  record?: RunRecorder;
  /**
   * Traces run at once, each on a driver of its own from `driverFactory` (default 1). Results,
   * and the callbacks, come in corpus order whatever finishes first; `record` needs 1.
   */
  jobs?: number;
}

/** What `run --record` writes: each trace that runs, then the checker's view of each of its steps. */
export interface RunRecorder {
  beginTrace(trace: Trace, checker: CheckerOptions): void;
  step(obs: StepObs): void;
}

export interface TraceRunOptions {
  readonly level: Level;
  readonly seed: number;
  /** The driver's handshake (fetched when absent). */
  readonly info?: DriverInfo | undefined;
  /** Capabilities that count as available (default: the driver's). */
  readonly capabilities?: readonly string[] | undefined;
  readonly checker?: InvariantChecker | undefined;
  /** Invariants not judged, on top of what the trace needs (explore replaying under a baseline). */
  readonly except?: readonly string[] | undefined;
  readonly record?: RunRecorder | undefined;
  /** Called with the output events of every step that ran without failing (`rewrite`). */
  readonly onStepEvents?: ((step: Step, events: readonly Yaml[]) => void) | undefined;
}

/**
 * The checker a trace needs: quorum checks only with check_quorum (asked for by the trace, or always
 * on in the library), no reconfig rule without validation; `notJudged` are left out as well.
 */
export function checkerOptionsFor(trace: Trace, forced?: AlwaysOn, notJudged: readonly string[] = []): CheckerOptions {
  const configs = [trace.defaults, ...trace.steps.flatMap((s) => {
    const a = s.args as YamlMap | null;
    return (s.kind === "add-nodes" || s.kind === "restart") && a !== null ? [(a["config"] ?? {}) as typeof trace.defaults] : [];
  })];
  const cq = configs.some((c) => c.check_quorum === true) || forced?.checkQuorum === true;
  const electionTick = configs.map((c) => c.election_tick).find((x) => x !== undefined) ?? BASE_CONFIG.electionTick;
  const noValidation = configs.some((c) => c.disable_conf_change_validation === true);
  // A trace explore wrote replays with the checker that found it.
  const explored = trace.source?.repo === EXPLORE_REPO;
  const except = [...new Set([...(noValidation ? ["reconfig-discipline"] : []), ...(explored ? UNSOUND_BETWEEN_STEPS : []), ...notJudged])];
  return {
    ...(cq ? { checkQuorum: { electionTick } } : {}),
    ...(forced?.volatileCommit === true ? { volatileCommit: true } : {}),
    ...(except.length > 0 ? { except } : {}),
  };
}

/** How many observable assertions a step carries: its check, its `outcome`, its `sent` list. */
function gatedAssertions(step: Step): number {
  return (step.kind === "check" ? 1 : 0) + (step.outcome !== undefined ? 1 : 0) + (step.sent !== undefined ? 1 : 0);
}

function stepLabel(step: Step): string {
  return `step ${step.index} (${step.kind}, line ${step.loc.line})`;
}

export async function runTrace(trace: Trace, driver: Driver, opts: TraceRunOptions): Promise<TraceResult> {
  const started = performance.now();
  const info = opts.info ?? (await driver.hello());
  const level = effectiveLevel(opts.level, info);
  const base = {
    id: trace.id,
    file: trace.file,
    source: trace.source,
    features: trace.features,
    level,
  };
  // Observable assertions not checked because the driver lacks a behaviour their step `needs`.
  let assertionsSkipped = 0;
  // A skipped trace checked nothing, so it reports no level.
  const done = (r: Partial<TraceResult> & Pick<TraceResult, "status">): TraceResult => {
    const { level: checked, ...rest } = base;
    const gatedCount = assertionsSkipped > 0 ? { assertionsSkipped } : {};
    return { ...rest, ...(r.status === "skipped" ? {} : { level: checked, ...gatedCount }), ...r, durationMs: performance.now() - started };
  };

  const caps = new Set(opts.capabilities ?? info.capabilities);
  const missing = trace.features.find((f) => !caps.has(f));
  if (missing !== undefined) {
    const reason = info.capabilities.includes(missing as Feature) ? `feature not selected by --features: ${missing}` : `driver lacks feature: ${missing}`;
    return done({ status: "skipped", reason });
  }

  const seed = trace.seed ?? opts.seed;
  const checkerOptions = checkerOptionsFor(trace, alwaysOn(caps), opts.except);
  const checker = opts.checker ?? createChecker(checkerOptions);
  opts.record?.beginTrace(trace, checkerOptions);
  const env = new Env(withBehaviours(driver, caps), new Prng(seed), applyYamlConfig(BASE_CONFIG, trace.defaults));
  // Only a failing trace carries its history, for the HTML report's chart.
  const failed = (step: Step, failure: TraceFailure): TraceResult => {
    const steps = trace.steps.slice(0, step.index + 1).map((s) => ({ index: s.index, kind: s.kind, line: s.loc.line }));
    return done({ status: "failed", failure, timeline: env.timeline.snapshot(env.nodes.map((n) => n.id), steps) });
  };
  try {
    env.reset();
    for (const step of trace.steps) {
      // A step standing in for a behaviour runs only where the driver lacks it.
      if (step.standsInFor !== undefined && step.standsInFor.behaviours.every((b) => caps.has(b))) continue;
      env.beginStep();
      // `needs:` gates the step's observable assertions (check, outcome, sent), not the step itself.
      const asserts = LEVEL_RANK[level] >= LEVEL_RANK.observable && !(step.needs?.behaviours.some((b) => !caps.has(b)) ?? false);
      if (LEVEL_RANK[level] >= LEVEL_RANK.observable && !asserts) assertionsSkipped += gatedAssertions(step);
      // Output events are rendered only where they are compared (`expect` at exact, `sent` from
      // observable up) or handed to `rewrite`.
      env.renderEvents =
        opts.onStepEvents !== undefined ||
        (level === "exact" && step.expect !== undefined) ||
        (asserts && step.sent !== undefined);
      let checkProblems: string[] = [];
      const check = async (): Promise<void> => {
        const a = step.args as YamlMap;
        const targets = checkTargets(a, env.nodes.filter((n) => n.up).map((n) => n.id));
        for (const id of targets) if (env.node(id).up) env.touched.add(id);
        await env.refreshStatus();
        if (!asserts) return;
        checkProblems = targets.flatMap((id) => evaluateCheck(a, nodeView(env.node(id)), { confChangePayloads: info.messageModel === "etcd" }));
      };
      let outcome: (() => boolean) | undefined;
      try {
        outcome = await executeStep(env, step, check);
      } catch (e) {
        if (e instanceof HarnessError) {
          return failed(step, { step: step.index, line: step.loc.line, message: `${stepLabel(step)}: ${e.message}` });
        }
        throw e;
      }
      await env.refreshStatus();
      const accepted = outcome?.();
      const obs = buildStepObs(env, step.index);
      opts.record?.step(obs);
      const violations = checker.check(obs);
      const first = violations[0];
      if (first !== undefined) {
        const failure: TraceFailure = {
          step: step.index,
          line: step.loc.line,
          invariant: first.invariant,
          message: `${stepLabel(step)}: invariant ${first.invariant} violated: ${first.message}` + (first.nodes.length ? ` (nodes ${first.nodes.join(", ")})` : ""),
        };
        return failed(step, failure);
      }
      if (asserts) {
        if (checkProblems.length > 0) {
          return failed(step, { step: step.index, line: step.loc.line, message: `${stepLabel(step)}: check failed:\n${checkProblems.join("\n")}` });
        }
        if (step.outcome !== undefined && accepted !== undefined && (step.outcome === "accepted") !== accepted) {
          const err = env.events.find((e) => e !== null && typeof e === "object" && "error" in (e as object)) as YamlMap | undefined;
          return failed(step, { step: step.index, line: step.loc.line, message: `${stepLabel(step)}: expected the input to be ${step.outcome}, but it was ${accepted ? "accepted" : `rejected (${String(err?.["error"])})`}` });
        }
      }
      if (asserts && step.sent !== undefined) {
        const unmatched = sentProblems(step.sent.messages, env.events);
        if (unmatched.length > 0) {
          return failed(step, { step: step.index, line: step.sent.loc.line, message: `${stepLabel(step)}: ${unmatched.join("\n")}` });
        }
      }
      if (level === "exact" && step.expect !== undefined) {
        const diff = compareEvents(step.expect.events, env.events);
        if (diff !== undefined) {
          return failed(step, { step: step.index, line: step.expect.loc.line, message: `${stepLabel(step)}: ${diff}` });
        }
      }
      opts.onStepEvents?.(step, env.events);
    }
    return done({ status: "passed" });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof DriverUnsupported) return done({ status: "skipped", reason: msg });
    if (e instanceof DriverFailure) {
      const where = detailsHead(e.details);
      return done({ status: "errored", errorKind: "driver", reason: where === "" ? msg : `${msg}\n  details: ${where}` });
    }
    return done({ status: "errored", errorKind: "driver", reason: `harness: ${msg}` });
  }
}

export async function runCorpus(
  opts: RunOptions,
  onResult?: (r: TraceResult, done: number, total: number) => void,
  onStart?: (id: string, file: string) => void,
): Promise<{ driver: DriverInfo; results: TraceResult[] }> {
  const found = await findTraceFiles(opts.paths);
  const loaded = await loadCorpus(found.files);
  type Item = { id: string; file: string; run: (driver: Driver, hello: () => Promise<DriverInfo>) => Promise<TraceResult> };
  const items: Item[] = [];
  for (const e of found.errors) {
    const r: TraceResult = { id: e.file, file: e.file, status: "errored", errorKind: "input", reason: formatTraceError(e), features: [], durationMs: 0 };
    items.push({ id: r.id, file: r.file, run: () => Promise.resolve(r) });
  }
  for (const { file, result } of loaded) {
    if (!result.ok) {
      const id = result.id ?? file;
      const r: TraceResult = { id, file, status: "errored", errorKind: "input", reason: result.errors.map(formatTraceError).join("\n"), features: [], durationMs: 0 };
      items.push({ id, file, run: () => Promise.resolve(r) });
      continue;
    }
    const trace = result.trace;
    if (opts.grep !== undefined && !opts.grep.test(trace.id)) continue;
    items.push({
      id: trace.id,
      file,
      run: async (driver, hello) => {
        const i = await hello();
        const caps = opts.features === undefined ? undefined : i.capabilities.filter((c) => opts.features?.includes(c));
        return runTrace(trace, driver, { level: opts.level, seed: opts.seed, info: i, capabilities: caps, record: opts.record });
      },
    });
  }
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.file < b.file ? -1 : 1));
  const selected = opts.shard === undefined ? items : items.filter((_, k) => k % (opts.shard?.count ?? 1) === opts.shard?.index);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, selected.length));
  if (jobs > 1 && opts.record !== undefined) throw new Error("runCorpus: a recorded run takes one trace at a time (jobs: 1)");
  // One driver per job, each greeted once; the first one's handshake describes the run.
  const workers = Array.from({ length: jobs }, () => {
    const driver = opts.driverFactory();
    let info: DriverInfo | undefined;
    return { driver, hello: async (): Promise<DriverInfo> => (info ??= await driver.hello()) };
  });
  const results: TraceResult[] = [];
  const finished: (TraceResult | undefined)[] = [];
  let next = 0;
  /** Hands on the finished results that follow the ones already handed on, in corpus order. */
  const deliver = (): void => {
    for (let r = finished[results.length]; r !== undefined; r = finished[results.length]) {
      results.push(r);
      onResult?.(r, results.length, selected.length);
    }
  };
  const work = async (w: (typeof workers)[number]): Promise<void> => {
    for (let k = next++; k < selected.length; k = next++) {
      const item = selected[k] as Item;
      onStart?.(item.id, item.file);
      let r: TraceResult;
      try {
        r = await item.run(w.driver, w.hello);
      } catch (e) {
        r = { id: item.id, file: item.file, status: "errored", errorKind: "driver", reason: e instanceof Error ? e.message : String(e), features: [], durationMs: 0 };
      }
      finished[k] = r;
      deliver();
    }
  };
  try {
    await Promise.all(workers.map(work));
    const finalInfo = await (workers[0] as (typeof workers)[number]).hello();
    return { driver: finalInfo, results };
  } finally {
    await Promise.all(workers.map((w) => w.driver.close().catch(() => undefined)));
  }
}

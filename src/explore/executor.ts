// Runs a schedule against a driver through the harness (the same Env, step executor and invariant
// checker a trace run uses), choosing each operation's steps from the live cluster state, and
// records the steps it ran: they are the trace that replays the run with `run`.
import type { Driver } from "../driver/types.js";
import type { AlwaysOn } from "../harness/behaviours.js";
import { BASE_CONFIG, applyYamlConfig } from "../harness/config.js";
import { DriverFailure, Env, HarnessError } from "../harness/env.js";
import { buildStepObs } from "../harness/observe.js";
import { Prng } from "../harness/prng.js";
import { executeStep } from "../harness/steps.js";
import { createChecker, UNSOUND_BETWEEN_STEPS } from "../invariants/index.js";
import type { Step } from "../trace/types.js";
import { scheduleDefaults, setupStep, stepsFor, type ClusterView, type PlannedStep } from "./plan.js";
import type { Schedule } from "./schedule.js";

export interface Violation {
  /** The invariant id, or `harness-error` / `driver-error` when the run could not go on. */
  readonly invariant: string;
  readonly message: string;
  /** A driver error's `details` (e.g. where a panic was raised), when it gave any. */
  readonly details?: string | undefined;
  /** 0-based index of the failing step among `steps`. */
  readonly step: number;
}

export interface ExecResult {
  /** Every step that ran, the failing one last. */
  readonly steps: readonly PlannedStep[];
  readonly violation?: Violation | undefined;
  /** The known invariant the run stopped at, quietly (see `executeSchedule`). */
  readonly stoppedAt?: string | undefined;
  /** Harness steps executed (for event counts). */
  readonly events: number;
}

export function viewOf(env: Env): ClusterView {
  return {
    isUp: (id) => env.nodes[id - 1]?.up === true,
    leader: () => {
      let best: { id: number; term: number } | undefined;
      for (const n of env.nodes) {
        const st = n.up ? n.status : undefined;
        if (st?.softState.raftState !== "StateLeader") continue;
        if (best === undefined || st.hardState.term > best.term) best = { id: n.id, term: st.hardState.term };
      }
      return best?.id;
    },
    compactable: (id) => {
      const n = env.nodes[id - 1];
      if (n === undefined) return undefined;
      // Within the harness's limit (what is applied) and the durable log.
      const index = Math.min(env.compactLimit(n), n.durable.lastIndex);
      return index > n.durable.snapIndex ? index : undefined;
    },
    applyNeedsReady: (id) => {
      const n = env.nodes[id - 1];
      return n !== undefined && env.confChangeUnderSnapshot(n, n.applyWork.slice(0, 1)) !== undefined;
    },
  };
}

/** The harness a schedule runs in (nothing kept for a report: a finding is replayed as a trace). */
export function scheduleEnv(s: Schedule, driver: Driver, seed: number, renderEvents: boolean): Env {
  return new Env(driver, new Prng(seed), applyYamlConfig(BASE_CONFIG, scheduleDefaults(s)), { renderEvents, timeline: false });
}

/** How one planned step went: the input's outcome, or why the run cannot go on. */
export interface StepOutcome {
  readonly accepted?: boolean | undefined;
  readonly failure?: { readonly invariant: "harness-error" | "driver-error"; readonly message: string; readonly details?: string | undefined } | undefined;
}

/** Runs one planned step (as trace step `index`) and refreshes the status of what it touched. */
export async function runPlannedStep(env: Env, p: PlannedStep, index: number): Promise<StepOutcome> {
  const step: Step = { index, kind: p.kind, args: p.args, loc: { file: "<explore>", line: index + 1, column: 1 } };
  env.beginStep();
  try {
    // The input's outcome is known once the step's last calls ran (with the status refresh).
    const outcome = await executeStep(env, step, () => Promise.resolve());
    await env.refreshStatus();
    return { accepted: outcome?.() };
  } catch (e) {
    if (e instanceof HarnessError) return { failure: { invariant: "harness-error", message: e.message } };
    if (e instanceof DriverFailure) return { failure: { invariant: "driver-error", message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } };
    throw e;
  }
}

/**
 * Runs the schedule with the run seed `seed`; stops at the first violation. Invariants in
 * `known` (a driver's known findings, `explore --baseline`) are not reported: those also in
 * `goOn` are not judged at all, and the run goes on past them; the others end the run quietly
 * at the first step that violates one (`stoppedAt`), unless that step also violates an invariant
 * that is not known, which is then reported. What follows a known defect may be its consequences.
 */
export async function executeSchedule(
  s: Schedule,
  driver: Driver,
  seed: number,
  known: readonly string[] = [],
  forced?: AlwaysOn,
  goOn: readonly string[] = [],
): Promise<ExecResult> {
  const env = scheduleEnv(s, driver, seed, false);
  // The checker `run` builds for the trace it writes (run.ts checkerOptionsFor, explore's source),
  // with the facts of a driver lacking etcd's behaviours (CheckQuorum always on, volatile commit).
  const checker = createChecker({
    ...(s.checkQuorum || forced?.checkQuorum === true ? { checkQuorum: { electionTick: BASE_CONFIG.electionTick } } : {}),
    ...(forced?.volatileCommit === true ? { volatileCommit: true } : {}),
    except: [...new Set([...UNSOUND_BETWEEN_STEPS, ...goOn.filter((k) => known.includes(k))])],
  });
  const stopAt = new Set(known.filter((k) => !goOn.includes(k)));
  const steps: PlannedStep[] = [];
  const view = viewOf(env);
  env.reset();

  const run = async (p: PlannedStep): Promise<Violation | { stop: string } | undefined> => {
    const index = steps.length;
    steps.push(p);
    const { failure } = await runPlannedStep(env, p, index);
    if (failure !== undefined) return { ...failure, step: index };
    const found = checker.check(buildStepObs(env, index));
    const first = found.find((v) => !stopAt.has(v.invariant));
    if (first === undefined) return found[0] === undefined ? undefined : { stop: found[0].invariant };
    const nodes = first.nodes.length > 0 ? ` (nodes ${first.nodes.join(", ")})` : "";
    return { invariant: first.invariant, message: `${first.message}${nodes}`, step: index };
  };

  const out = await runPlan(s, view, run);
  if (out !== undefined && "stop" in out) return { steps, stoppedAt: out.stop, events: steps.length };
  return { steps, violation: out, events: steps.length };
}

/** Runs the setup step, then each operation's steps as planned from `view`, until `run` returns a result. */
export async function runPlan<T>(s: Schedule, view: ClusterView, run: (p: PlannedStep) => Promise<T | undefined>): Promise<T | undefined> {
  let out = await run(setupStep(s));
  for (let k = 0; out === undefined && k < s.ops.length; k++) {
    const op = s.ops[k];
    if (op === undefined) continue;
    for (const p of stepsFor(s, op, k, view)) {
      out = await run(p);
      if (out !== undefined) break;
    }
  }
  return out;
}

// Differential exploration (`explore --driver A --against B`): one schedule runs on two drivers
// with the same harness choices (same seed, same planned steps, chosen from A's state), and the
// first step after which their observations differ is the finding. At the exact level (both
// drivers declare the etcd message model) a step's output events are compared; at every level the
// observable state of the nodes the step touched, and whether an input was accepted.
import type { Driver, DriverInfo } from "../driver/types.js";
import type { Env, NodeRec } from "../harness/env.js";
import { nodeView } from "../harness/observe.js";
import { Prng } from "../harness/prng.js";
import { evaluateCheck } from "../trace/check.js";
import { bytesToYaml, compareEvents } from "../trace/expect.js";
import type { YamlMap } from "../trace/types.js";
import { runPlan, runPlannedStep, scheduleEnv, viewOf, type ExecResult, type StepOutcome } from "./executor.js";
import type { PlannedStep } from "./plan.js";
import type { Schedule } from "./schedule.js";

/** The pseudo-invariant id of a differential finding. */
export const DIVERGENCE = "divergence";

export type DiffLevel = "exact" | "observable";

/** Exact when both drivers print etcd's messages, else observable (as `run` chooses its level). */
export function diffLevel(a: DriverInfo, b: DriverInfo): DiffLevel {
  return a.messageModel === "etcd" && b.messageModel === "etcd" ? "exact" : "observable";
}

/** A `check` step asserting everything observable of a node as the harness sees it in `env`. */
export function observableCheck(env: Env, id: number): YamlMap {
  const v = nodeView(env.node(id));
  return {
    node: id,
    role: v.role,
    term: v.term,
    vote: v.vote,
    leader: v.leader,
    commit: v.commit,
    applied: v.applied,
    last_index: v.lastIndex,
    log: [...v.log],
    config: {
      voters: [...v.config.voters],
      voters_outgoing: [...v.config.voters_outgoing],
      learners: [...v.config.learners],
      learners_next: [...v.config.learners_next],
    },
    read_states: v.readStates.map((r) => ({ index: r.index, ...bytesToYaml("ctx", r.ctx) })),
  };
}

/**
 * Cheap test that two nodes may look alike (no allocation): scalars, log bounds and entry digests.
 * Only when it fails is the node's full check built and compared, which decides.
 */
function mayBeAlike(a: NodeRec, b: NodeRec): boolean {
  if (a.up !== b.up || a.readStates.length !== b.readStates.length) return false;
  const sa = a.up ? a.status : undefined;
  const sb = b.up ? b.status : undefined;
  if ((sa === undefined) !== (sb === undefined)) return false;
  if (sa !== undefined && sb !== undefined) {
    if (sa.applied !== sb.applied || sa.softState.raftState !== sb.softState.raftState || sa.softState.lead !== sb.softState.lead) return false;
    const ha = sa.hardState;
    const hb = sb.hardState;
    if (ha.term !== hb.term || ha.vote !== hb.vote || ha.commit !== hb.commit) return false;
    const ca = sa.config;
    const cb = sb.config;
    const same = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
    if (!same(ca.voters, cb.voters) || !same(ca.votersOutgoing, cb.votersOutgoing) || !same(ca.learners, cb.learners) || !same(ca.learnersNext, cb.learnersNext)) return false;
  }
  const la = a.log;
  const lb = b.log;
  if (la.snapIndex !== lb.snapIndex || la.lastIndex !== lb.lastIndex) return false;
  for (let k = la.snapIndex + 1; k <= la.lastIndex; k++) {
    const x = la.entry(k);
    const y = lb.entry(k);
    if (x === undefined || y === undefined || x.term !== y.term || x.digest !== y.digest) return false;
  }
  return true;
}

interface Divergence {
  readonly message: string;
  /** The diverging step with what A did asserted on it, then `check` steps for the nodes that differ. */
  readonly steps: readonly PlannedStep[];
}

function failureText(o: StepOutcome): string {
  return o.failure === undefined ? "ran" : `${o.failure.invariant}: ${o.failure.message}`;
}

/** How the two sides of one step differ, if they do. */
function compare(p: PlannedStep, a: Env, oa: StepOutcome, b: Env, ob: StepOutcome, level: DiffLevel, names: readonly [string, string]): Divergence | "stop" | undefined {
  if (oa.failure !== undefined || ob.failure !== undefined) {
    // Both sides stopped alike (e.g. the same step is invalid on both): nothing to compare further.
    if (oa.failure?.invariant === ob.failure?.invariant) return "stop";
    return { message: `${names[0]} ${failureText(oa)}; ${names[1]} ${failureText(ob)}`, steps: [p] };
  }
  const problems: string[] = [];
  let step: PlannedStep = p;
  if (oa.accepted !== ob.accepted) {
    const word = (x: boolean | undefined): string => (x === true ? "accepted" : "rejected");
    problems.push(`${names[0]} ${word(oa.accepted)} the input, ${names[1]} ${word(ob.accepted)} it`);
    step = { ...step, outcome: oa.accepted === true ? "accepted" : "rejected" };
  }
  if (level === "exact") {
    const diff = compareEvents(a.events, b.events);
    if (diff !== undefined) {
      problems.push(`${diff.replace("(- expected, + actual)", `(- ${names[0]}, + ${names[1]})`)}`);
      // As rendered (canonical() drops zero fields the trace schema requires, e.g. the term and
      // index of the entry carrying a MsgReadIndex's context).
      step = { ...step, expect: a.events };
    }
  }
  const checks: PlannedStep[] = [];
  const ids = new Set([...a.touched, ...b.touched]);
  for (const id of [...ids].sort((x, y) => x - y)) {
    const na = a.nodes[id - 1];
    const nb = b.nodes[id - 1];
    if (na === undefined || nb === undefined || mayBeAlike(na, nb)) continue;
    const check = observableCheck(a, id);
    const mismatches = evaluateCheck(check, nodeView(nb));
    if (mismatches.length === 0) continue;
    problems.push(...mismatches.map((m) => `${m} on ${names[1]} (${names[0]} is the expected side)`));
    checks.push({ kind: "check", args: check });
  }
  return problems.length === 0 ? undefined : { message: problems.join("\n"), steps: [step, ...checks] };
}

/**
 * The randomized election timeouts the harness pins before a tick step: each implementation draws
 * them from its own generator (etcd's sequence differs from the reference's for the same seed), so
 * left alone they would make every run diverge at the first election. The harness draws instead,
 * one timeout per node and term (in [electionTick, 2·electionTick), like etcd), and sets it on both
 * sides before each tick; within a term it is the same value again, so nothing else changes.
 */
export function pinTimeouts(env: Env, p: PlannedStep, seed: number): PlannedStep[] {
  if (p.kind !== "tick") return [];
  const a = p.args as YamlMap;
  const ids = typeof a["node"] === "number" ? [a["node"]] : ((a["nodes"] as number[] | undefined) ?? []);
  const out: PlannedStep[] = [];
  for (const id of ids) {
    const n = env.nodes[id - 1];
    if (n === undefined || !n.up) continue;
    const et = n.config.electionTick;
    const term = n.status?.hardState.term ?? n.durable.hardState.term;
    const timeout = et + new Prng(seed).derive(id, term).below(et);
    out.push({ kind: "set-randomized-election-timeout", args: { node: id, timeout } });
  }
  return out;
}

/**
 * Runs the schedule on both drivers with the run seed `seed`, planning every step from `a`'s
 * state, and stops at the first step whose observations differ. The steps returned replay the
 * run; a divergence's step carries `a`'s behaviour as assertions (outcome, expect, checks).
 * With `pin`, the harness chooses the randomized election timeouts (pinTimeouts).
 */
export async function executeDifferential(
  s: Schedule,
  a: Driver,
  b: Driver,
  seed: number,
  level: DiffLevel,
  names: readonly [string, string],
  pin: boolean,
): Promise<ExecResult> {
  const envA = scheduleEnv(s, a, seed, level === "exact");
  const envB = scheduleEnv(s, b, seed, level === "exact");
  envA.reset();
  envB.reset();
  const steps: PlannedStep[] = [];
  let events = 0;
  const run = async (p: PlannedStep): Promise<ExecResult["violation"] | "stop"> => {
    const index = steps.length;
    const oa = await runPlannedStep(envA, p, index);
    const ob = await runPlannedStep(envB, p, index);
    events += 2;
    const d = compare(p, envA, oa, envB, ob, level, names);
    if (d === undefined || d === "stop") {
      steps.push(p);
      return d;
    }
    steps.push(...d.steps);
    return { invariant: DIVERGENCE, message: `step ${index}: ${d.message}`, step: index };
  };

  const out = await runPlan(s, viewOf(envA), async (p) => {
    if (pin) {
      for (const q of pinTimeouts(envA, p, seed)) {
        const r = await run(q);
        if (r !== undefined) return r;
      }
    }
    return run(p);
  });
  return { steps, violation: out === "stop" ? undefined : out, events };
}

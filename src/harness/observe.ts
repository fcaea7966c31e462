// Builds what the invariant checker and observable checks see after a step.
import type { StateType, Status } from "../driver/types.js";
import type { NodeObs, RoleObs, StepObs } from "../invariants/observation.js";
import type { NodeView, ProgressView } from "../trace/check.js";
import { entryToYaml, isPaused } from "./describe.js";
import type { Env, NodeRec } from "./env.js";

export function roleOf(s: StateType): RoleObs {
  switch (s) {
    case "StateFollower":
      return "follower";
    case "StatePreCandidate":
      return "precandidate";
    case "StateCandidate":
      return "candidate";
    case "StateLeader":
      return "leader";
  }
}

function nodeObs(n: NodeRec): NodeObs {
  const st: Status | undefined = n.up ? n.status : undefined;
  const hs = st?.hardState ?? n.durable.hardState;
  const cfg = st?.config ?? n.durable.snapshot?.metadata.confState;
  return {
    id: n.id,
    incarnation: n.incarnation,
    up: n.up,
    term: hs.term,
    vote: hs.vote,
    role: st === undefined ? "follower" : roleOf(st.softState.raftState),
    leader: st?.softState.lead ?? 0,
    commit: hs.commit,
    applied: st?.applied ?? n.durable.snapIndex,
    config: { voters: cfg?.voters ?? [], votersOutgoing: cfg?.votersOutgoing ?? [], learners: cfg?.learners ?? [] },
    log: n.log,
    durableLastIndex: n.durable.lastIndex,
    logPending: n.up && n.outputPending,
  };
}

export function buildStepObs(env: Env, step: number): StepObs {
  const nodes = new Map(env.nodes.map((n) => [n.id, nodeObs(n)] as const));
  const logDeltas = new Map();
  for (const n of env.nodes) {
    const d = n.log.takeDelta();
    if (d !== undefined) logDeltas.set(n.id, d);
  }
  return {
    step,
    nodes,
    logDeltas,
    applied: env.applied,
    restarted: env.restarted,
    delivered: env.delivered,
    injected: env.injected,
    readRequests: env.readRequests,
    readStates: env.readStates,
    ticks: new Map(env.nodes.map((n) => [n.id, n.ticks] as const)),
  };
}

export function nodeView(n: NodeRec): NodeView {
  const o = nodeObs(n);
  const cfg = n.status?.config ?? n.durable.snapshot?.metadata.confState;
  return {
    id: n.id,
    up: n.up,
    halted: n.halted,
    role: o.role,
    term: o.term,
    vote: o.vote,
    leader: o.leader,
    commit: o.commit,
    applied: o.applied,
    lastIndex: n.log.lastIndex,
    durableLastIndex: n.durable.lastIndex,
    appState: n.history.last.data,
    log: n.log.entries().map(entryToYaml),
    config: { voters: cfg?.voters ?? [], voters_outgoing: cfg?.votersOutgoing ?? [], learners: cfg?.learners ?? [], learners_next: cfg?.learnersNext ?? [] },
    readStates: n.readStates,
    leadTransferee: n.up ? (n.status?.leadTransferee ?? 0) : 0,
    progress: n.up ? progressView(n.status) : undefined,
  };
}

function progressView(st: Status | undefined): ReadonlyMap<number, ProgressView> | undefined {
  if (st === undefined || st.progress.size === 0) return undefined;
  const out = new Map<number, ProgressView>();
  for (const [id, p] of st.progress) {
    out.set(id, {
      state: p.state, match: p.match, next: p.next, paused: isPaused(p),
      pending_snapshot: p.pendingSnapshot, recent_active: p.recentActive, inflight: p.inflightCount,
    });
  }
  return out;
}

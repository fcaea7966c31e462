// The run log (spec/run-log.schema.json, spec/run-log.md): NDJSON with what the invariant checker
// saw after every step, so a run of any implementation can be re-checked offline. RunLogWriter is
// the recorder behind `run --record`; RunLogReader turns lines back into the checker's StepObs.
import type { RunRecorder } from "../harness/run.js";
import type { CheckerOptions } from "../invariants/index.js";
import type { EntryObs, InjectedObs, LogDelta, LogObs, NodeObs, StepObs } from "../invariants/observation.js";
import type { Trace } from "../trace/types.js";

export const RUN_LOG_VERSION = 1;

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export class RunLogWriter implements RunRecorder {
  private readonly lines: string[];
  /** Per node of the current trace: was it up after the previous step. */
  private wasUp = new Map<number, boolean>();

  constructor(header: { tool?: string; seed?: number } = {}) {
    this.lines = [JSON.stringify({ type: "header", version: RUN_LOG_VERSION, ...header })];
  }

  beginTrace(trace: Trace, checker: CheckerOptions): void {
    this.lines.push(JSON.stringify({ type: "trace", id: trace.id, file: trace.file, checker: checkerJson(checker) }));
    this.wasUp = new Map();
  }

  step(obs: StepObs): void {
    // A crash puts the node's log back to its durable state, which no delta describes: the node
    // line then carries the whole log.
    const reset = new Set<number>(obs.restarted);
    for (const [id, n] of obs.nodes) {
      if (!n.up && this.wasUp.get(id) !== false) reset.add(id);
      this.wasUp.set(id, n.up);
    }
    this.lines.push(JSON.stringify(stepJson(obs, reset)));
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

function checkerJson(c: CheckerOptions): Json {
  const out: Record<string, Json> = {};
  if (c.checkQuorum !== undefined) out["checkQuorum"] = { electionTick: c.checkQuorum.electionTick };
  if (c.only !== undefined) out["only"] = [...c.only];
  if (c.except !== undefined) out["except"] = [...c.except];
  return out;
}

function entryJson(e: EntryObs): Json {
  return { index: e.index, term: e.term, kind: e.kind, digest: e.digest, ...(e.confChange !== undefined ? { confChange: e.confChange } : {}) };
}

function nodeJson(n: NodeObs, withEntries: boolean): Json {
  const entries: Json[] = [];
  if (withEntries) {
    for (let i = n.log.snapIndex + 1; i <= n.log.lastIndex; i++) {
      const e = n.log.entry(i);
      if (e !== undefined) entries.push(entryJson(e));
    }
  }
  return {
    id: n.id,
    incarnation: n.incarnation,
    up: n.up,
    term: n.term,
    vote: n.vote,
    role: n.role,
    leader: n.leader,
    commit: n.commit,
    applied: n.applied,
    config: { voters: [...n.config.voters], votersOutgoing: [...n.config.votersOutgoing], learners: [...n.config.learners] },
    snapIndex: n.log.snapIndex,
    snapTerm: n.log.snapTerm,
    lastIndex: n.log.lastIndex,
    durableLastIndex: n.durableLastIndex,
    ...(n.logPending !== undefined ? { logPending: n.logPending } : {}),
    ...(withEntries ? { entries } : {}),
  };
}

function stepJson(obs: StepObs, reset: ReadonlySet<number>): Json {
  const byNode = <T>(m: ReadonlyMap<number, T>): [number, T][] => [...m].sort(([a], [b]) => a - b);
  return {
    type: "step",
    step: obs.step,
    nodes: byNode(obs.nodes).map(([id, n]) => nodeJson(n, reset.has(id))),
    logs: byNode(obs.logDeltas).map(([node, d]) => ({
      node,
      ...(d.truncatedAfter !== undefined ? { truncatedAfter: d.truncatedAfter } : {}),
      ...(d.snapshotInstalled !== undefined ? { snapshotInstalled: { index: d.snapshotInstalled.index, term: d.snapshotInstalled.term } } : {}),
      written: d.written.map(entryJson),
    })),
    applied: byNode(obs.applied).map(([node, es]) => ({ node, entries: es.map(entryJson) })),
    restarted: [...obs.restarted],
    delivered: obs.delivered.map((m) => ({ from: m.from, to: m.to, type: m.type, term: m.term, ...(m.reject !== undefined ? { reject: m.reject } : {}) })),
    ticks: byNode(obs.ticks).map(([node, ticks]) => ({ node, ticks })),
    ...(obs.acked !== undefined ? { acked: obs.acked.map((a) => ({ digest: a.digest, index: a.index })) } : {}),
    ...(obs.injected !== undefined && obs.injected.length > 0 ? { injected: obs.injected.map(injectedJson) } : {}),
  };
}

function injectedJson(m: InjectedObs): Json {
  const out: Record<string, Json> = { from: m.from, to: m.to, type: m.type, term: m.term };
  if (m.index !== undefined) out["index"] = m.index;
  if (m.logTerm !== undefined) out["logTerm"] = m.logTerm;
  if (m.entries !== undefined) out["entries"] = m.entries.map(entryJson);
  if (m.commit !== undefined) out["commit"] = m.commit;
  if (m.reject !== undefined) out["reject"] = m.reject;
  return out;
}

// --- reading ---------------------------------------------------------------------------------

/** The shapes spec/run-log.schema.json admits; the reader is only given validated lines. */
export interface EntryLine {
  index: number;
  term: number;
  kind: EntryObs["kind"];
  digest: string;
  confChange?: EntryObs["confChange"];
}
export interface NodeLine {
  id: number;
  incarnation: number;
  up: boolean;
  term: number;
  vote: number;
  role: NodeObs["role"];
  leader: number;
  commit: number;
  applied: number;
  config: { voters: number[]; votersOutgoing: number[]; learners: number[] };
  snapIndex: number;
  snapTerm: number;
  lastIndex: number;
  durableLastIndex: number;
  logPending?: boolean;
  entries?: EntryLine[];
}
export interface StepLine {
  type: "step";
  step: number;
  nodes: NodeLine[];
  logs: { node: number; truncatedAfter?: number; snapshotInstalled?: { index: number; term: number }; written: EntryLine[] }[];
  applied: { node: number; entries: EntryLine[] }[];
  restarted: number[];
  delivered: { from: number; to: number; type: string; term: number; reject?: boolean }[];
  ticks: { node: number; ticks: number }[];
  acked?: { digest: string; index: number }[];
  injected?: { from: number; to: number; type: string; term: number; index?: number; logTerm?: number; entries?: EntryLine[]; commit?: number; reject?: boolean }[];
}
export interface TraceLine {
  type: "trace";
  id: string;
  file?: string;
  checker?: { checkQuorum?: { electionTick: number }; only?: string[]; except?: string[] };
}
export interface HeaderLine {
  type: "header";
  version: number;
  tool?: string;
  seed?: number;
}
export type RunLogLine = HeaderLine | TraceLine | StepLine;

/** A line that parses and matches the schema but cannot be a real run (reported with its line). */
export class RunLogError extends Error {}

function entryObs(e: EntryLine): EntryObs {
  return { index: e.index, term: e.term, kind: e.kind, digest: e.digest, ...(e.confChange !== undefined ? { confChange: e.confChange } : {}) };
}

/** A node's log rebuilt from the deltas, then aligned with the bounds the node line states. */
class LogModel implements LogObs {
  snapIndex = 0;
  snapTerm = 0;
  lastIndex = 0;
  private readonly ents = new Map<number, EntryObs>();

  entry(index: number): EntryObs | undefined {
    return index > this.snapIndex && index <= this.lastIndex ? this.ents.get(index) : undefined;
  }

  apply(d: LogDelta): void {
    if (d.snapshotInstalled !== undefined) {
      this.ents.clear();
      this.snapIndex = d.snapshotInstalled.index;
      this.snapTerm = d.snapshotInstalled.term;
      this.lastIndex = this.snapIndex;
    }
    if (d.truncatedAfter !== undefined) this.cutAfter(d.truncatedAfter);
    for (const e of d.written) {
      // Appending at an index replaces it and everything after it (etcd's truncate-and-append).
      this.cutAfter(e.index - 1);
      this.ents.set(e.index, e);
      this.lastIndex = e.index;
    }
  }

  /** Compaction, a crash falling back to durable state: the node line states the bounds. */
  align(n: NodeLine): void {
    this.snapIndex = n.snapIndex;
    this.snapTerm = n.snapTerm;
    if (n.entries !== undefined) {
      this.ents.clear();
      for (const e of n.entries) this.ents.set(e.index, entryObs(e));
    }
    for (const i of [...this.ents.keys()]) if (i <= n.snapIndex) this.ents.delete(i);
    this.cutAfter(n.lastIndex);
    this.lastIndex = n.lastIndex;
    for (let i = n.snapIndex + 1; i <= n.lastIndex; i++) {
      if (!this.ents.has(i)) throw new RunLogError(`node ${n.id}: lastIndex ${n.lastIndex} but entry ${i} was never written`);
    }
  }

  private cutAfter(index: number): void {
    for (const i of [...this.ents.keys()]) if (i > index) this.ents.delete(i);
    this.lastIndex = Math.min(this.lastIndex, Math.max(index, this.snapIndex));
  }
}

/** Turns a trace's step lines into StepObs, keeping each node's log across steps. */
export class RunLogReader {
  private readonly logs = new Map<number, LogModel>();
  private lastStep = -1;

  toStepObs(line: StepLine): StepObs {
    if (line.step <= this.lastStep) throw new RunLogError(`step ${line.step} does not follow step ${this.lastStep}`);
    this.lastStep = line.step;
    const known = new Set(line.nodes.map((n) => n.id));
    if (known.size !== line.nodes.length) throw new RunLogError("a node is listed twice");
    const logDeltas = new Map<number, LogDelta>();
    for (const d of line.logs) {
      if (!known.has(d.node)) throw new RunLogError(`log delta for node ${d.node}, which the step does not list`);
      const delta: LogDelta = {
        written: d.written.map(entryObs),
        ...(d.truncatedAfter !== undefined ? { truncatedAfter: d.truncatedAfter } : {}),
        ...(d.snapshotInstalled !== undefined ? { snapshotInstalled: d.snapshotInstalled } : {}),
      };
      this.log(d.node).apply(delta);
      logDeltas.set(d.node, delta);
    }
    const nodes = new Map<number, NodeObs>();
    for (const n of line.nodes) {
      const log = this.log(n.id);
      log.align(n);
      nodes.set(n.id, {
        id: n.id,
        incarnation: n.incarnation,
        up: n.up,
        term: n.term,
        vote: n.vote,
        role: n.role,
        leader: n.leader,
        commit: n.commit,
        applied: n.applied,
        config: n.config,
        log,
        durableLastIndex: n.durableLastIndex,
        ...(n.logPending !== undefined ? { logPending: n.logPending } : {}),
      });
    }
    return {
      step: line.step,
      nodes,
      logDeltas,
      applied: new Map(line.applied.map((a) => [a.node, a.entries.map(entryObs)] as const)),
      restarted: line.restarted,
      delivered: line.delivered,
      ticks: new Map(line.ticks.map((t) => [t.node, t.ticks] as const)),
      ...(line.acked !== undefined ? { acked: line.acked } : {}),
      ...(line.injected !== undefined
        ? { injected: line.injected.map((m) => ({ ...m, ...(m.entries !== undefined ? { entries: m.entries.map(entryObs) } : {}) })) }
        : {}),
    };
  }

  private log(id: number): LogModel {
    let l = this.logs.get(id);
    if (l === undefined) {
      l = new LogModel();
      this.logs.set(id, l);
    }
    return l;
  }
}

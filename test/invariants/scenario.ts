// A small builder of StepObs sequences for invariant tests: mutate nodes, then step() hands the
// observation to a checker and returns the ids of the invariants that fired.
import { createChecker, type CheckerOptions } from "../../src/invariants/index.js";
import type {
  ConfigObs,
  EntryKind,
  EntryObs,
  InjectedObs,
  InvariantChecker,
  LogObs,
  NodeObs,
  ReadRequestObs,
  ReadStateObs,
  RoleObs,
  StepObs,
  Violation,
} from "../../src/invariants/observation.js";

/** A fake LogObs over an array, shared between steps like the harness's views. */
export class FakeLog implements LogObs {
  snapIndex = 0;
  snapTerm = 0;
  entries: EntryObs[] = [];
  get lastIndex(): number {
    return this.snapIndex + this.entries.length;
  }
  entry(index: number): EntryObs | undefined {
    return index > this.snapIndex ? this.entries[index - this.snapIndex - 1] : undefined;
  }
  termAt(index: number): number {
    return index === this.snapIndex ? this.snapTerm : (this.entry(index)?.term ?? 0);
  }
}

interface NodeState {
  id: number;
  incarnation: number;
  up: boolean;
  term: number;
  vote: number;
  role: RoleObs;
  leader: number;
  commit: number;
  applied: number;
  config: ConfigObs;
  log: FakeLog;
  durableLastIndex: number;
  logPending?: boolean;
}

export type NodePatch = Partial<Omit<NodeState, "id" | "log" | "config">> & { config?: Partial<ConfigObs> };

/** An entry to append: a term, or a term with digest / kind. */
export type EntrySpec = number | { term: number; digest?: string; kind?: EntryKind; confChange?: EntryObs["confChange"] };

interface PendingDelta {
  truncatedAfter?: number;
  written: EntryObs[];
  snapshotInstalled?: { index: number; term: number };
}

/** The default digest makes the same (index, term) the same entry unless a test says otherwise. */
export const digestOf = (index: number, term: number): string => `v${index}.${term}`;

export class Scenario {
  readonly checker: InvariantChecker;
  readonly nodes = new Map<number, NodeState>();
  private deltas = new Map<number, PendingDelta>();
  private appliedNow = new Map<number, EntryObs[]>();
  private restarted: number[] = [];
  private delivered: StepObs["delivered"][number][] = [];
  private ticks = new Map<number, number>();
  private acked: { digest: string; index: number }[] = [];
  private injected: InjectedObs[] = [];
  private readRequests: ReadRequestObs[] = [];
  private readStates: ReadStateObs[] = [];
  private stepNo = 0;
  /** Violations of the last step, with messages (for debugging a failing test). */
  last: readonly Violation[] = [];

  constructor(ids: readonly number[], opts: CheckerOptions = {}) {
    this.checker = createChecker(opts);
    for (const id of ids) {
      this.nodes.set(id, {
        id,
        incarnation: 0,
        up: true,
        term: 0,
        vote: 0,
        role: "follower",
        leader: 0,
        commit: 0,
        applied: 0,
        config: { voters: [...ids], votersOutgoing: [], learners: [] },
        log: new FakeLog(),
        durableLastIndex: 0,
      });
      this.ticks.set(id, 0);
    }
  }

  node(id: number): NodeState {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  set(id: number, patch: NodePatch): this {
    const n = this.node(id);
    const { config, ...rest } = patch;
    Object.assign(n, rest);
    if (config !== undefined) n.config = { ...n.config, ...config };
    return this;
  }

  private delta(id: number): PendingDelta {
    let d = this.deltas.get(id);
    if (d === undefined) this.deltas.set(id, (d = { written: [] }));
    return d;
  }

  /** Append entries after the node's last index; they count as durable unless `volatile`. */
  append(id: number, ...specs: EntrySpec[]): this {
    const n = this.node(id);
    for (const s of specs) {
      const spec = typeof s === "number" ? { term: s } : s;
      const index = n.log.lastIndex + 1;
      const e: EntryObs = {
        index,
        term: spec.term,
        kind: spec.kind ?? "normal",
        digest: spec.digest ?? digestOf(index, spec.term),
        ...(spec.confChange !== undefined ? { confChange: spec.confChange } : {}),
      };
      n.log.entries.push(e);
      this.delta(id).written.push(e);
    }
    n.durableLastIndex = n.log.lastIndex;
    return this;
  }

  truncate(id: number, after: number): this {
    const n = this.node(id);
    n.log.entries.length = Math.max(0, after - n.log.snapIndex);
    const d = this.delta(id);
    d.truncatedAfter = Math.min(d.truncatedAfter ?? after, after);
    d.written = d.written.filter((e) => e.index <= after);
    n.durableLastIndex = Math.min(n.durableLastIndex, n.log.lastIndex);
    return this;
  }

  /** Make `to`'s log a copy of `from`'s up to `upTo` (truncating a conflicting suffix), as an append would. */
  replicate(from: number, to: number, upTo?: number): this {
    const src = this.node(from).log;
    const dst = this.node(to).log;
    const last = upTo ?? src.lastIndex;
    // Walk back from the end to the last matching entry (Log Matching makes the prefix equal).
    const base = Math.max(dst.snapIndex, src.snapIndex);
    let m = Math.min(last, dst.lastIndex);
    while (m > base && (dst.entry(m)?.digest !== src.entry(m)?.digest || dst.entry(m)?.term !== src.entry(m)?.term)) m--;
    let k = m + 1;
    if (k <= dst.lastIndex) this.truncate(to, k - 1);
    for (; k <= last; k++) {
      const e = src.entry(k)!;
      this.append(to, { term: e.term, digest: e.digest, kind: e.kind, ...(e.confChange !== undefined ? { confChange: e.confChange } : {}) });
    }
    return this;
  }

  installSnapshot(id: number, index: number, term: number): this {
    const n = this.node(id);
    n.log.snapIndex = index;
    n.log.snapTerm = term;
    n.log.entries = [];
    const d = this.delta(id);
    d.snapshotInstalled = { index, term };
    delete d.truncatedAfter;
    d.written = [];
    n.durableLastIndex = index;
    return this;
  }

  /** Compact the log up to `index` (no delta: the view changes, as after a harness compaction). */
  compact(id: number, index: number): this {
    const n = this.node(id);
    n.log.snapTerm = n.log.termAt(index);
    n.log.entries = n.log.entries.slice(index - n.log.snapIndex);
    n.log.snapIndex = index;
    return this;
  }

  /** Apply the node's log entries up to `upTo` (reported in `applied`), raising `applied`. */
  apply(id: number, upTo: number): this {
    const n = this.node(id);
    const list = this.appliedNow.get(id) ?? [];
    for (let k = n.applied + 1; k <= upTo; k++) list.push(n.log.entry(k)!);
    this.appliedNow.set(id, list);
    n.applied = upTo;
    return this;
  }

  /** Report explicit applied entries (for tests of bad application). */
  applied(id: number, ...entries: EntryObs[]): this {
    this.appliedNow.set(id, [...(this.appliedNow.get(id) ?? []), ...entries]);
    return this;
  }

  /** Crash: the node now shows its durable state (the given fields; the log cut to durableLastIndex). */
  crash(id: number, durable: NodePatch = {}): this {
    const n = this.node(id);
    if (n.log.lastIndex > n.durableLastIndex) this.truncate(id, n.durableLastIndex);
    return this.set(id, { up: false, role: "follower", leader: 0, ...durable });
  }

  restart(id: number, patch: NodePatch = {}): this {
    const n = this.node(id);
    this.restarted.push(id);
    return this.set(id, { up: true, incarnation: n.incarnation + 1, role: "follower", leader: 0, ...patch });
  }

  deliver(from: number, to: number, type: string, term: number, reject?: boolean): this {
    this.delivered.push({ from, to, type, term, ...(reject !== undefined ? { reject } : {}) });
    return this;
  }

  tick(id: number, n = 1): this {
    this.ticks.set(id, (this.ticks.get(id) ?? 0) + n);
    return this;
  }

  /** A hand-made message the trace stepped into `m.to` (entries as `[index, term]` or full EntryObs). */
  inject(m: Omit<InjectedObs, "entries"> & { entries?: readonly (EntryObs | readonly [number, number])[] }): this {
    const { entries: specs, ...rest } = m;
    const entry = (e: EntryObs | readonly [number, number]): EntryObs =>
      "index" in e ? e : { index: e[0], term: e[1], kind: "normal", digest: digestOf(e[0], e[1]) };
    this.injected.push({ ...rest, ...(specs !== undefined ? { entries: specs.map(entry) } : {}) });
    return this;
  }

  /** Node `node` accepts a read-index request with context `ctx` (ReadOnlySafe unless `safe` is false). */
  readIndex(node: number, ctx: string, safe = true): this {
    this.readRequests.push({ node, ctx, safe });
    return this;
  }

  /** Node `node` hands out a read state answering `ctx` at `index`. */
  readState(node: number, ctx: string, index: number): this {
    this.readStates.push({ node, ctx, index });
    return this;
  }

  ack(digest: string, index: number): this {
    this.acked.push({ digest, index });
    return this;
  }

  observe(): StepObs {
    const nodes = new Map<number, NodeObs>();
    for (const [id, n] of this.nodes) nodes.set(id, { ...n, config: { ...n.config } });
    const obs: StepObs = {
      step: this.stepNo++,
      nodes,
      logDeltas: new Map(this.deltas),
      applied: new Map(this.appliedNow),
      restarted: [...this.restarted],
      delivered: [...this.delivered],
      ticks: new Map(this.ticks),
      acked: [...this.acked],
      injected: [...this.injected],
      readRequests: [...this.readRequests],
      readStates: [...this.readStates],
    };
    this.deltas.clear();
    this.appliedNow.clear();
    this.restarted = [];
    this.delivered = [];
    this.acked = [];
    this.injected = [];
    this.readRequests = [];
    this.readStates = [];
    return obs;
  }

  /** Run one step through the checker; returns the sorted ids of the invariants that fired. */
  step(): string[] {
    this.last = this.checker.check(this.observe());
    return [...new Set(this.last.map((v) => v.invariant))].sort();
  }

  /** Elect `leader` in `term` with votes from `voters` (three steps), appending its empty entry. */
  elect(leader: number, term: number, voters: readonly number[]): string[] {
    const fired = new Set<string>();
    const run = (): void => this.step().forEach((id) => fired.add(id));
    this.set(leader, { role: "candidate", term, vote: leader, leader: 0 });
    run();
    for (const v of voters) this.set(v, { term, vote: leader, leader: 0, role: "follower" });
    run();
    this.set(leader, { role: "leader", leader: leader }).append(leader, term);
    run();
    return [...fired].sort();
  }

  /** Replicate the leader's log to followers (they learn the leader), then commit `index` on all. */
  commitOn(leader: number, followers: readonly number[], index: number): string[] {
    const l = this.node(leader);
    for (const f of followers) this.replicate(leader, f).set(f, { term: l.term, leader, role: "follower" });
    const a = this.step();
    this.set(leader, { commit: index });
    const b = this.step();
    for (const f of followers) this.set(f, { commit: index });
    const c = this.step();
    return [...new Set([...a, ...b, ...c])].sort();
  }
}

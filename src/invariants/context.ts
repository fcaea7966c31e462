// Per-step view handed to every invariant: each node's current observation next to what the
// checker remembers of the previous step, its log change, and how the step relates the two
// (same incarnation, crash, restart). Also owns the checker's long-lived state.
import { injectedOf } from "./claims.js";
import { History } from "./history.js";
import { LogMirror, type LogChange } from "./mirror.js";
import type {
  ConfigObs,
  EntryObs,
  Invariant,
  NodeKey,
  NodeObs,
  RoleObs,
  StepObs,
  Violation,
} from "./observation.js";
import { sameConfig } from "./quorum.js";

/** What the checker keeps of a node after a step (LogObs views are shared, so only scalars). */
export interface NodeSnap {
  readonly incarnation: number;
  readonly up: boolean;
  readonly term: number;
  readonly vote: NodeKey;
  readonly role: RoleObs;
  readonly leader: NodeKey;
  readonly commit: number;
  readonly applied: number;
  readonly config: ConfigObs;
  readonly snapIndex: number;
  readonly lastIndex: number;
  readonly durableLastIndex: number;
  readonly ticks: number | undefined;
}

export type Delivered = StepObs["delivered"][number];

export interface NodeStep {
  readonly id: NodeKey;
  readonly cur: NodeObs;
  /** Undefined the first time the node is seen. */
  readonly prev: NodeSnap | undefined;
  /** Up at s−1 and at s in the same incarnation: nothing in memory can have been lost. */
  readonly continuous: boolean;
  /** Up at s−1, and down or in a new incarnation at s: non-durable state may be gone. */
  readonly crashed: boolean;
  /** Up at s, and down or in an older incarnation at s−1. */
  readonly restarted: boolean;
  readonly log: LogMirror;
  readonly change: LogChange;
  readonly applied: readonly EntryObs[];
  /** Messages stepped into this node during the step: delivered ones and hand-made ones. */
  readonly delivered: readonly Delivered[];
  /** The node's tick counter moved during the step. */
  readonly ticked: boolean;
  readonly configChanged: boolean;
  /** Leader at s, and not a leader of the same term in the same incarnation at s−1. */
  readonly becameLeader: boolean;
}

export interface CheckerOptions {
  /** Report only these invariant ids (all are still evaluated, so history stays complete). */
  readonly only?: readonly string[] | undefined;
  /** Report every invariant except these ids (e.g. reconfig-discipline with DisableConfChangeValidation). */
  readonly except?: readonly string[] | undefined;
  /**
   * Set when the nodes run with CheckQuorum: enables the lease (leader stickiness) part of
   * check-quorum, which needs the election timeout in ticks.
   */
  readonly checkQuorum?: { readonly electionTick: number } | undefined;
  /**
   * Set when the library keeps its commit index in memory only (it lacks the `durable_commit`
   * behaviour, spec/protocol.md §5.1, like raft.tla and canonical/raft): a restarted node may come
   * back below the commit it had, and re-learns it from the leader.
   */
  readonly volatileCommit?: boolean | undefined;
}

/** Long-lived checker state: history variables, log mirrors, per-invariant bookkeeping. */
export class CheckerState {
  readonly history = new History();
  readonly prev = new Map<NodeKey, NodeSnap>();
  readonly mirrors = new Map<NodeKey, LogMirror>();
  /** committed-agreement: highest index of each node's log already compared with HC. */
  readonly agreedUpTo = new Map<NodeKey, number>();
  /** leader-completeness: the term in which each leader's log was fully compared with HC. */
  readonly completenessChecked = new Map<NodeKey, { term: number; incarnation: number }>();
  /** acked-durability: same, against acknowledged client operations. */
  readonly ackedChecked = new Map<NodeKey, { term: number; incarnation: number }>();
  /** check-quorum: when each follower last heard from its leader (tick count before that step). */
  readonly lastHeard = new Map<NodeKey, { leader: NodeKey; term: number; tick: number }>();
  /**
   * check-quorum: the terms of each node's transfer campaigns (MsgTimeoutNow of term t => a forced
   * MsgVote of term t+1). All are kept: a forced vote request can be delivered late, after its
   * sender campaigned again.
   */
  readonly transferTerms = new Map<NodeKey, Set<number>>();
  /** term-monotonic / commit-monotonic: durable values last shown while the node was down. */
  readonly durableFloor = new Map<NodeKey, { term: number; commit: number }>();
  /**
   * state-machine-safety: the last index each node applied in its incarnation, from the applied
   * lists (status.applied lags behind an asynchronous apply thread).
   */
  readonly lastApplied = new Map<NodeKey, { incarnation: number; index: number }>();
  /**
   * log-well-formed: entries ("index/term" ↦ digest) that a hand-made MsgApp carried with a term
   * above the message's own term; a node holding one above its term follows the environment.
   */
  readonly injectedAboveTerm = new Map<string, string>();
  /** read-index-safety: per read context (hex), the commit index its read state must reach. */
  readonly readBounds = new Map<string, number>();
  /** config-well-formed: nodes that have had a non-empty voter set. */
  readonly configInitialised = new Set<NodeKey>();

  constructor(readonly options: CheckerOptions) {}
}

const NONE: readonly never[] = [];

export class StepContext {
  readonly nodes: NodeStep[] = [];
  readonly byId = new Map<NodeKey, NodeStep>();
  /** Up nodes whose role is leader, in id order. */
  private readonly leaderSteps: NodeStep[] = [];
  /** max_n term_n after the step (ct for newly committed indices). */
  readonly maxTerm: number;
  readonly violations: Violation[] = [];

  constructor(
    readonly obs: StepObs,
    readonly state: CheckerState,
  ) {
    const ids = [...obs.nodes.keys()].sort((a, b) => a - b);
    // Hand-made messages were stepped into their node like deliveries (prevote, check-quorum).
    const steppedTo = new Map<NodeKey, Delivered[]>();
    const stepped = (m: Delivered): void => {
      const list = steppedTo.get(m.to);
      if (list === undefined) steppedTo.set(m.to, [m]);
      else list.push(m);
    };
    for (const m of obs.delivered) stepped(m);
    for (const m of injectedOf(obs)) stepped({ from: m.from, to: m.to, type: m.type, term: m.term, reject: m.reject });
    let maxTerm = 0;
    for (const id of ids) {
      const cur = obs.nodes.get(id)!;
      maxTerm = Math.max(maxTerm, cur.term);
      let log = state.mirrors.get(id);
      if (log === undefined) state.mirrors.set(id, (log = new LogMirror()));
      const change = log.update(obs.logDeltas.get(id), cur.log);
      state.history.countLive(change.removed, -1);
      state.history.countLive(change.compacted, -1);
      for (const w of change.written) state.history.countLive1(w.entry.term, 1);
      const prev = state.prev.get(id);
      const sameInc = prev !== undefined && prev.incarnation === cur.incarnation;
      const continuous = prev !== undefined && prev.up && cur.up && sameInc;
      const crashed = prev !== undefined && prev.up && (!cur.up || !sameInc);
      const restarted = prev !== undefined && cur.up && (!prev.up || !sameInc);
      const ticks = obs.ticks.get(id);
      const n: NodeStep = {
        id,
        cur,
        prev,
        continuous,
        crashed,
        restarted,
        log,
        change,
        applied: obs.applied.get(id) ?? NONE,
        delivered: steppedTo.get(id) ?? NONE,
        ticked: prev !== undefined && ticks !== undefined && prev.ticks !== undefined && ticks !== prev.ticks,
        configChanged: prev !== undefined && !sameConfig(prev.config, cur.config),
        becameLeader:
          cur.up && cur.role === "leader" && !(continuous && prev.role === "leader" && prev.term === cur.term),
      };
      this.nodes.push(n);
      this.byId.set(id, n);
      if (cur.up && cur.role === "leader") this.leaderSteps.push(n);
    }
    this.maxTerm = maxTerm;
    for (const n of this.nodes) if (n.crashed) this.retractLost(n);
  }

  report(inv: Invariant, message: string, nodes: readonly NodeKey[]): void {
    this.violations.push({ invariant: inv.id, message: `step ${this.obs.step}: ${message}`, nodes });
  }

  /** Up nodes whose role is leader. */
  leaders(): readonly NodeStep[] {
    return this.leaderSteps;
  }

  /** Does node n currently hold entry (index, term, digest), counting a compacted index as held? */
  holds(n: NodeStep, index: number, e: { term: number; digest: string }): boolean {
    if (index <= n.log.snapIndex) return true;
    const mine = n.log.at(index);
    return mine !== undefined && mine.term === e.term && mine.digest === e.digest;
  }

  /**
   * Leader l's entry at index k (its log, else the committed history) and the nodes that hold it and
   * pass `also`; undefined when l has no such entry (commit beyond the log).
   */
  holdersOf(l: NodeStep, k: number, also?: (n: NodeStep) => boolean): { entry: { term: number; digest: string }; holders: Set<NodeKey> } | undefined {
    const entry = l.log.at(k) ?? this.state.history.committed.get(k);
    if (entry === undefined) return undefined;
    const holders = new Set<NodeKey>();
    for (const n of this.nodes) if ((also === undefined || also(n)) && this.holds(n, k, entry)) holders.add(n.id);
    return { entry, holders };
  }

  /**
   * A crash loses what was never durable; history learned only from that lost in-memory state
   * must not convict the node's next incarnation. What the node shows now (its durable state, or
   * its restarted state) says what survived. A vote or term that was durable cannot be lost
   * without vote-once / term-monotonic noticing when the node comes back.
   */
  private retractLost(n: NodeStep): void {
    const h = this.state.history;
    const votes = h.votes.get(n.id);
    if (votes !== undefined) {
      for (const t of [...votes.keys()]) {
        if (t > n.cur.term || (t === n.cur.term && n.cur.vote === 0)) votes.delete(t);
      }
    }
    for (const [t, l] of [...h.leaders]) if (l === n.id && t > n.cur.term) h.leaders.delete(t);
    for (const e of n.change.removed) {
      const elsewhere = this.nodes.some((m) => m !== n && m.log.termAt(e.index) === e.term);
      if (!elsewhere) h.removeEntryRecord(e.index, e.term);
    }
  }

  /** Remember this step's scalars for the next one. */
  finish(): void {
    for (const n of this.nodes) {
      const c = n.cur;
      this.state.prev.set(n.id, {
        incarnation: c.incarnation,
        up: c.up,
        term: c.term,
        vote: c.vote,
        role: c.role,
        leader: c.leader,
        commit: c.commit,
        applied: c.applied,
        // Copied (the observation's arrays belong to the harness), unless it did not change.
        config:
          n.prev !== undefined && !n.configChanged
            ? n.prev.config
            : { voters: [...c.config.voters], votersOutgoing: [...c.config.votersOutgoing], learners: [...c.config.learners] },
        snapIndex: c.log.snapIndex,
        lastIndex: c.log.lastIndex,
        durableLastIndex: c.durableLastIndex,
        ticks: this.obs.ticks.get(n.id),
      });
      if (!c.up) this.state.durableFloor.set(n.id, { term: c.term, commit: c.commit });
    }
  }
}

/** An invariant with its check; checks read and update the state through the context. */
export interface InvariantDef extends Invariant {
  check(ctx: StepContext): void;
}

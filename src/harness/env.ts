// The harness's model of a cluster under test, following etcd's rafttest InteractionEnv: per-node
// durable storage, storage-thread work queues and application state; one network queue; one PRNG.
// Every operation appends the output events it produced to `events` (what `expect:` compares).
import { type Applied, type ConfState, type Driver, DriverError, type Entry, type Message, type NodeConfig, type NodeId, type Ready, type ReadyAdvanced, type Snapshot, type Status } from "../driver/types.js";
import type { EntryObs, InjectedObs, ReadRequestObs, ReadStateObs } from "../invariants/observation.js";
import type { NodeConfigYaml, Yaml, YamlMap } from "../trace/types.js";
import { AppenderHistory } from "./appender.js";
import { applyYamlConfig, type BaseConfig } from "./config.js";
import { decodeConfChangeEntry } from "./confchange-text.js";
import { entryToYaml, messageToYaml, readyToYaml, statusToYaml } from "./describe.js";
import { DurableStore, EMPTY_CONF_STATE, isEmptyHardState, isEmptySnapshot } from "./durable.js";
import { entryObs, LogView } from "./logview.js";
import { isLocalTarget, Network, type MsgFilter } from "./network.js";
import type { Prng } from "./prng.js";
import { TimelineRecorder } from "./timeline.js";

/** A step the harness cannot carry out as written (reported against the step's line). */
export class HarnessError extends Error {}
/** The driver failed (threw, exited, broke the protocol). */
export class DriverFailure extends Error {
  constructor(
    message: string,
    /** The driver's `details` for the error (e.g. where a panic was raised), when it gave any. */
    readonly details?: string,
  ) {
    super(message);
  }
}
/**
 * The first line of a driver error's `details` (where a panic was raised, spec/protocol.md §3), or
 * "": only the first, since the rest may be a stack trace with addresses that differ between runs.
 */
export function detailsHead(details: string | undefined): string {
  return details?.split("\n")[0]?.trim() ?? "";
}
/**
 * The driver answered `unsupported`: the trace needs a capability or value the implementation
 * lacks, which skips the trace with the driver's message as reason (spec/protocol.md, "Errors").
 */
export class DriverUnsupported extends Error {}

/**
 * The error code of a DriverError. Recognised by name as well: an in-process driver loaded from
 * another copy of the sources (the mutants of `npm run bugs`) throws its own DriverError class.
 */
function errorCode(e: unknown): DriverError["code"] {
  if (e instanceof DriverError) return e.code;
  return e instanceof Error && e.name === "DriverError" ? (e as DriverError).code : undefined;
}

/** What the driver itself said in an error response (the client wraps it in its own words). */
function driverSaid(e: Error, code: string): string {
  return new RegExp(`with error ${code}: (.*)`).exec(e.message)?.[1] ?? e.message.split("\n")[0] ?? "";
}

/** What a call's failure is to the run: the trace's own error, a skip (`unsupported`), or a driver failure. */
function driverFailure(what: string, e: unknown): Error {
  if (e instanceof HarnessError || e instanceof DriverFailure) return e;
  if (errorCode(e) === "unsupported") return new DriverUnsupported(`driver does not support: ${driverSaid(e as Error, "unsupported")}`);
  return new DriverFailure(`${what}: ${e instanceof Error ? e.message : String(e)}`, e instanceof DriverError ? e.details : undefined);
}

/**
 * Driver calls planned together and made together: a driver speaking protocol version 2 receives
 * them as one `batch` line (src/driver/stdio-client.ts), in the order they were planned. A plan
 * holds only calls that do not depend on each other's results. What the harness does with a
 * result (`then`), and harness effects that must follow the calls before them (`effect`), run in
 * plan order once every call has answered, so a trace observes the same order of events as if
 * each call had been awaited on its own. Whatever the parameters of a later call depend on is
 * done while planning. The calls of a plan are made in one synchronous turn, in plan order; a
 * Driver (or wrapper) must start each call before it first waits, or their order is lost.
 */
export class Plan {
  private ops: { readonly what?: string; readonly f?: (d: Driver) => Promise<unknown>; readonly then: (r: unknown) => void }[] = [];
  /** The nodes whose state the calls may change (undefined: any node, e.g. a reset). */
  private changes: Set<NodeId> | undefined = new Set();

  /** A call that may change `node` (or, without one, any node). */
  call<T>(what: string, f: (d: Driver) => Promise<T>, then: (r: T) => void = () => undefined, node?: NodeId): void {
    this.ops.push({ what, f, then: then as (r: unknown) => void });
    if (node === undefined) this.changes = undefined;
    else this.changes?.add(node);
  }

  /** A call that only reads (a status): it changes no node. */
  read<T>(what: string, f: (d: Driver) => Promise<T>, then: (r: T) => void): void {
    this.ops.push({ what, f, then: then as (r: unknown) => void });
  }

  effect(then: () => void): void {
    this.ops.push({ then });
  }

  /** The nodes the calls may change; undefined when any may change. */
  get changed(): ReadonlySet<NodeId> | undefined {
    return this.changes;
  }

  /** Puts `first`'s calls and effects before this plan's own. */
  prepend(first: Plan): void {
    this.ops = [...first.ops, ...this.ops];
    if (first.changes === undefined) this.changes = undefined;
    else for (const id of first.changes) this.changes?.add(id);
  }

  /**
   * Makes the calls through `call` (which maps failures), then runs every `then` in order. If a
   * call failed, the first failed one in plan order is thrown, and no `then` at or after it runs.
   */
  async run(call: <T>(what: string, f: (d: Driver) => Promise<T>) => Promise<T>): Promise<void> {
    if (this.ops.length === 0) return;
    const settled = await Promise.allSettled(this.ops.map((o) => (o.f === undefined || o.what === undefined ? undefined : call(o.what, o.f))));
    for (const [i, o] of this.ops.entries()) {
      const r = settled[i] as PromiseSettledResult<unknown>;
      if (r.status === "rejected") throw r.reason;
      o.then(r.value);
    }
  }
}

/** Splits ids into runs in which no id repeats (a node's Ready is advanced before it is asked again). */
function withoutRepeats(ids: readonly NodeId[]): NodeId[][] {
  const chunks: NodeId[][] = [[]];
  let seen = new Set<NodeId>();
  for (const id of ids) {
    if (seen.has(id)) {
      chunks.push([]);
      seen = new Set();
    }
    seen.add(id);
    (chunks[chunks.length - 1] as NodeId[]).push(id);
  }
  return chunks;
}

/** A node's refusal to apply a committed entry (spec/protocol.md §6.3), in place of its result. */
interface Refusal {
  readonly refused: string;
}

/** Upper bound on stabilize rounds: a livelock is a failure, not a hang. */
export const MAX_STABILIZE_ROUNDS = 10_000;

export interface NodeRec {
  readonly id: NodeId;
  base: BaseConfig;
  config: NodeConfig;
  up: boolean;
  incarnation: number;
  readonly durable: DurableStore;
  history: AppenderHistory;
  readonly log: LogView;
  appendWork: Message[];
  applyWork: Message[];
  readStates: { index: number; ctx: Uint8Array }[];
  ticks: number;
  status?: Status | undefined;
  /** Inputs reached the node since its last Ready was handled (its log may be ahead of `log`). */
  outputPending: boolean;
  /** Why the node halted (it refused to apply a committed entry); cleared by `restart`. */
  halted?: string | undefined;
  /**
   * The highest snapshot index of a MsgSnap stepped into the node since it last handed out a Ready
   * (0: none). Raft may have restored it in memory already; the application only learns so from
   * the next Ready (etcd-io/etcd#11510).
   */
  snapStepped: number;
}

export interface EnvOptions {
  /** Initial value of Env.renderEvents (default true). */
  readonly renderEvents?: boolean | undefined;
  /** Keep the network and fault timeline (default true; exploration replays a trace instead). */
  readonly timeline?: boolean | undefined;
}

export class Env {
  readonly nodes: NodeRec[] = [];
  readonly net = new Network();
  /** Queued MsgStorageApply work whose entries up to the index a restored snapshot superseded. */
  private readonly superseded = new WeakMap<Message, number>();
  events: Yaml[] = [];
  // What the current step did, for the invariant checker.
  applied = new Map<NodeId, EntryObs[]>();
  delivered: { from: NodeId; to: NodeId; type: string; term: number; reject: boolean }[] = [];
  /** Hand-made messages (the `step` step) the nodes accepted: the environment's claims. */
  injected: InjectedObs[] = [];
  /** `read-index` requests the nodes accepted, and read states they handed out, this step. */
  readRequests: ReadRequestObs[] = [];
  readStates: ReadStateObs[] = [];
  restarted: NodeId[] = [];
  touched = new Set<NodeId>();
  /** Sends, deliveries, drops, crashes and restarts, for the report of a trace that fails. */
  readonly timeline: TimelineRecorder;
  /**
   * Render the step's output events as YAML (what `expect:` compares at the exact level). Off when
   * nobody reads them (exploration, steps without expectations): rendering is a good part of a
   * step's cost. Input refusals (`error` events) are always recorded.
   */
  renderEvents: boolean;
  /** The `reset` to make before any other call (see `reset`). */
  private preamble: Plan | undefined;
  /** The calls the last operation of the step left to run with the status refresh (see `leave`). */
  private tail: Plan | undefined;
  /** Nodes that refused to apply a committed entry in the plan being run (see `planApply`). */
  private readonly halting: { n: NodeRec; said: string }[] = [];
  /**
   * Nodes whose cached `status` was read after the last call into the driver: reading it again
   * would give the same answer (a status is a pure read), so `refreshStatus` does not (a `check`
   * step's second refresh, a `status` step's).
   */
  private readonly fresh = new Set<NodeId>();

  constructor(readonly driver: Driver, readonly prng: Prng, readonly defaults: BaseConfig, opts: EnvOptions = {}) {
    this.renderEvents = opts.renderEvents ?? true;
    this.timeline = opts.timeline === false ? new TimelineRecorder(false) : new TimelineRecorder();
  }

  beginStep(): void {
    this.events = [];
    this.applied = new Map();
    this.delivered = [];
    this.injected = [];
    this.readRequests = [];
    this.readStates = [];
    this.restarted = [];
    this.touched = new Set();
    for (const n of this.nodes) n.log.beginStep();
    this.timeline.beginStep();
  }

  /** Queues messages on the network. */
  private send(msgs: readonly Message[]): void {
    this.net.send(msgs);
    this.timeline.sent(msgs);
  }

  node(id: NodeId): NodeRec {
    const n = this.nodes[id - 1];
    if (n === undefined) throw new HarnessError(`node ${id} does not exist`);
    return n;
  }

  private upNode(id: NodeId): NodeRec {
    const n = this.node(id);
    if (!n.up) throw new HarnessError(`node ${id} is crashed; restart it first`);
    this.touched.add(id);
    n.outputPending = true;
    return n;
  }

  /** Calls the driver; anything it throws is a driver failure, not a trace failure. */
  async call<T>(what: string, f: (d: Driver) => Promise<T>): Promise<T> {
    if (this.tail !== undefined || this.preamble !== undefined) await this.settle();
    this.fresh.clear();
    return this.callNow(what, f);
  }

  private async callNow<T>(what: string, f: (d: Driver) => Promise<T>): Promise<T> {
    try {
      return await f(this.driver);
    } catch (e) {
      throw driverFailure(what, e);
    }
  }

  /** Runs a plan's calls, then takes down the nodes that halted in it. */
  private async runNow(plan: Plan): Promise<void> {
    if (this.preamble !== undefined) {
      plan.prepend(this.preamble);
      this.preamble = undefined;
    }
    this.changing(plan);
    await plan.run((what, f) => this.callNow(what, f));
    await this.haltPending();
  }

  /** Runs a plan (see Plan), after the calls a previous operation left. */
  private async run(plan: Plan): Promise<void> {
    if (this.tail !== undefined) await this.settle();
    await this.runNow(plan);
  }

  /**
   * Leaves an operation's last plan to run at the end of the step, with the status calls of
   * `refreshStatus` (one batch where there would be two). Only what nothing else in the step
   * depends on is left so: the outcome of an input, a Ready's advance, deliveries, storage work.
   * Any later call of the driver runs it first.
   */
  private leave(plan: Plan): void {
    if (this.tail !== undefined) throw new Error("harness: a plan was left while another was pending");
    this.tail = plan;
    this.changing(plan); // its calls are yet to run

  }

  /** A node's cached status is stale once a call that may change it is planned to run. */
  private changing(plan: Plan): void {
    const changed = plan.changed;
    if (changed === undefined) this.fresh.clear();
    else for (const id of changed) this.fresh.delete(id);
  }

  /** Runs what the last operation left (see `leave`); every step ends with it (refreshStatus). */
  async settle(): Promise<void> {
    const tail = this.tail ?? (this.preamble !== undefined ? new Plan() : undefined);
    this.tail = undefined;
    if (tail !== undefined) await this.runNow(tail);
  }

  /**
   * Drops every node of the driver (`reset`, before a trace) with the trace's first calls: the
   * reset goes first in the next plan that runs, one batch under protocol version 2.
   */
  reset(): void {
    const plan = new Plan();
    plan.call("reset", (d) => d.reset());
    this.preamble = plan;
    this.fresh.clear();
  }

  /**
   * Plans with `build` and runs the plan. A harness error while planning is thrown after the
   * calls planned before it ran, as it would have been had each call been made on its own.
   */
  private async planned(build: (plan: Plan) => void): Promise<void> {
    if (this.tail !== undefined) await this.settle();
    const plan = new Plan();
    try {
      build(plan);
    } catch (e) {
      await this.run(plan);
      throw e;
    }
    this.leave(plan);
  }

  private nodeSeed(id: NodeId, incarnation: number): number {
    return this.prng.derive(id, incarnation).nextU32();
  }

  // --- setup and faults -------------------------------------------------------------------

  async addNodes(a: YamlMap): Promise<void> {
    if (this.tail !== undefined) await this.settle();
    const count = a["count"] as number;
    const ids = (k: string): number[] => (a[k] as number[] | undefined) ?? [];
    const index = a["index"] as number | undefined;
    const content = a["content"] as string | undefined;
    const bootstrap = ["voters", "learners", "voters_outgoing", "learners_next"].some((k) => ids(k).length > 0)
      || a["auto_leave"] === true || (index ?? 0) > 0 || (content ?? "") !== "";
    if (bootstrap && (index ?? 0) <= 1) throw new HarnessError("index must be > 1 when add-nodes bootstraps from a snapshot");
    const snap: Snapshot | undefined = bootstrap ? {
      data: new Uint8Array(Buffer.from(content ?? "", "utf8")),
      metadata: {
        index: index ?? 0,
        term: 1,
        confState: { voters: ids("voters"), learners: ids("learners"), votersOutgoing: ids("voters_outgoing"), learnersNext: ids("learners_next"), autoLeave: a["auto_leave"] === true },
      },
    } : undefined;
    const base = applyYamlConfig(this.defaults, a["config"] as NodeConfigYaml | undefined);
    const plan = new Plan();
    for (let i = 0; i < count; i++) {
      const id = this.nodes.length + 1;
      const durable = new DurableStore();
      if (snap !== undefined) durable.applySnapshot(snap);
      const config: NodeConfig = { ...base, applied: snap?.metadata.index ?? 0, seed: this.nodeSeed(id, 0) };
      const rec: NodeRec = {
        id, base, config, up: true, incarnation: 0, durable, history: new AppenderHistory(snap), log: new LogView(),
        appendWork: [], applyWork: [], readStates: [], ticks: 0, outputPending: false, snapStepped: 0,
      };
      rec.log.resetTo(durable.snapIndex, durable.snapTerm, []);
      rec.log.beginStep();
      this.nodes.push(rec);
      this.touched.add(id);
      plan.call(`create ${id}`, (d) => d.create(id, config, durable.state()), undefined, id);
    }
    this.leave(plan);
  }

  async crash(id: NodeId): Promise<void> {
    const n = this.node(id);
    if (!n.up) throw new HarnessError(`node ${id} is already crashed`);
    await this.call(`crash ${id}`, (d) => d.crash(id));
    n.up = false;
    n.status = undefined;
    n.outputPending = false;
    n.snapStepped = 0;
    // Unprocessed storage work never happened: that is what a crash loses in async mode. The
    // storage threads' answers still queued (MsgStorageAppendResp, MsgStorageApplyResp) and the
    // node's messages to itself die with the process too: stepped into the next incarnation, an
    // apply answer would tell raft that entries its restored state machine has not applied were
    // applied (explore seeds 24333 and 32914, a sole voter with async storage writes).
    n.appendWork = [];
    n.applyWork = [];
    this.net.forgetLocal(id);
    n.readStates = [];
    n.history = new AppenderHistory(n.durable.snapshot);
    n.log.resetTo(n.durable.snapIndex, n.durable.snapTerm, n.durable.allEntries());
    this.timeline.crashed(id);
  }

  async restart(id: NodeId, cfg: NodeConfigYaml | undefined): Promise<void> {
    const n = this.node(id);
    if (n.up) await this.crash(id);
    n.incarnation++;
    n.halted = undefined;
    n.base = applyYamlConfig(n.base, cfg);
    n.config = { ...n.base, applied: n.durable.snapIndex, seed: this.nodeSeed(id, n.incarnation) };
    await this.call(`restart ${id}`, (d) => d.create(id, n.config, n.durable.state()));
    n.up = true;
    this.touched.add(id);
    this.restarted.push(id);
    this.timeline.restarted(id);
  }

  // --- inputs -----------------------------------------------------------------------------

  async tick(id: NodeId, count: number): Promise<void> {
    await this.tickNodes([id], count);
  }

  /** Ticks each node `count` times, node after node. */
  async tickNodes(ids: readonly NodeId[], count: number): Promise<void> {
    await this.planned((plan) => {
      for (const id of ids) {
        const n = this.upNode(id);
        for (let i = 0; i < count; i++) plan.call(`tick ${id}`, (d) => d.tick(id), () => n.ticks++, id);
      }
    });
  }

  /**
   * Runs an input the node may refuse; a refusal is an `error` event. The input is made with the
   * step's status refresh: the returned function tells whether it was accepted once the step's
   * calls ran (after `refreshStatus` or `settle`); `onAccepted` runs then if it was.
   */
  async input(id: NodeId, what: string, f: (d: Driver) => Promise<{ ok: true } | { ok: false; error: string }>, onAccepted?: () => void): Promise<() => boolean> {
    if (this.tail !== undefined) await this.settle();
    this.upNode(id);
    let accepted: boolean | undefined;
    const plan = new Plan();
    plan.call(`${what} on ${id}`, f, (out) => {
      accepted = out.ok;
      if (!out.ok) this.events.push({ error: out.error });
      else onAccepted?.();
    }, id);
    this.leave(plan);
    return () => {
      if (accepted === undefined) throw new Error(`harness: the outcome of ${what} on ${id} was read before the step's calls ran`);
      return accepted;
    };
  }

  /**
   * Steps a hand-made message into a node (the `step` step). An accepted one is the environment's
   * claim about its sender (e.g. that it led that term), which the invariant checker records.
   */
  async inject(id: NodeId, m: Message): Promise<() => boolean> {
    return this.input(id, "step", (d) => d.step(id, m), () => {
      this.injected.push({
        from: m.from, to: id, type: m.type, term: m.term, index: m.index, logTerm: m.logTerm,
        entries: m.entries.map(entryObs), commit: m.commit, reject: m.reject,
      });
    });
  }

  /** Asks a node for a read index; an accepted request is remembered for read-index safety. */
  async readIndex(id: NodeId, ctx: Uint8Array): Promise<() => boolean> {
    const safe = this.nodes.every((n) => n.config.readOnlyOption === "safe");
    return this.input(id, "read-index", (d) => d.readIndex(id, ctx), () => {
      this.readRequests.push({ node: id, ctx: Buffer.from(ctx).toString("hex"), safe });
    });
  }

  async setRandomizedElectionTimeout(id: NodeId, timeout: number): Promise<void> {
    this.upNode(id);
    await this.call(`set-randomized-election-timeout ${id}`, (d) => d.setRandomizedElectionTimeout(id, timeout));
  }

  // --- Ready handling and storage threads -------------------------------------------------

  async processReady(id: NodeId): Promise<void> {
    await this.processReadies([id]);
  }

  /** The `process-ready` step: each node's Ready, handled in node order (all Readys asked at once). */
  async processReadies(ids: readonly NodeId[]): Promise<void> {
    if (this.tail !== undefined) await this.settle();
    let plan = new Plan();
    for (const chunk of withoutRepeats(ids)) {
      const got: { id: NodeId; rd: Ready | null; advanced: ReadyAdvanced["advance"] }[] = [];
      let failure: { error: unknown } | undefined;
      try {
        for (const id of chunk) {
          this.upNode(id);
          this.planReady(id, plan, (rd, advanced) => got.push({ id, rd, advanced }));
        }
        // A Ready advanced in its own call leaves the node as the step ends: its status (which
        // the step's refresh reads) goes in the same batch.
        for (const id of chunk) if (this.fusesAdvance(id)) this.planStatus(plan, this.node(id));
      } catch (e) {
        failure = { error: e };
      }
      await this.run(plan);
      for (const id of chunk) if (this.fusesAdvance(id)) this.fresh.add(id);
      plan = new Plan();
      for (const { id, rd, advanced } of got) {
        if (this.renderEvents) this.events.push(readyToYaml(id, rd));
        if (rd !== null) this.takeReady(id, rd, plan, advanced);
        plan.effect(() => (this.node(id).outputPending = false));
      }
      if (failure !== undefined) {
        await this.run(plan);
        throw failure.error;
      }
    }
    this.leave(plan);
  }

  /**
   * Asks node `id` for its Ready in `plan`; a snapshot it restored is in that Ready (none without
   * one). With synchronous storage and a driver that can (protocol version 3, §6.5), the Ready is
   * advanced in the same call: nothing the harness does between the two reaches the driver.
   */
  private fusesAdvance(id: NodeId): boolean {
    return this.driver.readyAdvance !== undefined && !this.node(id).config.asyncStorageWrites;
  }

  private planStatus(plan: Plan, n: NodeRec): void {
    plan.read(`status ${n.id}`, (d) => d.status(n.id), (st) => (n.status = st));
  }

  private planReady(id: NodeId, plan: Plan, then: (rd: Ready | null, advanced?: ReadyAdvanced["advance"]) => void): void {
    const fused = this.fusesAdvance(id);
    const got = (rd: Ready | null, advanced?: ReadyAdvanced["advance"]): void => {
      this.node(id).snapStepped = 0;
      then(rd, advanced);
    };
    if (fused) plan.call(`ready ${id}`, (d) => (d.readyAdvance as NonNullable<Driver["readyAdvance"]>)(id), (r) => got(r.ready, r.advance), id);
    else plan.call(`ready ${id}`, (d) => d.ready(id), (rd) => got(rd), id);
  }

  /**
   * Handles a Ready up to its `advance`: read states, the write it asks for (synchronous storage)
   * or the storage-thread work it hands out (asynchronous), and its messages onto the network.
   * The `advance` (synchronous storage) goes into `plan`.
   */
  private takeReady(id: NodeId, rd: Ready, plan: Plan, advanced?: ReadyAdvanced["advance"]): void {
    const n = this.node(id);
    for (const rs of rd.readStates) {
      n.readStates.push({ index: rs.index, ctx: rs.requestCtx });
      this.readStates.push({ node: id, index: rs.index, ctx: Buffer.from(rs.requestCtx).toString("hex") });
    }
    const async = n.config.asyncStorageWrites;
    if (!async) {
      this.handOut(n, rd.snapshot, rd.entries);
      this.persist(n, rd.hardState, rd.entries, rd.snapshot);
    }
    for (const m of rd.messages) {
      if (isLocalTarget(m.to)) {
        if (!async) throw new DriverFailure(`node ${id} sent ${m.type} to a storage thread without async storage writes`);
        if (m.type === "MsgStorageAppend") {
          this.handOut(n, m.snapshot, m.entries);
          // Raft restored this snapshot in memory: the apply work queued before it must not apply
          // what it covers on top of it, whichever of the two threads runs first.
          if (m.snapshot !== undefined && !isEmptySnapshot(m.snapshot)) this.supersede(n, m.snapshot.metadata.index);
          n.appendWork.push(m);
        } else if (m.type === "MsgStorageApply") {
          n.applyWork.push(m);
        } else {
          throw new DriverFailure(`node ${id} sent unexpected local message ${m.type}`);
        }
      } else {
        this.send([m]);
      }
    }
    if (async) return;
    const record = (applied: Applied): void => this.recordApplied(n, rd.committedEntries, applied);
    if (advanced === undefined) {
      this.planApply(plan, n, `advance ${id}`, (d) => d.advance(id), record);
      return;
    }
    // Advanced with the Ready already: its outcome is taken where the advance would have run.
    plan.effect(() => {
      if (advanced.ok) return record(advanced.applied);
      if (errorCode(advanced.error) !== "rejected") throw driverFailure(`advance ${id}`, advanced.error);
      this.appliedOrHalted(n, record)({ refused: driverSaid(advanced.error, "rejected") });
    });
  }

  /**
   * `advance` / `storage_apply` in a plan. A `rejected` answer is a defined outcome
   * (spec/protocol.md §6.3): the node refused to apply a committed entry (etcd panics removing the
   * last voter) and halted. The harness records a `halted` event where the refusal came and takes
   * the node down as in a crash once the plan has run (`haltPending`): calls batched after the
   * refusal have already reached the node, as they would have reached it before a crash.
   */
  private planApply(plan: Plan, n: NodeRec, what: string, f: (d: Driver) => Promise<Applied>, then: (a: Applied) => void): void {
    plan.call(
      what,
      async (d): Promise<Applied | Refusal> => {
        try {
          return await f(d);
        } catch (e) {
          if (errorCode(e) !== "rejected") throw e;
          return { refused: driverSaid(e as Error, "rejected") };
        }
      },
      this.appliedOrHalted(n, then),
      n.id,
    );
  }

  /** What the harness does with an apply's answer: the result, or the node's refusal (it halts). */
  private appliedOrHalted(n: NodeRec, then: (a: Applied) => void): (r: Applied | Refusal) => void {
    return (r) => {
      if (!("refused" in r)) return then(r);
      // The reason is the implementation's own words: checks match it (`halted: "text"`), exact
      // expectations do not, so they stay the same across implementations.
      this.events.push({ halted: { node: n.id } });
      this.halting.push({ n, said: r.refused });
    };
  }

  /** Takes down the nodes that refused to apply an entry in the plan that just ran. */
  private async haltPending(): Promise<void> {
    for (let h = this.halting.shift(); h !== undefined; h = this.halting.shift()) {
      if (h.n.up) await this.crash(h.n.id);
      h.n.halted = h.said;
    }
  }

  /** What the node handed out for persistence becomes its log (the invariant checker's view). */
  private handOut(n: NodeRec, snap: Snapshot | undefined, entries: readonly Entry[]): void {
    if (snap !== undefined && !isEmptySnapshot(snap)) n.log.installSnapshot(snap.metadata.index, snap.metadata.term);
    n.log.append(entries);
  }

  private persist(n: NodeRec, hs: Ready["hardState"], entries: readonly Entry[], snap: Snapshot | undefined): void {
    if (hs !== undefined && !isEmptyHardState(hs)) n.durable.setHardState(hs);
    // A follower that restores a snapshot and then appends what the leader sent after it, before
    // its next Ready, hands out both at once (etcd does; its own test harness refuses the pair):
    // the snapshot goes first, the entries follow it.
    if (snap !== undefined && !isEmptySnapshot(snap)) {
      n.durable.applySnapshot(snap);
      n.history.restore(snap);
      this.supersede(n, snap.metadata.index);
    }
    n.durable.append(entries);
  }

  /**
   * Entries handed to the apply thread before a snapshot at `index` was restored are part of it
   * now: etcd runs the two threads in any order (raft.appliedTo takes the max of a late
   * MsgStorageApplyResp) and leaves it to the application not to apply them on top of it, as
   * etcdserver does; applying a conf change the restored configuration already holds makes etcd
   * panic (etcd-io/etcd#11510). Work handed out later is not filtered, so a node handing out
   * entries its snapshot covers is still caught.
   */
  private supersede(n: NodeRec, index: number): void {
    for (const m of n.applyWork) this.superseded.set(m, Math.max(this.superseded.get(m) ?? 0, index));
  }

  /**
   * The conf change entry of the node's queued apply work that a MsgSnap stepped since its last
   * Ready may cover: raft may have restored that snapshot already, and until its Ready says so the
   * application cannot tell whether applying the entry is still right.
   */
  confChangeUnderSnapshot(n: NodeRec, work: readonly Message[] = n.applyWork): Entry | undefined {
    if (n.snapStepped === 0) return undefined;
    for (const m of work) {
      const upTo = this.superseded.get(m) ?? 0;
      const e = m.entries.find((x) => x.type !== "EntryNormal" && x.index > upTo && x.index <= n.snapStepped);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  private recordApplied(n: NodeRec, entries: readonly Entry[], applied: Applied): void {
    if (entries.length === 0) return;
    const list = this.applied.get(n.id) ?? [];
    for (const e of entries) {
      let cs: ConfState | undefined;
      let update = e.data;
      if (e.type !== "EntryNormal") {
        cs = applied.confStates.find((x) => x.index === e.index)?.confState;
        update = decodeConfChangeEntry(e.type, e.data)?.context ?? new Uint8Array();
      }
      n.history.apply(e, update, cs);
      list.push(entryObs(e));
    }
    this.applied.set(n.id, list);
  }

  async processAppendThread(id: NodeId): Promise<void> {
    await this.processAppendThreads([id]);
  }

  /** The `process-append-thread` step: one unit of append work per listed node, in order. */
  async processAppendThreads(ids: readonly NodeId[]): Promise<void> {
    await this.planned((plan) => {
      for (const id of ids) this.planAppendThread(id, plan);
    });
  }

  private planAppendThread(id: NodeId, plan: Plan): void {
    const n = this.upNode(id);
    const m = n.appendWork.shift();
    if (m === undefined) {
      if (this.renderEvents) plan.effect(() => this.events.push({ "append-thread": { node: id, no_work: true } }));
      return;
    }
    if (this.renderEvents) plan.effect(() => this.events.push({ "append-thread": { node: id, processing: messageToYaml(m, false), responses: m.responses.map((r) => messageToYaml(r)) } }));
    // Now, not after the call: apply work planned after this sees what it superseded.
    this.persist(n, { term: m.term, vote: m.vote, commit: m.commit }, m.entries, m.snapshot);
    plan.call(`storage append ${id}`, (d) => d.storageAppend(id, m), () => this.send(m.responses), id);
  }

  async processApplyThread(id: NodeId): Promise<void> {
    await this.processApplyThreads([id]);
  }

  /** The `process-apply-thread` step: one unit of apply work per listed node, in order. */
  async processApplyThreads(ids: readonly NodeId[]): Promise<void> {
    await this.planned((plan) => {
      for (const id of ids) this.planApplyThread(id, plan);
    });
  }

  private planApplyThread(id: NodeId, plan: Plan): void {
    const n = this.upNode(id);
    const hazard = this.confChangeUnderSnapshot(n, n.applyWork.slice(0, 1));
    if (hazard !== undefined) {
      throw new HarnessError(
        `node ${id} was sent a snapshot at index ${n.snapStepped} since its last Ready, which may already have replaced its configuration; ` +
          `applying conf change entry ${hazard.index} before that Ready could apply it on top of the snapshot (etcd panics: etcd-io/etcd#11510). ` +
          `Process node ${id}'s Ready first (process-ready: ${id}).`,
      );
    }
    const m = n.applyWork.shift();
    if (m === undefined) {
      if (this.renderEvents) plan.effect(() => this.events.push({ "apply-thread": { node: id, no_work: true } }));
      return;
    }
    if (this.renderEvents) plan.effect(() => this.events.push({ "apply-thread": { node: id, processing: messageToYaml(m, false), responses: m.responses.map((r) => messageToYaml(r)) } }));
    const upTo = this.superseded.get(m) ?? 0;
    const work = upTo === 0 ? m : { ...m, entries: m.entries.filter((e) => e.index > upTo) };
    this.planApply(plan, n, `storage apply ${id}`, (d) => d.storageApply(id, work), (applied) => {
      this.recordApplied(n, work.entries, applied);
      this.send(m.responses);
    });
  }

  // --- network ----------------------------------------------------------------------------

  /**
   * Delivers (or drops) the queued messages of each recipient in queue order, at most `limit` in
   * all (the first ones: recipients in the given order, each one's in queue order); returns how many.
   */
  async deliverMsgs(recipients: readonly NodeId[], f: MsgFilter, drop: boolean, limit = Infinity): Promise<number> {
    if (this.tail !== undefined) await this.settle();
    const plan = new Plan();
    const count = this.planDeliveries(recipients, f, drop, plan, limit);
    this.leave(plan);
    return count;
  }

  private planDeliveries(recipients: readonly NodeId[], f: MsgFilter, drop: boolean, plan: Plan, limit = Infinity): number {
    let count = 0;
    for (const to of recipients) {
      if (count >= limit) break;
      const msgs = this.net.take(to, f, drop, limit - count);
      if (msgs.length === 0) continue;
      count += msgs.length;
      const render = this.renderEvents;
      const shown: Yaml[] = [];
      for (const m of msgs) {
        const y: Record<string, Yaml> = render ? { ...messageToYaml(m) } : {};
        const target = this.nodes[to - 1];
        const cut = this.net.isCut(m);
        if (drop || cut || target === undefined || !target.up) {
          plan.effect(() => {
            y["dropped"] = true;
            this.timeline.dropped(m, drop ? "by the trace" : cut ? "link cut" : "recipient down");
            if (render) shown.push(y);
          });
          continue;
        }
        this.touched.add(to);
        target.outputPending = true;
        // Set when planned, not when run: apply work planned after it in the same batch must wait for
        // the node's next Ready (a rejected MsgSnap only defers that work by one round).
        if (m.type === "MsgSnap" && m.snapshot !== undefined) target.snapStepped = Math.max(target.snapStepped, m.snapshot.metadata.index);
        plan.call(`step ${m.type} into ${to}`, (d) => d.step(to, m), (out) => {
          this.delivered.push({ from: m.from, to, type: m.type, term: m.term, reject: m.reject });
          this.timeline.delivered(m, out.ok ? undefined : out.error);
          if (!out.ok) y["error"] = out.error;
          if (render) shown.push(y);
        }, to);
      }
      if (render) plan.effect(() => this.events.push({ deliver: { node: to, messages: shown } }));
    }
    return count;
  }

  /**
   * etcd's Stabilize: Ready handling, delivery, append thread, apply thread, until nothing moves.
   * Each round's Readys are asked in one plan with the previous round's advances, deliveries and
   * storage work (which all precede them, as in a round made call by call), so a round is one
   * batch for a driver that speaks version 2.
   */
  async stabilize(ids: readonly NodeId[]): Promise<void> {
    if (this.tail !== undefined) await this.settle();
    const set = ids.length > 0 ? ids : this.nodes.map((n) => n.id);
    let plan = new Plan();
    let delivering = false;
    for (let round = 0; round < MAX_STABILIZE_ROUNDS; round++) {
      let done = true;
      // A later round that delivers nothing is usually the last (its Readys are empty): the status
      // the step's refresh reads then goes in its batch.
      const last = round > 0 && !delivering;
      const read: NodeId[] = [];
      // A node listed twice is asked again only after its first Ready was advanced.
      for (const chunk of withoutRepeats(set)) {
        const got: { id: NodeId; rd: Ready; advanced: ReadyAdvanced["advance"] }[] = [];
        let failure: { error: unknown } | undefined;
        try {
          for (const id of chunk) {
            if (!this.node(id).up) continue;
            this.touched.add(id);
            this.planReady(id, plan, (rd, advanced) => {
              if (rd !== null) got.push({ id, rd, advanced });
            });
          }
          if (last) {
            for (const id of chunk) {
              if (this.node(id).up && this.fusesAdvance(id)) {
                this.planStatus(plan, this.node(id));
                read.push(id);
              }
            }
          }
        } catch (e) {
          failure = { error: e };
        }
        await this.run(plan);
        for (const id of read) this.fresh.add(id);
        read.length = 0;
        plan = new Plan();
        for (const { id, rd, advanced } of got) {
          if (this.renderEvents) this.events.push(readyToYaml(id, rd));
          this.takeReady(id, rd, plan, advanced);
          done = false;
        }
        if (failure !== undefined) {
          await this.run(plan);
          throw failure.error;
        }
      }
      delivering = false;
      for (const id of set) {
        if (this.net.hasFor(id)) {
          this.planDeliveries([id], {}, false, plan);
          done = false;
          delivering = true;
        }
      }
      for (const id of set) {
        const n = this.node(id);
        if (!n.up || n.appendWork.length === 0) continue;
        while (n.appendWork.length > 0) this.planAppendThread(id, plan);
        done = false;
      }
      for (const id of set) {
        const n = this.node(id);
        if (!n.up || n.applyWork.length === 0) continue;
        done = false;
        // A snapshot stepped in this round may cover a queued conf change: apply after the node's
        // next Ready (the next round's first phase) says whether it was restored.
        if (this.confChangeUnderSnapshot(n) !== undefined) continue;
        while (n.applyWork.length > 0) this.planApplyThread(id, plan);
      }
      if (done) {
        await this.run(plan);
        return;
      }
    }
    await this.run(plan);
    throw new HarnessError(`stabilize did not reach a fixed point within ${MAX_STABILIZE_ROUNDS} rounds`);
  }

  // --- snapshots, compaction, dumps -------------------------------------------------------

  async sendSnapshot(from: NodeId, to: NodeId): Promise<void> {
    const n = this.upNode(from);
    const st = await this.call(`status ${from}`, (d) => d.status(from));
    // Only a leader sends snapshots (InstallSnapshot is a leader's RPC); a MsgSnap from anyone else
    // would impersonate a leader of the sender's term and trip leader-knowledge on the receiver.
    if (st.softState.raftState !== "StateLeader") {
      throw new HarnessError(`send-snapshot from node ${from}, which is not a leader (${st.softState.raftState}, term ${st.hardState.term}): a snapshot message comes from the leader of its term; make node ${from} lead first`);
    }
    const m: Message = {
      type: "MsgSnap", from, to, term: st.hardState.term, logTerm: 0, index: 0, entries: [], commit: 0, vote: 0,
      snapshot: n.history.last, reject: false, rejectHint: 0, context: new Uint8Array(), responses: [],
    };
    this.send([m]);
    if (this.renderEvents) this.events.push({ sent: messageToYaml(m) });
  }

  /**
   * The highest index a `compact` may name. Only applied state can back a snapshot, and etcd leaves
   * it to the application not to compact above raft's own applied index (with async storage writes
   * it lags the apply thread until the MsgStorageApplyResp is stepped back); a crashed node has
   * applied its durable snapshot only.
   */
  compactLimit(n: NodeRec): number {
    return Math.min(n.history.last.metadata.index, n.up ? (n.status?.applied ?? 0) : n.durable.snapIndex);
  }

  async compact(id: NodeId, index: number): Promise<void> {
    const n = this.node(id);
    if (index <= n.durable.snapIndex) {
      this.events.push({ error: "ErrCompacted" });
      return;
    }
    if (index > n.durable.lastIndex) throw new HarnessError(`compact ${index} is beyond the last index ${n.durable.lastIndex} of node ${id}`);
    const applied = this.compactLimit(n);
    if (index > applied) {
      throw new HarnessError(`compact ${index} is above node ${id}'s applied index ${applied}: compact at most to what raft has applied${n.up ? "" : " (a crashed node: its durable snapshot)"}`);
    }
    const term = n.durable.term(index) ?? 0;
    const state = n.history.at(index);
    const snap: Snapshot = { data: state?.data ?? new Uint8Array(), metadata: { index, term, confState: state?.metadata.confState ?? EMPTY_CONF_STATE } };
    if (n.up) await this.call(`compact ${id}`, (d) => d.compact(id, index));
    n.durable.compact(index, snap);
    n.log.compact(index, term);
    if (this.renderEvents) this.raftLog(id);
  }

  raftLog(id: NodeId): void {
    const d = this.node(id).durable;
    if (d.lastIndex < d.firstIndex) {
      this.events.push({ "raft-log": { node: id, first_index: d.firstIndex, last_index: d.lastIndex } });
    } else {
      this.events.push({ "raft-log": { node: id, entries: d.allEntries().map(entryToYaml) } });
    }
  }

  async raftState(): Promise<void> {
    const rows: Yaml[] = [];
    const plan = new Plan();
    for (const n of this.nodes) {
      if (!n.up) continue;
      plan.read(`status ${n.id}`, (d) => d.status(n.id), (st) => {
        const voter = st.config.voters.includes(n.id) || st.config.votersOutgoing.includes(n.id);
        rows.push({ node: n.id, state: st.softState.raftState, voter, term: st.hardState.term, lead: st.softState.lead });
      });
    }
    await this.run(plan);
    this.events.push({ "raft-state": rows });
  }

  async status(id: NodeId): Promise<void> {
    const n = this.upNode(id);
    const st = await this.call(`status ${id}`, (d) => d.status(id));
    this.events.push(statusToYaml(id, st));
    n.status = st;
    this.fresh.add(id);
  }

  /** Refreshes the cached status of the nodes this step touched. */
  async refreshStatus(): Promise<void> {
    // What the step's last operation left runs first, in the same batch.
    const plan = this.tail ?? new Plan();
    this.tail = undefined;
    const read: NodeId[] = [];
    for (const id of [...this.touched].sort((a, b) => a - b)) {
      const n = this.nodes[id - 1];
      if (n?.up && !this.fresh.has(id)) {
        this.planStatus(plan, n);
        read.push(id);
      }
    }
    await this.runNow(plan);
    for (const id of read) this.fresh.add(id);
  }
}

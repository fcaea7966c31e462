// The harness's model of a cluster under test, following etcd's rafttest InteractionEnv: per-node
// durable storage, storage-thread work queues and application state; one network queue; one PRNG.
// Every operation appends the output events it produced to `events` (what `expect:` compares).
import { type Applied, type ConfState, type Driver, DriverError, type Entry, type Message, type NodeConfig, type NodeId, type Ready, type Snapshot, type Status } from "../driver/types.js";
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
export class DriverFailure extends Error {}
/**
 * The driver answered `unsupported`: the trace needs a capability or value the implementation
 * lacks, which skips the trace with the driver's message as reason (spec/protocol.md, "Errors").
 */
export class DriverUnsupported extends Error {}

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
    try {
      return await f(this.driver);
    } catch (e) {
      if (e instanceof HarnessError || e instanceof DriverFailure) throw e;
      if (e instanceof DriverError && e.code === "unsupported") {
        const said = /with error unsupported: (.*)/.exec(e.message)?.[1] ?? e.message.split("\n")[0] ?? "";
        throw new DriverUnsupported(`driver does not support: ${said}`);
      }
      throw new DriverFailure(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private nodeSeed(id: NodeId, incarnation: number): number {
    return this.prng.derive(id, incarnation).nextU32();
  }

  // --- setup and faults -------------------------------------------------------------------

  async addNodes(a: YamlMap): Promise<void> {
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
      await this.call(`create ${id}`, (d) => d.create(id, config, durable.state()));
    }
  }

  async crash(id: NodeId): Promise<void> {
    const n = this.node(id);
    if (!n.up) throw new HarnessError(`node ${id} is already crashed`);
    await this.call(`crash ${id}`, (d) => d.crash(id));
    n.up = false;
    n.status = undefined;
    n.outputPending = false;
    n.snapStepped = 0;
    // Unprocessed storage work never happened: that is what a crash loses in async mode.
    n.appendWork = [];
    n.applyWork = [];
    n.readStates = [];
    n.history = new AppenderHistory(n.durable.snapshot);
    n.log.resetTo(n.durable.snapIndex, n.durable.snapTerm, n.durable.allEntries());
    this.timeline.crashed(id);
  }

  async restart(id: NodeId, cfg: NodeConfigYaml | undefined): Promise<void> {
    const n = this.node(id);
    if (n.up) await this.crash(id);
    n.incarnation++;
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
    const n = this.upNode(id);
    for (let i = 0; i < count; i++) {
      await this.call(`tick ${id}`, (d) => d.tick(id));
      n.ticks++;
    }
  }

  /** Runs an input the node may refuse; a refusal is an `error` event. */
  async input(id: NodeId, what: string, f: (d: Driver) => Promise<{ ok: true } | { ok: false; error: string }>): Promise<boolean> {
    this.upNode(id);
    const out = await this.call(`${what} on ${id}`, f);
    if (!out.ok) this.events.push({ error: out.error });
    return out.ok;
  }

  /**
   * Steps a hand-made message into a node (the `step` step). An accepted one is the environment's
   * claim about its sender (e.g. that it led that term), which the invariant checker records.
   */
  async inject(id: NodeId, m: Message): Promise<boolean> {
    const ok = await this.input(id, "step", (d) => d.step(id, m));
    if (ok) {
      this.injected.push({
        from: m.from, to: id, type: m.type, term: m.term, index: m.index, logTerm: m.logTerm,
        entries: m.entries.map(entryObs), commit: m.commit, reject: m.reject,
      });
    }
    return ok;
  }

  /** Asks a node for a read index; an accepted request is remembered for read-index safety. */
  async readIndex(id: NodeId, ctx: Uint8Array): Promise<boolean> {
    const ok = await this.input(id, "read-index", (d) => d.readIndex(id, ctx));
    if (ok) {
      const safe = this.nodes.every((n) => n.config.readOnlyOption === "safe");
      this.readRequests.push({ node: id, ctx: Buffer.from(ctx).toString("hex"), safe });
    }
    return ok;
  }

  async setRandomizedElectionTimeout(id: NodeId, timeout: number): Promise<void> {
    this.upNode(id);
    await this.call(`set-randomized-election-timeout ${id}`, (d) => d.setRandomizedElectionTimeout(id, timeout));
  }

  // --- Ready handling and storage threads -------------------------------------------------

  async processReady(id: NodeId): Promise<void> {
    this.upNode(id);
    const rd = await this.call(`ready ${id}`, (d) => d.ready(id));
    if (this.renderEvents) this.events.push(readyToYaml(id, rd));
    this.node(id).snapStepped = 0; // a restored snapshot is in this Ready (none without one)
    if (rd !== null) await this.handleReady(id, rd);
    this.node(id).outputPending = false;
  }

  private async handleReady(id: NodeId, rd: Ready): Promise<void> {
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
    if (!async) {
      const applied = await this.call(`advance ${id}`, (d) => d.advance(id));
      this.recordApplied(n, rd.committedEntries, applied);
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
    const n = this.upNode(id);
    const m = n.appendWork.shift();
    if (m === undefined) {
      if (this.renderEvents) this.events.push({ "append-thread": { node: id, no_work: true } });
      return;
    }
    if (this.renderEvents) this.events.push({ "append-thread": { node: id, processing: messageToYaml(m, false), responses: m.responses.map((r) => messageToYaml(r)) } });
    this.persist(n, { term: m.term, vote: m.vote, commit: m.commit }, m.entries, m.snapshot);
    await this.call(`storage append ${id}`, (d) => d.storageAppend(id, m));
    this.send(m.responses);
  }

  async processApplyThread(id: NodeId): Promise<void> {
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
      if (this.renderEvents) this.events.push({ "apply-thread": { node: id, no_work: true } });
      return;
    }
    if (this.renderEvents) this.events.push({ "apply-thread": { node: id, processing: messageToYaml(m, false), responses: m.responses.map((r) => messageToYaml(r)) } });
    const upTo = this.superseded.get(m) ?? 0;
    const work = upTo === 0 ? m : { ...m, entries: m.entries.filter((e) => e.index > upTo) };
    const applied = await this.call(`storage apply ${id}`, (d) => d.storageApply(id, work));
    this.recordApplied(n, work.entries, applied);
    this.send(m.responses);
  }

  // --- network ----------------------------------------------------------------------------

  /** Delivers (or drops) the queued messages of each recipient in queue order; returns how many. */
  async deliverMsgs(recipients: readonly NodeId[], f: MsgFilter, drop: boolean): Promise<number> {
    let count = 0;
    for (const to of recipients) {
      const msgs = this.net.take(to, f, drop);
      if (msgs.length === 0) continue;
      count += msgs.length;
      const render = this.renderEvents;
      const shown: Yaml[] = [];
      for (const m of msgs) {
        const y: Record<string, Yaml> = render ? { ...messageToYaml(m) } : {};
        const target = this.nodes[to - 1];
        if (drop || this.net.isCut(m) || target === undefined || !target.up) {
          y["dropped"] = true;
          this.timeline.dropped(m, drop ? "by the trace" : this.net.isCut(m) ? "link cut" : "recipient down");
          if (render) shown.push(y);
          continue;
        }
        this.touched.add(to);
        target.outputPending = true;
        const out = await this.call(`step ${m.type} into ${to}`, (d) => d.step(to, m));
        if (m.type === "MsgSnap" && out.ok && m.snapshot !== undefined) target.snapStepped = Math.max(target.snapStepped, m.snapshot.metadata.index);
        this.delivered.push({ from: m.from, to, type: m.type, term: m.term, reject: m.reject });
        this.timeline.delivered(m, out.ok ? undefined : out.error);
        if (!out.ok) y["error"] = out.error;
        if (render) shown.push(y);
      }
      if (render) this.events.push({ deliver: { node: to, messages: shown } });
    }
    return count;
  }

  /** etcd's Stabilize: Ready handling, delivery, append thread, apply thread, until nothing moves. */
  async stabilize(ids: readonly NodeId[]): Promise<void> {
    const set = ids.length > 0 ? ids : this.nodes.map((n) => n.id);
    for (let round = 0; round < MAX_STABILIZE_ROUNDS; round++) {
      let done = true;
      for (const id of set) {
        if (!this.node(id).up) continue;
        this.touched.add(id);
        const rd = await this.call(`ready ${id}`, (d) => d.ready(id));
        this.node(id).snapStepped = 0;
        if (rd === null) continue;
        if (this.renderEvents) this.events.push(readyToYaml(id, rd));
        await this.handleReady(id, rd);
        done = false;
      }
      for (const id of set) {
        if (this.net.hasFor(id)) {
          await this.deliverMsgs([id], {}, false);
          done = false;
        }
      }
      for (const id of set) {
        const n = this.node(id);
        if (!n.up || n.appendWork.length === 0) continue;
        while (n.appendWork.length > 0) await this.processAppendThread(id);
        done = false;
      }
      for (const id of set) {
        const n = this.node(id);
        if (!n.up || n.applyWork.length === 0) continue;
        done = false;
        // A snapshot stepped in this round may cover a queued conf change: apply after the node's
        // next Ready (the next round's first phase) says whether it was restored.
        if (this.confChangeUnderSnapshot(n) !== undefined) continue;
        while (n.applyWork.length > 0) await this.processApplyThread(id);
      }
      if (done) return;
    }
    throw new HarnessError(`stabilize did not reach a fixed point within ${MAX_STABILIZE_ROUNDS} rounds`);
  }

  // --- snapshots, compaction, dumps -------------------------------------------------------

  async sendSnapshot(from: NodeId, to: NodeId): Promise<void> {
    const n = this.upNode(from);
    const st = await this.call(`status ${from}`, (d) => d.status(from));
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
    for (const n of this.nodes) {
      if (!n.up) continue;
      const st = await this.call(`status ${n.id}`, (d) => d.status(n.id));
      const voter = st.config.voters.includes(n.id) || st.config.votersOutgoing.includes(n.id);
      rows.push({ node: n.id, state: st.softState.raftState, voter, term: st.hardState.term, lead: st.softState.lead });
    }
    this.events.push({ "raft-state": rows });
  }

  async status(id: NodeId): Promise<void> {
    this.upNode(id);
    const st = await this.call(`status ${id}`, (d) => d.status(id));
    this.events.push(statusToYaml(id, st));
  }

  /** Refreshes the cached status of the nodes this step touched. */
  async refreshStatus(): Promise<void> {
    for (const id of [...this.touched].sort((a, b) => a - b)) {
      const n = this.nodes[id - 1];
      if (n?.up) n.status = await this.call(`status ${id}`, (d) => d.status(id));
    }
  }
}

// A tiny in-memory cluster for tests: RawNodes over MemoryStorage and a message shuttle. Each node
// handles its Ready the way etcd's interaction tests do (snapshot, entries, hard state, apply,
// send, advance), in synchronous or async-storage-writes mode.

import { decodeConfChange } from "../../../src/core/confchange/encoding.js";
import { RawNode } from "../../../src/core/rawnode.js";
import { MemoryStorage } from "../../../src/core/storage.js";
import type { Config, Entry, Message, NodeId, Ready, Snapshot } from "../../../src/core/types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD } from "../../../src/core/types.js";

export interface TestNode {
  readonly id: NodeId;
  rn: RawNode;
  readonly storage: MemoryStorage;
  readonly config: Config;
  /** Entries applied, in order (normal and conf change). */
  applied: Entry[];
  /** Every Ready this node produced. */
  readies: Ready[];
}

export function baseConfig(id: NodeId, extra: Partial<Config> = {}): Config {
  return {
    id,
    electionTick: 10,
    heartbeatTick: 1,
    maxInflightMsgs: 256,
    randomizedElectionTimeout: (e) => e,
    ...extra,
  };
}

/** A storage holding only a configuration, like etcd's newTestMemoryStorage(withPeers(...)). */
export function storageWith(voters: readonly NodeId[], learners: readonly NodeId[] = []): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot({
    data: new Uint8Array(0),
    metadata: {
      index: 0,
      term: 0,
      confState: { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false },
    },
  });
  return s;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export class Cluster {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages in flight between nodes, in send order. */
  queue: Message[] = [];
  /** Links that drop every message: "from-to". */
  readonly cut = new Set<string>();
  /** Nodes that neither send nor receive. */
  readonly down = new Set<NodeId>();

  constructor(ids: readonly NodeId[], extra: Partial<Config> = {}, learners: readonly NodeId[] = []) {
    for (const id of ids) this.add(id, storageWith(ids, learners), extra);
    for (const id of learners) this.add(id, storageWith(ids, learners), extra);
  }

  add(id: NodeId, storage: MemoryStorage, extra: Partial<Config> = {}): TestNode {
    const config = baseConfig(id, extra);
    const node: TestNode = { id, rn: new RawNode(config, storage), storage, config, applied: [], readies: [] };
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  rn(id: NodeId): RawNode {
    return this.node(id).rn;
  }

  /** Restarts a node from what its storage holds. */
  restart(id: NodeId, extra: Partial<Config> = {}): TestNode {
    const old = this.node(id);
    const config = baseConfig(id, { ...extra, applied: old.applied[old.applied.length - 1]?.index ?? 0 });
    const node: TestNode = { ...old, rn: new RawNode(config, old.storage), config, readies: [] };
    this.nodes.set(id, node);
    return node;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}-${other}`);
      this.cut.add(`${other}-${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Handles one Ready of the node if it has one; returns whether it did. */
  handleReady(id: NodeId): boolean {
    const n = this.node(id);
    if (!n.rn.hasReady()) return false;
    const rd = n.rn.ready();
    n.readies.push(rd);
    if (n.config.asyncStorageWrites === true) {
      for (const m of rd.messages) {
        if (m.to === LOCAL_APPEND_THREAD) this.processAppend(n, m);
        else if (m.to === LOCAL_APPLY_THREAD) this.processApply(n, m);
        else this.queue.push(m);
      }
      return true;
    }
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    this.apply(n, rd.committedEntries);
    this.queue.push(...rd.messages);
    n.rn.advance();
    return true;
  }

  private processAppend(n: TestNode, m: Message): void {
    if (m.snapshot !== undefined) n.storage.applySnapshot(m.snapshot);
    n.storage.append(m.entries);
    if (m.term !== 0 || m.vote !== 0 || m.commit !== 0) {
      n.storage.setHardState({ term: m.term, vote: m.vote, commit: m.commit });
    }
    this.deliverResponses(n, m.responses);
  }

  private processApply(n: TestNode, m: Message): void {
    this.apply(n, m.entries);
    this.deliverResponses(n, m.responses);
  }

  private deliverResponses(n: TestNode, responses: readonly Message[]): void {
    for (const r of responses) {
      if (r.to === n.id) n.rn.step(r);
      else this.queue.push(r);
    }
  }

  private apply(n: TestNode, ents: readonly Entry[]): void {
    for (const e of ents) {
      n.applied.push(e);
      if (e.type !== "EntryNormal") n.rn.applyConfChange(decodeConfChange(e.type, e.data));
    }
  }

  /** Delivers every queued message (and the ones they cause) until the queue is empty. */
  deliverAll(): void {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) this.deliver(m);
    }
  }

  deliver(m: Message): void {
    if (this.down.has(m.from) || this.down.has(m.to) || this.cut.has(`${m.from}-${m.to}`)) return;
    const n = this.nodes.get(m.to);
    if (n === undefined) return;
    n.rn.step(m);
  }

  /** Handles readies and delivers messages until nothing moves. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const id of this.nodes.keys()) {
        if (this.down.has(id)) continue;
        while (this.handleReady(id)) moved = true;
      }
      if (this.queue.length > 0) {
        moved = true;
        const batch = this.queue;
        this.queue = [];
        for (const m of batch) this.deliver(m);
      }
      if (!moved) return;
    }
    throw new Error("cluster did not stabilize");
  }

  /** Campaigns on id and stabilizes. */
  elect(id: NodeId): void {
    this.rn(id).campaign();
    this.stabilize();
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.rn(id).tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const id of this.nodes.keys()) if (!this.down.has(id)) this.rn(id).tick();
    }
  }

  /** Drains and returns the Ready messages of a node without delivering them. */
  takeMessages(id: NodeId): Message[] {
    const out: Message[] = [];
    const n = this.node(id);
    while (n.rn.hasReady()) {
      const before = this.queue.length;
      this.handleReady(id);
      out.push(...this.queue.splice(before));
    }
    return out;
  }

  appliedData(id: NodeId): string[] {
    return this.node(id)
      .applied.filter((e) => e.type === "EntryNormal" && e.data.length > 0)
      .map((e) => dec(e.data));
  }

  lastSnapshot(id: NodeId): Snapshot {
    return this.node(id).storage.snapshot();
  }
}

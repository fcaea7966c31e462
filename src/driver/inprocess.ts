// The in-process driver: the reference core (src/core) behind the Driver interface, with etcd's
// message model. Storage follows etcd's interaction env: a MemoryStorage per node whose snapshot()
// serves the newest state of the "appender" state machine. This is the only harness-side module
// that imports the core at run time.
import { ConfChangeApplyError, decodeConfChange, MemoryStorage, RawNode } from "../core/index.js";
import { Rand } from "../core/rand.js";
import type { Config, ConfState, Entry, Message, Snapshot } from "../core/types.js";
import { AppenderHistory } from "../harness/appender.js";
import { DriverError, FEATURES, type Applied, type Driver, type DriverInfo, type DurableState, type NodeConfig, type NodeId, type Outcome, type Ready } from "./types.js";

/** MemoryStorage whose snapshot is the application's newest state (etcd's snapOverrideStorage). */
class AppenderStorage extends MemoryStorage {
  constructor(readonly history: { current: AppenderHistory }) {
    super();
  }
  override snapshot(): Snapshot {
    return this.history.current.last;
  }
}

interface InProcessNode {
  readonly rn: RawNode;
  readonly storage: AppenderStorage;
  readonly history: { current: AppenderHistory };
  /** The Ready handed out and not yet advanced (synchronous mode). */
  pending: Ready | undefined;
}

function ok(err: string | null): Outcome {
  return err === null ? { ok: true } : { ok: false, error: err };
}

function isEmptySnap(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export function createInProcessDriver(): Driver {
  const nodes = new Map<NodeId, InProcessNode>();
  const get = (id: NodeId): InProcessNode => {
    const n = nodes.get(id);
    if (n === undefined) throw new Error(`node ${id} is not running`);
    return n;
  };

  const persist = (n: InProcessNode, hs: { term: number; vote: number; commit: number } | undefined, entries: readonly Entry[], snap: Snapshot | undefined): void => {
    if (hs !== undefined && (hs.term !== 0 || hs.vote !== 0 || hs.commit !== 0)) n.storage.setHardState(hs);
    // A Ready (or MsgStorageAppend) may carry a snapshot and the entries appended after it.
    if (!isEmptySnap(snap) && snap !== undefined) {
      n.storage.applySnapshot(snap);
      // The state machine is restored too: later states (and snapshots sent on) build on it.
      n.history.current.restore(snap);
    }
    if (entries.length > 0) n.storage.append(entries);
  };

  /**
   * A conf change the core refuses to apply (etcd panics) is answered `rejected`; the harness then
   * halts the node (spec/protocol.md §6.3). Every other exception stays an internal error.
   */
  const applyOrRefuse = (cmd: "advance" | "storage_apply", n: InProcessNode, entries: readonly Entry[]): Applied => {
    try {
      return apply(n, entries);
    } catch (e) {
      if (e instanceof ConfChangeApplyError) throw new DriverError("driver", e.message, cmd, "rejected");
      throw e;
    }
  };

  const apply = (n: InProcessNode, entries: readonly Entry[]): Applied => {
    const confStates: { index: number; confState: ConfState }[] = [];
    for (const e of entries) {
      let update = e.data;
      let cs: ConfState | undefined;
      if (e.type !== "EntryNormal") {
        const cc = decodeConfChange(e.type, e.data);
        cs = n.rn.applyConfChange(cc);
        update = cc.context;
        confStates.push({ index: e.index, confState: cs });
      }
      n.history.current.apply(e, update, cs);
    }
    return { confStates };
  };

  const info: DriverInfo = {
    protocolVersion: 1,
    implementation: { name: "raft-conformance reference core", version: "0.1.0", language: "TypeScript" },
    messageModel: "etcd",
    capabilities: [...FEATURES],
  };

  const ready = (id: NodeId): Ready | null => {
    const n = get(id);
    if (!n.rn.hasReady()) return null;
    const rd = n.rn.ready();
    n.pending = rd;
    return rd;
  };
  const advance = (id: NodeId): Applied => {
    const n = get(id);
    const rd = n.pending;
    n.pending = undefined;
    if (rd === undefined) throw new Error(`advance on node ${id} without a Ready`);
    // etcd's order: persist, apply, then advance.
    persist(n, rd.hardState, rd.entries, rd.snapshot);
    const applied = applyOrRefuse("advance", n, rd.committedEntries);
    n.rn.advance();
    return applied;
  };

  return {
    hello: () => Promise.resolve(info),
    reset: () => {
      nodes.clear();
      return Promise.resolve();
    },
    create: (id: NodeId, c: NodeConfig, durable: DurableState) => {
      const history = { current: new AppenderHistory(durable.snapshot) };
      const storage = new AppenderStorage(history);
      if (durable.snapshot !== undefined && !isEmptySnap(durable.snapshot)) storage.applySnapshot(durable.snapshot);
      if (durable.entries.length > 0) storage.append(durable.entries);
      storage.setHardState(durable.hardState);
      const rand = new Rand(c.seed);
      const config: Config = {
        id,
        electionTick: c.electionTick,
        heartbeatTick: c.heartbeatTick,
        applied: c.applied,
        maxSizePerMsg: c.maxSizePerMsg,
        maxCommittedSizePerReady: c.maxCommittedSizePerReady,
        maxUncommittedEntriesSize: c.maxUncommittedEntriesSize,
        maxInflightMsgs: c.maxInflightMsgs,
        maxInflightBytes: c.maxInflightBytes,
        checkQuorum: c.checkQuorum,
        preVote: c.preVote,
        readOnlyOption: c.readOnlyOption,
        disableProposalForwarding: c.disableProposalForwarding,
        disableConfChangeValidation: c.disableConfChangeValidation,
        stepDownOnRemoval: c.stepDownOnRemoval,
        asyncStorageWrites: c.asyncStorageWrites,
        randomizedElectionTimeout: (et: number) => et + rand.nextInt(et),
      };
      nodes.set(id, { rn: new RawNode(config, storage), storage, history, pending: undefined });
      return Promise.resolve();
    },
    crash: (id: NodeId) => {
      nodes.delete(id);
      return Promise.resolve();
    },
    tick: (id: NodeId) => {
      get(id).rn.tick();
      return Promise.resolve();
    },
    step: (id: NodeId, m: Message) => Promise.resolve(ok(get(id).rn.step(m))),
    campaign: (id: NodeId) => Promise.resolve(ok(get(id).rn.campaign())),
    propose: (id: NodeId, data: Uint8Array) => Promise.resolve(ok(get(id).rn.propose(data))),
    proposeConfChange: (id, cc) => Promise.resolve(ok(get(id).rn.proposeConfChange(cc))),
    readIndex: (id, ctx) => {
      get(id).rn.readIndex(ctx);
      return Promise.resolve({ ok: true });
    },
    transferLeader: (id, to) => {
      get(id).rn.transferLeader(to);
      return Promise.resolve({ ok: true });
    },
    forgetLeader: (id) => Promise.resolve(ok(get(id).rn.forgetLeader())),
    reportUnreachable: (id, peer) => {
      get(id).rn.reportUnreachable(peer);
      return Promise.resolve({ ok: true });
    },
    reportSnapshot: (id, peer, failed) => {
      get(id).rn.reportSnapshot(peer, failed);
      return Promise.resolve({ ok: true });
    },
    setRandomizedElectionTimeout: (id, ticks) => {
      get(id).rn.setRandomizedElectionTimeout(ticks);
      return Promise.resolve();
    },
    ready: (id) => Promise.resolve(ready(id)),
    advance: (id) => Promise.resolve(advance(id)),
    storageAppend: (id, m) => {
      const n = get(id);
      persist(n, { term: m.term, vote: m.vote, commit: m.commit }, m.entries, m.snapshot);
      return Promise.resolve();
    },
    storageApply: (id, m) => Promise.resolve(applyOrRefuse("storage_apply", get(id), m.entries)),
    compact: (id, index) => {
      get(id).storage.compact(index);
      return Promise.resolve();
    },
    status: (id) => Promise.resolve(get(id).rn.status()),
    // Version 3's fused call (§6.5), so the in-process runs take the harness's same path. Made
    // before the call returns, as every call here is: a plan's next call must find it done.
    readyAdvance: (id) => {
      const rd = ready(id);
      if (rd === null) return Promise.resolve({ ready: rd });
      try {
        return Promise.resolve({ ready: rd, advance: { ok: true, applied: advance(id) } });
      } catch (e) {
        if (e instanceof DriverError) return Promise.resolve({ ready: rd, advance: { ok: false, error: e } });
        throw e;
      }
    },
    close: () => {
      nodes.clear();
      return Promise.resolve();
    },
  };
}

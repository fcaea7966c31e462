// A Driver that records every call and answers with fixed values touching every wire field.
import type { Applied, Driver, DriverInfo, Message, NodeConfig, DurableState, Ready, Status } from "../../src/driver/types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD } from "../../src/core/types.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export const INFO: DriverInfo = {
  protocolVersion: 1,
  implementation: { name: "fake", version: "1.2.3", language: "typescript", url: "https://example.invalid/fake" },
  messageModel: "etcd",
  capabilities: ["election", "replication", "async_storage_writes", "snapshots"],
};

export const CONF_STATE = { voters: [1, 2, 3], learners: [4], votersOutgoing: [1, 2], learnersNext: [5], autoLeave: true };

export const SNAPSHOT = { data: bytes("snapshot"), metadata: { confState: CONF_STATE, index: 10, term: 3 } };

export const MESSAGE: Message = {
  type: "MsgApp", to: 2, from: 1, term: 4, logTerm: 3, index: 11,
  entries: [{ term: 4, index: 12, type: "EntryConfChangeV2", data: bytes("cc") }],
  commit: 11, vote: 0, snapshot: SNAPSHOT, reject: true, rejectHint: 9, context: bytes("ctx"), responses: [],
};

export const STORAGE_APPEND: Message = {
  type: "MsgStorageAppend", to: LOCAL_APPEND_THREAD, from: 1, term: 4, logTerm: 4, index: 12,
  entries: [{ term: 4, index: 12, type: "EntryNormal", data: bytes("x") }], commit: 11, vote: 1,
  reject: false, rejectHint: 0, context: new Uint8Array(0),
  responses: [
    { ...MESSAGE, type: "MsgStorageAppendResp", to: 1, from: LOCAL_APPEND_THREAD, entries: [], snapshot: undefined, reject: false, rejectHint: 0, context: new Uint8Array(0) },
    { ...MESSAGE, type: "MsgStorageApplyResp", to: 1, from: LOCAL_APPLY_THREAD, entries: [], snapshot: undefined, reject: false, rejectHint: 0, context: new Uint8Array(0) },
  ],
};

export const READY: Ready = {
  softState: { lead: 1, raftState: "StateLeader" },
  hardState: { term: 4, vote: 1, commit: 11 },
  readStates: [{ index: 11, requestCtx: bytes("read-1") }],
  entries: [{ term: 4, index: 12, type: "EntryNormal", data: bytes("x") }],
  snapshot: SNAPSHOT,
  committedEntries: [{ term: 3, index: 11, type: "EntryConfChange", data: new Uint8Array([8, 1, 16, 2]) }],
  messages: [MESSAGE, STORAGE_APPEND],
  mustSync: true,
};

export const STATUS: Status = {
  id: 1,
  hardState: { term: 4, vote: 1, commit: 11 },
  softState: { lead: 1, raftState: "StateLeader" },
  applied: 11,
  leadTransferee: 0,
  config: CONF_STATE,
  progress: new Map([
    [2, { match: 11, next: 12, state: "StateReplicate", pendingSnapshot: 0, recentActive: true, msgAppFlowPaused: false, inflightCount: 1, inflightFull: false, isLearner: false }],
    [4, { match: 0, next: 1, state: "StateSnapshot", pendingSnapshot: 10, recentActive: false, msgAppFlowPaused: true, inflightCount: 0, inflightFull: false, isLearner: true }],
  ]),
};

export const APPLIED: Applied = { confStates: [{ index: 11, confState: CONF_STATE }] };

export type Call = readonly [method: string, ...args: unknown[]];

export class FakeDriver implements Driver {
  readonly calls: Call[] = [];
  closed = false;
  private pending: Ready | null = READY;

  private record(method: string, ...args: unknown[]): void {
    this.calls.push([method, ...args]);
  }

  async hello() { this.record("hello"); return INFO; }
  async reset() { this.record("reset"); }
  async create(node: number, config: NodeConfig, storage: DurableState) { this.record("create", node, config, storage); }
  async crash(node: number) { this.record("crash", node); }
  async tick(node: number) {
    this.record("tick", node);
    if (node === 99) throw new Error("no node 99");
  }
  async step(node: number, msg: Message) { this.record("step", node, msg); return { ok: true } as const; }
  async campaign(node: number) { this.record("campaign", node); return { ok: true } as const; }
  async propose(node: number, data: Uint8Array) {
    this.record("propose", node, data);
    return data.length === 0 ? ({ ok: false, error: "ErrProposalDropped" } as const) : ({ ok: true } as const);
  }
  async proposeConfChange(node: number, cc: unknown) { this.record("proposeConfChange", node, cc); return { ok: true } as const; }
  async readIndex(node: number, ctx: Uint8Array) { this.record("readIndex", node, ctx); return { ok: true } as const; }
  async transferLeader(node: number, to: number) { this.record("transferLeader", node, to); return { ok: true } as const; }
  async forgetLeader(node: number) { this.record("forgetLeader", node); return { ok: true } as const; }
  async reportUnreachable(node: number, peer: number) { this.record("reportUnreachable", node, peer); return { ok: true } as const; }
  async reportSnapshot(node: number, peer: number, failed: boolean) { this.record("reportSnapshot", node, peer, failed); return { ok: true } as const; }
  async setRandomizedElectionTimeout(node: number, ticks: number) { this.record("setRandomizedElectionTimeout", node, ticks); }
  async ready(node: number) {
    this.record("ready", node);
    const r = this.pending;
    this.pending = null;
    return r;
  }
  async advance(node: number) { this.record("advance", node); return APPLIED; }
  async storageAppend(node: number, msg: Message) { this.record("storageAppend", node, msg); }
  async storageApply(node: number, msg: Message) { this.record("storageApply", node, msg); return APPLIED; }
  async compact(node: number, index: number) { this.record("compact", node, index); }
  async status(node: number) { this.record("status", node); return STATUS; }
  async close() { this.record("close"); this.closed = true; }
}

// Conversion between the message model of core/types.ts and its JSON wire form
// (spec/driver-protocol.schema.json). Shapes are checked by the schema before decoding; the
// decoders add what a schema cannot say: the 2^53-1 bound and the two local node ids.
import type {
  ConfChange,
  ConfChangeType,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NodeId,
  ProgressStateType,
  ProgressStatus,
  Ready,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
  Status,
} from "../core/types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, MAX_U53 } from "../core/types.js";
import type { Applied, DriverInfo, DurableState, Feature, MessageModel, NodeConfig } from "./types.js";
import { FEATURES } from "./types.js";

/** A value that cannot cross the wire; `path` names it ("result.ready.messages[0].term"). */
export class WireError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "WireError";
  }
}

// ---- wire shapes ---------------------------------------------------------------------------

type U64 = string;
type B64 = string;

export interface WireEntry { term: U64; index: U64; type?: EntryType; data?: B64 }
export interface WireConfState {
  voters?: U64[]; learners?: U64[]; voters_outgoing?: U64[]; learners_next?: U64[]; auto_leave?: boolean;
}
export interface WireSnapshot { data?: B64; metadata: { conf_state: WireConfState; index: U64; term: U64 } }
export interface WireHardState { term: U64; vote: U64; commit: U64 }
export interface WireSoftState { lead: U64; raft_state: StateType }
export interface WireReadState { index: U64; request_ctx?: B64 }
export interface WireMessage {
  type: MessageType; to: U64; from: U64; term?: U64; log_term?: U64; index?: U64; entries?: WireEntry[];
  commit?: U64; vote?: U64; snapshot?: WireSnapshot; reject?: boolean; reject_hint?: U64; context?: B64;
  responses?: WireMessage[];
}
export interface WireReady {
  soft_state?: WireSoftState; hard_state?: WireHardState; read_states?: WireReadState[]; entries?: WireEntry[];
  snapshot?: WireSnapshot; committed_entries?: WireEntry[]; messages?: WireMessage[]; must_sync?: boolean;
}
export interface WireNodeConfig {
  election_tick: number; heartbeat_tick: number; applied: U64; max_size_per_msg: U64;
  max_committed_size_per_ready: U64; max_uncommitted_entries_size: U64; max_inflight_msgs: number;
  max_inflight_bytes: U64; check_quorum: boolean; pre_vote: boolean; read_only_option: "safe" | "lease_based";
  disable_proposal_forwarding: boolean; disable_conf_change_validation: boolean; step_down_on_removal: boolean;
  async_storage_writes: boolean; seed: number;
}
export interface WireDurableState { hard_state: WireHardState; snapshot?: WireSnapshot; entries: WireEntry[] }
export type WireConfChange =
  | { version: 1; id?: U64; type: ConfChangeType; node_id: U64; context?: B64 }
  | { version: 2; transition?: "auto" | "implicit" | "explicit"; changes?: { type: ConfChangeType; node_id: U64 }[]; context?: B64 };
export interface WireProgress {
  match: U64; next: U64; state: ProgressStateType; pending_snapshot: U64; recent_active: boolean;
  msg_app_flow_paused: boolean; inflight_count: number; inflight_full: boolean; is_learner: boolean;
}
export interface WireStatus {
  id: U64; hard_state: WireHardState; soft_state: WireSoftState; applied: U64; lead_transferee: U64;
  config: WireConfState; progress?: Record<string, WireProgress>;
}
export interface WireApplied { conf_states: { index: U64; conf_state: WireConfState }[] }
export interface WireHelloResult {
  protocol_version: number;
  implementation: { name: string; version: string; language: string; url?: string };
  message_model: MessageModel;
  capabilities: string[];
}

// ---- scalars -------------------------------------------------------------------------------

/** etcd's math.MaxUint64 and MaxUint64-1: its local append and apply thread ids, and "no limit". */
export const MAX_U64_WIRE = "18446744073709551615";
export const MAX_U64_MINUS_1_WIRE = "18446744073709551614";
const MAX_U64 = 18446744073709551615n;
const U64_PATTERN = /^(0|[1-9][0-9]{0,19})$/;

export function encodeU64(n: number, path: string): U64 {
  if (!Number.isSafeInteger(n) || n < 0) throw new WireError(path, `${n} is not an integer in [0, 2^53-1]`);
  return String(n);
}

export function decodeU64(s: U64, path: string): number {
  if (!U64_PATTERN.test(s)) throw new WireError(path, `${JSON.stringify(s)} is not a decimal uint64`);
  if (s.length <= 15) return Number(s);
  const big = BigInt(s);
  if (big > MAX_U64) throw new WireError(path, `${s} is larger than 2^64-1`);
  if (big > BigInt(MAX_U53)) {
    throw new WireError(path, `${s} is above 2^53-1 (${MAX_U53}), the largest id, term or index the harness holds exactly`);
  }
  return Number(big);
}

export function encodeNodeId(id: NodeId, path: string): U64 {
  if (id === LOCAL_APPEND_THREAD) return MAX_U64_WIRE;
  if (id === LOCAL_APPLY_THREAD) return MAX_U64_MINUS_1_WIRE;
  return encodeU64(id, path);
}

export function decodeNodeId(s: U64, path: string): NodeId {
  if (s === MAX_U64_WIRE) return LOCAL_APPEND_THREAD;
  if (s === MAX_U64_MINUS_1_WIRE) return LOCAL_APPLY_THREAD;
  const id = decodeU64(s, path);
  if (id >= LOCAL_APPLY_THREAD) {
    throw new WireError(path, `node id ${s} is reserved (2^53-2 and 2^53-1 stand for etcd's local threads); node ids must be at most 2^53-3`);
  }
  return id;
}

/** Size limits: any value at or above 2^53-1 (Infinity included) means "no limit", etcd's MaxUint64. */
export function encodeSize(n: number, path: string): U64 {
  return n >= MAX_U53 ? MAX_U64_WIRE : encodeU64(n, path);
}

export function decodeSize(s: U64, path: string): number {
  return s === MAX_U64_WIRE ? MAX_U53 : decodeU64(s, path);
}

export function encodeBytes(b: Uint8Array): B64 {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

export function decodeBytes(s: B64 | undefined): Uint8Array {
  return s === undefined || s === "" ? new Uint8Array(0) : Uint8Array.from(Buffer.from(s, "base64"));
}

const encodeIds = (ids: readonly NodeId[], path: string): U64[] => ids.map((id, i) => encodeNodeId(id, `${path}[${i}]`));
const decodeIds = (ids: readonly U64[] | undefined, path: string): NodeId[] =>
  (ids ?? []).map((s, i) => decodeNodeId(s, `${path}[${i}]`));
const list = <T, U>(xs: readonly T[] | undefined, path: string, f: (x: T, path: string) => U): U[] =>
  (xs ?? []).map((x, i) => f(x, `${path}[${i}]`));

// ---- values --------------------------------------------------------------------------------

export function encodeEntry(e: Entry, path: string): WireEntry {
  return { term: encodeU64(e.term, `${path}.term`), index: encodeU64(e.index, `${path}.index`), type: e.type, data: encodeBytes(e.data) };
}

export function decodeEntry(w: WireEntry, path: string): Entry {
  return {
    term: decodeU64(w.term, `${path}.term`),
    index: decodeU64(w.index, `${path}.index`),
    type: w.type ?? "EntryNormal",
    data: decodeBytes(w.data),
  };
}

export function encodeConfState(c: ConfState, path: string): WireConfState {
  return {
    voters: encodeIds(c.voters, `${path}.voters`),
    learners: encodeIds(c.learners, `${path}.learners`),
    voters_outgoing: encodeIds(c.votersOutgoing, `${path}.voters_outgoing`),
    learners_next: encodeIds(c.learnersNext, `${path}.learners_next`),
    auto_leave: c.autoLeave,
  };
}

export function decodeConfState(w: WireConfState, path: string): ConfState {
  return {
    voters: decodeIds(w.voters, `${path}.voters`),
    learners: decodeIds(w.learners, `${path}.learners`),
    votersOutgoing: decodeIds(w.voters_outgoing, `${path}.voters_outgoing`),
    learnersNext: decodeIds(w.learners_next, `${path}.learners_next`),
    autoLeave: w.auto_leave ?? false,
  };
}

export function encodeSnapshot(s: Snapshot, path: string): WireSnapshot {
  const m = s.metadata;
  return {
    data: encodeBytes(s.data),
    metadata: {
      conf_state: encodeConfState(m.confState, `${path}.metadata.conf_state`),
      index: encodeU64(m.index, `${path}.metadata.index`),
      term: encodeU64(m.term, `${path}.metadata.term`),
    },
  };
}

export function decodeSnapshot(w: WireSnapshot, path: string): Snapshot {
  const m = w.metadata;
  return {
    data: decodeBytes(w.data),
    metadata: {
      confState: decodeConfState(m.conf_state, `${path}.metadata.conf_state`),
      index: decodeU64(m.index, `${path}.metadata.index`),
      term: decodeU64(m.term, `${path}.metadata.term`),
    },
  };
}

export function encodeHardState(h: HardState, path: string): WireHardState {
  return { term: encodeU64(h.term, `${path}.term`), vote: encodeNodeId(h.vote, `${path}.vote`), commit: encodeU64(h.commit, `${path}.commit`) };
}

export function decodeHardState(w: WireHardState, path: string): HardState {
  return { term: decodeU64(w.term, `${path}.term`), vote: decodeNodeId(w.vote, `${path}.vote`), commit: decodeU64(w.commit, `${path}.commit`) };
}

export function encodeSoftState(s: SoftState, path: string): WireSoftState {
  return { lead: encodeNodeId(s.lead, `${path}.lead`), raft_state: s.raftState };
}

export function decodeSoftState(w: WireSoftState, path: string): SoftState {
  return { lead: decodeNodeId(w.lead, `${path}.lead`), raftState: w.raft_state };
}

function encodeReadState(r: ReadState, path: string): WireReadState {
  return { index: encodeU64(r.index, `${path}.index`), request_ctx: encodeBytes(r.requestCtx) };
}

function decodeReadState(w: WireReadState, path: string): ReadState {
  return { index: decodeU64(w.index, `${path}.index`), requestCtx: decodeBytes(w.request_ctx) };
}

/** Every field is written, zero values included, so a line reads the same as etcd's message. */
export function encodeMessage(m: Message, path: string): WireMessage {
  const w: WireMessage = {
    type: m.type,
    to: encodeNodeId(m.to, `${path}.to`),
    from: encodeNodeId(m.from, `${path}.from`),
    term: encodeU64(m.term, `${path}.term`),
    log_term: encodeU64(m.logTerm, `${path}.log_term`),
    index: encodeU64(m.index, `${path}.index`),
    entries: list(m.entries, `${path}.entries`, encodeEntry),
    commit: encodeU64(m.commit, `${path}.commit`),
    vote: encodeNodeId(m.vote, `${path}.vote`),
    reject: m.reject,
    reject_hint: encodeU64(m.rejectHint, `${path}.reject_hint`),
    context: encodeBytes(m.context),
    responses: list(m.responses, `${path}.responses`, encodeMessage),
  };
  if (m.snapshot !== undefined) w.snapshot = encodeSnapshot(m.snapshot, `${path}.snapshot`);
  return w;
}

export function decodeMessage(w: WireMessage, path: string): Message {
  const m: Message = {
    type: w.type,
    to: decodeNodeId(w.to, `${path}.to`),
    from: decodeNodeId(w.from, `${path}.from`),
    term: decodeU64(w.term ?? "0", `${path}.term`),
    logTerm: decodeU64(w.log_term ?? "0", `${path}.log_term`),
    index: decodeU64(w.index ?? "0", `${path}.index`),
    entries: list(w.entries, `${path}.entries`, decodeEntry),
    commit: decodeU64(w.commit ?? "0", `${path}.commit`),
    vote: decodeNodeId(w.vote ?? "0", `${path}.vote`),
    reject: w.reject ?? false,
    rejectHint: decodeU64(w.reject_hint ?? "0", `${path}.reject_hint`),
    context: decodeBytes(w.context),
    responses: list(w.responses, `${path}.responses`, decodeMessage),
  };
  return w.snapshot === undefined ? m : { ...m, snapshot: decodeSnapshot(w.snapshot, `${path}.snapshot`) };
}

export function encodeReady(r: Ready, path: string): WireReady {
  const w: WireReady = {};
  if (r.softState !== undefined) w.soft_state = encodeSoftState(r.softState, `${path}.soft_state`);
  if (r.hardState !== undefined) w.hard_state = encodeHardState(r.hardState, `${path}.hard_state`);
  w.read_states = list(r.readStates, `${path}.read_states`, encodeReadState);
  w.entries = list(r.entries, `${path}.entries`, encodeEntry);
  if (r.snapshot !== undefined) w.snapshot = encodeSnapshot(r.snapshot, `${path}.snapshot`);
  w.committed_entries = list(r.committedEntries, `${path}.committed_entries`, encodeEntry);
  w.messages = list(r.messages, `${path}.messages`, encodeMessage);
  w.must_sync = r.mustSync;
  return w;
}

export function decodeReady(w: WireReady, path: string): Ready {
  return {
    softState: w.soft_state === undefined ? undefined : decodeSoftState(w.soft_state, `${path}.soft_state`),
    hardState: w.hard_state === undefined ? undefined : decodeHardState(w.hard_state, `${path}.hard_state`),
    readStates: list(w.read_states, `${path}.read_states`, decodeReadState),
    entries: list(w.entries, `${path}.entries`, decodeEntry),
    snapshot: w.snapshot === undefined ? undefined : decodeSnapshot(w.snapshot, `${path}.snapshot`),
    committedEntries: list(w.committed_entries, `${path}.committed_entries`, decodeEntry),
    messages: list(w.messages, `${path}.messages`, decodeMessage),
    mustSync: w.must_sync ?? false,
  };
}

export function encodeNodeConfig(c: NodeConfig, path: string): WireNodeConfig {
  return {
    election_tick: c.electionTick,
    heartbeat_tick: c.heartbeatTick,
    applied: encodeU64(c.applied, `${path}.applied`),
    max_size_per_msg: encodeSize(c.maxSizePerMsg, `${path}.max_size_per_msg`),
    max_committed_size_per_ready: encodeSize(c.maxCommittedSizePerReady, `${path}.max_committed_size_per_ready`),
    max_uncommitted_entries_size: encodeSize(c.maxUncommittedEntriesSize, `${path}.max_uncommitted_entries_size`),
    max_inflight_msgs: c.maxInflightMsgs,
    max_inflight_bytes: encodeSize(c.maxInflightBytes, `${path}.max_inflight_bytes`),
    check_quorum: c.checkQuorum,
    pre_vote: c.preVote,
    read_only_option: c.readOnlyOption === "leaseBased" ? "lease_based" : "safe",
    disable_proposal_forwarding: c.disableProposalForwarding,
    disable_conf_change_validation: c.disableConfChangeValidation,
    step_down_on_removal: c.stepDownOnRemoval,
    async_storage_writes: c.asyncStorageWrites,
    seed: c.seed,
  };
}

export function decodeNodeConfig(w: WireNodeConfig, path: string): NodeConfig {
  return {
    electionTick: w.election_tick,
    heartbeatTick: w.heartbeat_tick,
    applied: decodeU64(w.applied, `${path}.applied`),
    maxSizePerMsg: decodeSize(w.max_size_per_msg, `${path}.max_size_per_msg`),
    maxCommittedSizePerReady: decodeSize(w.max_committed_size_per_ready, `${path}.max_committed_size_per_ready`),
    maxUncommittedEntriesSize: decodeSize(w.max_uncommitted_entries_size, `${path}.max_uncommitted_entries_size`),
    maxInflightMsgs: w.max_inflight_msgs,
    maxInflightBytes: decodeSize(w.max_inflight_bytes, `${path}.max_inflight_bytes`),
    checkQuorum: w.check_quorum,
    preVote: w.pre_vote,
    readOnlyOption: w.read_only_option === "lease_based" ? "leaseBased" : "safe",
    disableProposalForwarding: w.disable_proposal_forwarding,
    disableConfChangeValidation: w.disable_conf_change_validation,
    stepDownOnRemoval: w.step_down_on_removal,
    asyncStorageWrites: w.async_storage_writes,
    seed: w.seed,
  };
}

export function encodeDurableState(d: DurableState, path: string): WireDurableState {
  const w: WireDurableState = {
    hard_state: encodeHardState(d.hardState, `${path}.hard_state`),
    entries: list(d.entries, `${path}.entries`, encodeEntry),
  };
  if (d.snapshot !== undefined) w.snapshot = encodeSnapshot(d.snapshot, `${path}.snapshot`);
  return w;
}

export function decodeDurableState(w: WireDurableState, path: string): DurableState {
  return {
    hardState: decodeHardState(w.hard_state, `${path}.hard_state`),
    snapshot: w.snapshot === undefined ? undefined : decodeSnapshot(w.snapshot, `${path}.snapshot`),
    entries: list(w.entries, `${path}.entries`, decodeEntry),
  };
}

export function encodeConfChange(cc: ConfChange, path: string): WireConfChange {
  if (cc.version === 1) {
    return { version: 1, id: encodeU64(cc.id, `${path}.id`), type: cc.type, node_id: encodeNodeId(cc.nodeId, `${path}.node_id`), context: encodeBytes(cc.context) };
  }
  return {
    version: 2,
    transition: cc.transition,
    changes: cc.changes.map((c, i) => ({ type: c.type, node_id: encodeNodeId(c.nodeId, `${path}.changes[${i}].node_id`) })),
    context: encodeBytes(cc.context),
  };
}

export function decodeConfChange(w: WireConfChange, path: string): ConfChange {
  if (w.version === 1) {
    return { version: 1, id: decodeU64(w.id ?? "0", `${path}.id`), type: w.type, nodeId: decodeNodeId(w.node_id, `${path}.node_id`), context: decodeBytes(w.context) };
  }
  return {
    version: 2,
    transition: w.transition ?? "auto",
    changes: list(w.changes, `${path}.changes`, (c, p) => ({ type: c.type, nodeId: decodeNodeId(c.node_id, `${p}.node_id`) })),
    context: decodeBytes(w.context),
  };
}

function encodeProgress(p: ProgressStatus, path: string): WireProgress {
  return {
    match: encodeU64(p.match, `${path}.match`),
    next: encodeU64(p.next, `${path}.next`),
    state: p.state,
    pending_snapshot: encodeU64(p.pendingSnapshot, `${path}.pending_snapshot`),
    recent_active: p.recentActive,
    msg_app_flow_paused: p.msgAppFlowPaused,
    inflight_count: p.inflightCount,
    inflight_full: p.inflightFull,
    is_learner: p.isLearner,
  };
}

function decodeProgress(w: WireProgress, path: string): ProgressStatus {
  return {
    match: decodeU64(w.match, `${path}.match`),
    next: decodeU64(w.next, `${path}.next`),
    state: w.state,
    pendingSnapshot: decodeU64(w.pending_snapshot, `${path}.pending_snapshot`),
    recentActive: w.recent_active,
    msgAppFlowPaused: w.msg_app_flow_paused,
    inflightCount: w.inflight_count,
    inflightFull: w.inflight_full,
    isLearner: w.is_learner,
  };
}

/** Progress is keyed by node id, written in ascending id order so equal statuses give equal lines. */
export function encodeStatus(s: Status, path: string): WireStatus {
  const progress: Record<string, WireProgress> = {};
  for (const id of [...s.progress.keys()].sort((a, b) => a - b)) {
    const key = encodeNodeId(id, `${path}.progress`);
    progress[key] = encodeProgress(s.progress.get(id) as ProgressStatus, `${path}.progress.${key}`);
  }
  return {
    id: encodeNodeId(s.id, `${path}.id`),
    hard_state: encodeHardState(s.hardState, `${path}.hard_state`),
    soft_state: encodeSoftState(s.softState, `${path}.soft_state`),
    applied: encodeU64(s.applied, `${path}.applied`),
    lead_transferee: encodeNodeId(s.leadTransferee, `${path}.lead_transferee`),
    config: encodeConfState(s.config, `${path}.config`),
    progress,
  };
}

export function decodeStatus(w: WireStatus, path: string): Status {
  const progress = new Map<NodeId, ProgressStatus>();
  for (const [key, p] of Object.entries(w.progress ?? {})) {
    progress.set(decodeNodeId(key, `${path}.progress`), decodeProgress(p, `${path}.progress.${key}`));
  }
  return {
    id: decodeNodeId(w.id, `${path}.id`),
    hardState: decodeHardState(w.hard_state, `${path}.hard_state`),
    softState: decodeSoftState(w.soft_state, `${path}.soft_state`),
    applied: decodeU64(w.applied, `${path}.applied`),
    leadTransferee: decodeNodeId(w.lead_transferee, `${path}.lead_transferee`),
    config: decodeConfState(w.config, `${path}.config`),
    progress,
  };
}

export function encodeApplied(a: Applied, path: string): WireApplied {
  return {
    conf_states: a.confStates.map((c, i) => ({
      index: encodeU64(c.index, `${path}.conf_states[${i}].index`),
      conf_state: encodeConfState(c.confState, `${path}.conf_states[${i}].conf_state`),
    })),
  };
}

export function decodeApplied(w: WireApplied, path: string): Applied {
  return {
    confStates: list(w.conf_states, `${path}.conf_states`, (c, p) => ({
      index: decodeU64(c.index, `${p}.index`),
      confState: decodeConfState(c.conf_state, `${p}.conf_state`),
    })),
  };
}

export function encodeDriverInfo(info: DriverInfo): WireHelloResult {
  const implementation: WireHelloResult["implementation"] = {
    name: info.implementation.name,
    version: info.implementation.version,
    language: info.implementation.language,
  };
  if (info.implementation.url !== undefined) implementation.url = info.implementation.url;
  return {
    protocol_version: info.protocolVersion,
    implementation,
    message_model: info.messageModel,
    capabilities: [...info.capabilities],
  };
}

/** Capability names this protocol version does not define are dropped (forward compatibility). */
export function decodeDriverInfo(w: WireHelloResult): DriverInfo {
  const known = new Set<string>(FEATURES);
  const impl = w.implementation;
  return {
    protocolVersion: w.protocol_version,
    implementation: impl.url === undefined
      ? { name: impl.name, version: impl.version, language: impl.language }
      : { name: impl.name, version: impl.version, language: impl.language, url: impl.url },
    messageModel: w.message_model,
    capabilities: w.capabilities.filter((c): c is Feature => known.has(c)),
  };
}

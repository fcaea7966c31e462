// Entry size accounting and message-type predicates (etcd's util.go).
//
// etcd counts sizes in two currencies, and so do we:
// - encoding size (etcd's entryEncodingSize): the protobuf wire size of an Entry. Limits
//   MaxSizePerMsg and MaxCommittedSizePerReady.
// - payload size (etcd's entryPayloadSize): the length of Entry.Data only. Limits
//   MaxUncommittedEntriesSize and MaxInflightBytes; an empty entry costs nothing.

import type { Entry, HardState, MessageType, NodeId, RaftError, Snapshot } from "./types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, RaftException } from "./types.js";

/** etcd's noLimit (MaxUint64): a size limit that never cuts. Arithmetic on it stays Infinity. */
export const NO_LIMIT = Number.POSITIVE_INFINITY;

/** Bytes a protobuf varint needs for a non-negative integer (exact for values up to 2^53). */
export function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

/**
 * Protobuf wire size of an entry, as etcd's proto.Size(raftpb.Entry) reports it.
 *
 * At this etcd commit Entry is proto2 with explicit presence: Term, Index and Type are pointers and
 * Data is a []byte whose nil-ness is its presence, and a field is emitted iff it is present — even
 * when its value is zero. How etcd builds log entries decides which fields are present:
 * - Term and Index: always (appendEntry stamps both on every entry it appends; the leader's copies
 *   travel in MsgApp and keep their presence). One tag byte plus the varint each.
 * - Type: only when the proposal set it — conf-change proposals (EntryConfChange = 1,
 *   EntryConfChangeV2 = 2) do; plain proposals and the leader's empty entry do not. Two bytes.
 * - Data: only when non-nil — any proposal with bytes; not the leader's empty entry nor the
 *   auto-leave conf change (which uses nil data). Tag, length varint, then the bytes.
 *
 * Our Entry has no presence bits, so we count Type iff type is not EntryNormal and Data iff it is
 * non-empty. This differs from etcd by 2 bytes in three corner cases: a normal entry that replaced a
 * refused conf change (etcd sets Type=EntryNormal explicitly), a proposal whose data is a non-nil
 * empty slice, and a user-proposed conf change that marshals to zero bytes (proto.Marshal returns a
 * non-nil empty slice). They only matter when a size limit falls exactly on such an entry.
 */
export function entrySize(e: Entry): number {
  let size = 1 + varintSize(e.term) + 1 + varintSize(e.index);
  if (e.type !== "EntryNormal") size += 2;
  const n = e.data.length;
  if (n > 0) size += 1 + varintSize(n) + n;
  return size;
}

/** Total encoding size of the entries (etcd's entsSize). */
export function entsSize(ents: readonly Entry[]): number {
  let size = 0;
  for (const e of ents) size += entrySize(e);
  return size;
}

/**
 * The longest prefix of ents whose total encoding size is at most maxSize — but never empty when
 * ents is not: a first entry larger than maxSize is returned alone, so callers always make progress.
 */
export function limitSize(ents: readonly Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return [];
  let size = entrySize(ents[0] as Entry);
  for (let limit = 1; limit < ents.length; limit++) {
    size += entrySize(ents[limit] as Entry);
    if (size > maxSize) return ents.slice(0, limit);
  }
  return ents.slice();
}

/** Payload size of one entry: the length of its data, independent of term and index. */
export function payloadSize(e: Entry): number {
  return e.data.length;
}

/** Total payload size of the entries. */
export function payloadsSize(ents: readonly Entry[]): number {
  let size = 0;
  for (const e of ents) size += payloadSize(e);
  return size;
}

/** dst followed by vals, as a new array (etcd's extend, which exists to allocate exactly once). */
export function extend(dst: readonly Entry[], vals: readonly Entry[]): Entry[] {
  return dst.concat(vals);
}

const LOCAL_MSGS: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgHup",
  "MsgBeat",
  "MsgUnreachable",
  "MsgSnapStatus",
  "MsgCheckQuorum",
  "MsgStorageAppend",
  "MsgStorageAppendResp",
  "MsgStorageApply",
  "MsgStorageApplyResp",
]);

const RESPONSE_MSGS: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgAppResp",
  "MsgVoteResp",
  "MsgHeartbeatResp",
  "MsgUnreachable",
  "MsgReadIndexResp",
  "MsgPreVoteResp",
  "MsgStorageAppendResp",
  "MsgStorageApplyResp",
]);

/** Messages a node generates for itself or its host; they never arrive from a peer. */
export function isLocalMsg(t: MessageType): boolean {
  return LOCAL_MSGS.has(t);
}

/** Messages that answer an earlier message. */
export function isResponseMsg(t: MessageType): boolean {
  return RESPONSE_MSGS.has(t);
}

/** Whether id names one of the local storage threads of async-storage-writes mode. */
export function isLocalMsgTarget(id: NodeId): boolean {
  return id === LOCAL_APPEND_THREAD || id === LOCAL_APPLY_THREAD;
}

/** The response type of a vote or pre-vote request. */
export function voteRespMsgType(t: MessageType): MessageType {
  switch (t) {
    case "MsgVote":
      return "MsgVoteResp";
    case "MsgPreVote":
      return "MsgPreVoteResp";
    default:
      throw new Error(`not a vote message: ${t}`);
  }
}

/** etcd's IsEmptySnap: a snapshot at index 0 carries no state. */
export function isEmptySnap(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export function isHardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** etcd's IsEmptyHardState: all of term, vote and commit are zero (or there is none). */
export function isEmptyHardState(hs: HardState | undefined): boolean {
  return hs === undefined || (hs.term === 0 && hs.vote === 0 && hs.commit === 0);
}

/** The RaftError code of a thrown value, or undefined when it is not a RaftException. */
export function raftErrorOf(e: unknown): RaftError | undefined {
  return e instanceof RaftException ? e.code : undefined;
}

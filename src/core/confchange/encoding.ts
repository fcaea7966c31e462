// Protobuf wire format of etcd's ConfChange and ConfChangeV2, so conf-change entries carry the
// same bytes (and so the same sizes, which count against message and uncommitted-size limits) as
// etcd's.
//
// Schema (raftpb/raft.proto, proto2):
//   ConfChange       { optional uint64 id = 1; optional ConfChangeType type = 2;
//                      optional uint64 node_id = 3; optional bytes context = 4; }
//   ConfChangeSingle { optional ConfChangeType type = 1; optional uint64 node_id = 2; }
//   ConfChangeV2     { optional ConfChangeTransition transition = 1;
//                      repeated ConfChangeSingle changes = 2; optional bytes context = 3; }
//   ConfChangeType: AddNode 0, RemoveNode 1, UpdateNode 2, AddLearnerNode 3.
//   ConfChangeTransition: Auto 0, JointImplicit 1, JointExplicit 2.
//
// Which fields appear. etcd main (google.golang.org/protobuf, proto2 with explicit presence) writes
// every field that is *set*, zero or not, in field-number order; so the bytes depend on how the Go
// value was built. Our ConfChange has no notion of "set", so we follow the way etcd's own drivers
// build them:
//   - V1: rafttest's propose-conf-change (v1=true) and bootstrap.go set Type and NodeId only, so
//     type and node_id are always written, even when 0 (AddNode, node 0); id is written only when
//     non-zero (only etcd's server sets it); context only when non-empty.
//   - V2: rafttest's propose-conf-change sets Transition (even "auto") and Changes, whose elements
//     (from ConfChangesFromString) set both Type and NodeId; so transition, and each change's type
//     and node_id, are always written; context only when non-empty. An explicit leave-joint
//     proposal (V2, no changes) is therefore the two bytes 08 00.
//   - The empty ConfChangeV2 the leader proposes to leave a joint config automatically is built
//     from MarshalConfChange(nil): zero bytes. Use marshalConfChange(null) for it.
// Known divergence: etcd's rawnode_test.go builds ConfChangeV2 literals without Transition, which
// encode two bytes shorter than ours.
//
// Decoding accepts any valid encoding (fields in any order, absent fields = zero values, last
// occurrence of a scalar wins, unknown fields and fields with an unexpected wire type skipped, as
// protobuf does). Unlike Go, unknown enum values and integers above MAX_U53 are rejected with an
// Error instead of decoding to a default.

import { MAX_U53 } from "../types.js";
import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfChangeV1,
  ConfChangeV2,
  EntryType,
} from "../types.js";

const CHANGE_TYPES: readonly ConfChangeType[] = [
  "ConfChangeAddNode",
  "ConfChangeRemoveNode",
  "ConfChangeUpdateNode",
  "ConfChangeAddLearnerNode",
];

const TRANSITIONS: readonly ConfChangeTransition[] = ["auto", "implicit", "explicit"];

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** V1 → ConfChange bytes, V2 → ConfChangeV2 bytes (see the header for which fields appear). */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const w = new Writer();
  if (cc.version === 1) {
    if (cc.id !== 0) w.uint(1, cc.id);
    w.uint(2, CHANGE_TYPES.indexOf(cc.type));
    w.uint(3, cc.nodeId);
    if (cc.context.length > 0) w.bytes(4, cc.context);
  } else {
    w.uint(1, TRANSITIONS.indexOf(cc.transition));
    for (const change of cc.changes) {
      const inner = new Writer();
      inner.uint(1, CHANGE_TYPES.indexOf(change.type));
      inner.uint(2, change.nodeId);
      w.bytes(2, inner.finish());
    }
    if (cc.context.length > 0) w.bytes(3, cc.context);
  }
  return w.finish();
}

/**
 * etcd's MarshalConfChange: the entry type and data of a conf-change proposal. null stands for
 * the leader's automatic leave-joint proposal: an EntryConfChangeV2 with empty data.
 */
export function marshalConfChange(cc: ConfChange | null): { type: EntryType; data: Uint8Array } {
  if (cc === null) return { type: "EntryConfChangeV2", data: new Uint8Array(0) };
  return {
    type: cc.version === 1 ? "EntryConfChange" : "EntryConfChangeV2",
    data: encodeConfChange(cc),
  };
}

/** Decodes the data of an EntryConfChange (→ V1) or EntryConfChangeV2 (→ V2) entry. */
export function decodeConfChange(type: EntryType, data: Uint8Array): ConfChange {
  switch (type) {
    case "EntryConfChange":
      return decodeV1(data);
    case "EntryConfChangeV2":
      return decodeV2(data);
    case "EntryNormal":
      throw new Error("decodeConfChange: an EntryNormal entry holds no conf change");
  }
}

function decodeV1(data: Uint8Array): ConfChangeV1 {
  let id = 0;
  let type: ConfChangeType = "ConfChangeAddNode";
  let nodeId = 0;
  let context: Uint8Array = new Uint8Array(0);
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === VARINT) id = r.uint();
    else if (field === 2 && wireType === VARINT) type = changeType(r.uint());
    else if (field === 3 && wireType === VARINT) nodeId = r.uint();
    else if (field === 4 && wireType === LENGTH_DELIMITED) context = r.bytes();
    else r.skip(wireType);
  }
  return { version: 1, id, type, nodeId, context };
}

function decodeV2(data: Uint8Array): ConfChangeV2 {
  let transition: ConfChangeTransition = "auto";
  const changes: ConfChangeSingle[] = [];
  let context: Uint8Array = new Uint8Array(0);
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === VARINT) transition = transitionOf(r.uint());
    else if (field === 2 && wireType === LENGTH_DELIMITED) changes.push(decodeSingle(r.bytes()));
    else if (field === 3 && wireType === LENGTH_DELIMITED) context = r.bytes();
    else r.skip(wireType);
  }
  return { version: 2, transition, changes, context };
}

function decodeSingle(data: Uint8Array): ConfChangeSingle {
  let type: ConfChangeType = "ConfChangeAddNode";
  let nodeId = 0;
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === VARINT) type = changeType(r.uint());
    else if (field === 2 && wireType === VARINT) nodeId = r.uint();
    else r.skip(wireType);
  }
  return { type, nodeId };
}

function changeType(value: number): ConfChangeType {
  const type = CHANGE_TYPES[value];
  if (type === undefined) throw new Error(`decodeConfChange: unknown ConfChangeType ${value}`);
  return type;
}

function transitionOf(value: number): ConfChangeTransition {
  const transition = TRANSITIONS[value];
  if (transition === undefined) {
    throw new Error(`decodeConfChange: unknown ConfChangeTransition ${value}`);
  }
  return transition;
}

/** Appends protobuf fields to a growing byte list. */
class Writer {
  readonly #out: number[] = [];

  uint(field: number, value: number): void {
    this.#varint(field * 8 + VARINT);
    this.#varint(value);
  }

  bytes(field: number, value: Uint8Array): void {
    this.#varint(field * 8 + LENGTH_DELIMITED);
    this.#varint(value.length);
    for (const b of value) this.#out.push(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#out);
  }

  /** Base-128, least significant group first; arithmetic (not bitwise) to stay exact above 2^32. */
  #varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`encodeConfChange: ${value} is not an integer in [0, ${MAX_U53}]`);
    }
    let v = value;
    while (v >= 0x80) {
      this.#out.push((v % 0x80) + 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#out.push(v);
  }
}

/** Reads protobuf fields; throws on truncated or oversized input. */
class Reader {
  #pos = 0;

  constructor(readonly data: Uint8Array) {}

  done(): boolean {
    return this.#pos >= this.data.length;
  }

  tag(): { field: number; wireType: number } {
    const key = this.uint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new Error("decodeConfChange: field number 0");
    return { field, wireType: key % 8 };
  }

  /** A varint of at most 10 bytes whose value must not exceed MAX_U53. */
  uint(): number {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.#byte();
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        if (value > BigInt(MAX_U53)) {
          throw new Error(`decodeConfChange: ${value} exceeds ${MAX_U53}`);
        }
        return Number(value);
      }
    }
    throw new Error("decodeConfChange: varint longer than 10 bytes");
  }

  bytes(): Uint8Array {
    const length = this.uint();
    if (this.#pos + length > this.data.length) throw truncated();
    const out = this.data.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        for (let i = 0; this.#byte() >= 0x80; i++) {
          if (i === 9) throw new Error("decodeConfChange: varint longer than 10 bytes");
        }
        return;
      case FIXED64:
        this.#advance(8);
        return;
      case LENGTH_DELIMITED:
        this.bytes();
        return;
      case FIXED32:
        this.#advance(4);
        return;
      default:
        throw new Error(`decodeConfChange: unsupported wire type ${wireType}`);
    }
  }

  #advance(n: number): void {
    if (this.#pos + n > this.data.length) throw truncated();
    this.#pos += n;
  }

  #byte(): number {
    const b = this.data[this.#pos];
    if (b === undefined) throw truncated();
    this.#pos++;
    return b;
  }
}

function truncated(): Error {
  return new Error("decodeConfChange: truncated input");
}

// Conf changes as text ("v2 l3 r1 u4", etcd's ConfChangesFromString / ToString) and a read-only
// decoder of their protobuf encoding, so the harness can show and classify conf-change entries
// without importing the core.
import type { ConfChangeSingle, ConfChangeTransition, ConfChangeType, EntryType } from "../driver/types.js";

const LETTER: Record<string, ConfChangeType> = {
  v: "ConfChangeAddNode",
  l: "ConfChangeAddLearnerNode",
  r: "ConfChangeRemoveNode",
  u: "ConfChangeUpdateNode",
};
const TYPE_BY_NUMBER: readonly ConfChangeType[] = ["ConfChangeAddNode", "ConfChangeRemoveNode", "ConfChangeUpdateNode", "ConfChangeAddLearnerNode"];
const TRANSITION_BY_NUMBER: readonly ConfChangeTransition[] = ["auto", "implicit", "explicit"];

export function parseConfChanges(s: string): ConfChangeSingle[] {
  return s.trim().split(/\s+/).filter((t) => t !== "").map((tok) => {
    const type = LETTER[tok[0] ?? ""];
    const id = Number(tok.slice(1));
    if (type === undefined || !Number.isSafeInteger(id)) throw new Error(`unknown conf change token '${tok}'`);
    return { type, nodeId: id };
  });
}

export function confChangesToString(ccs: readonly ConfChangeSingle[]): string {
  const letter = (t: ConfChangeType): string => Object.entries(LETTER).find(([, v]) => v === t)?.[0] ?? "unknown";
  return ccs.map((c) => `${letter(c.type)}${c.nodeId}`).join(" ");
}

export interface DecodedConfChange {
  readonly v1: boolean;
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
  readonly context: Uint8Array;
}

/** Decodes etcd's ConfChange (V1) / ConfChangeV2 protobuf; undefined if the bytes are not one. */
export function decodeConfChangeEntry(type: EntryType, data: Uint8Array): DecodedConfChange | undefined {
  try {
    if (type === "EntryConfChange") {
      let ccType = 0;
      let nodeId = 0;
      let context: Uint8Array = new Uint8Array();
      for (const f of fields(data)) {
        if (f.no === 2 && typeof f.v === "number") ccType = f.v;
        else if (f.no === 3 && typeof f.v === "number") nodeId = f.v;
        else if (f.no === 4 && f.v instanceof Uint8Array) context = f.v;
      }
      return { v1: true, transition: "auto", changes: [{ type: TYPE_BY_NUMBER[ccType] ?? "ConfChangeAddNode", nodeId }], context };
    }
    if (type === "EntryConfChangeV2") {
      let transition = 0;
      const changes: ConfChangeSingle[] = [];
      let context: Uint8Array = new Uint8Array();
      for (const f of fields(data)) {
        if (f.no === 1 && typeof f.v === "number") transition = f.v;
        else if (f.no === 3 && f.v instanceof Uint8Array) context = f.v;
        else if (f.no === 2 && f.v instanceof Uint8Array) {
          let t = 0;
          let id = 0;
          for (const g of fields(f.v)) {
            if (g.no === 1 && typeof g.v === "number") t = g.v;
            else if (g.no === 2 && typeof g.v === "number") id = g.v;
          }
          changes.push({ type: TYPE_BY_NUMBER[t] ?? "ConfChangeAddNode", nodeId: id });
        }
      }
      return { v1: false, transition: TRANSITION_BY_NUMBER[transition] ?? "auto", changes, context };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** How a conf change moves the configuration (etcd's EnterJoint / LeaveJoint). */
export function confChangeKind(cc: DecodedConfChange): "enter_joint" | "leave_joint" | "simple" {
  if (cc.v1) return "simple";
  if (cc.transition === "auto" && cc.changes.length === 0) return "leave_joint";
  if (cc.transition !== "auto" || cc.changes.length > 1) return "enter_joint";
  return "simple";
}

function* fields(buf: Uint8Array): Generator<{ no: number; v: number | Uint8Array }> {
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error("truncated varint");
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield { no, v: varint() };
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Error("truncated bytes");
      yield { no, v: buf.subarray(i, i + len) };
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** etcd's protobuf encoding of a ConfChange (V1) or ConfChangeV2, for hand-built messages. */
export function encodeConfChangeEntry(cc: DecodedConfChange): Uint8Array {
  const out: number[] = [];
  const varint = (n: number): void => {
    let v = n;
    while (v >= 128) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  const bytes = (no: number, b: Uint8Array | number[]): void => {
    varint(no * 8 + 2);
    varint(b.length);
    out.push(...b);
  };
  const typeNo = (t: ConfChangeType): number => TYPE_BY_NUMBER.indexOf(t);
  if (cc.v1) {
    const c = cc.changes[0];
    varint(2 * 8);
    varint(c === undefined ? 0 : typeNo(c.type));
    varint(3 * 8);
    varint(c?.nodeId ?? 0);
    if (cc.context.length > 0) bytes(4, cc.context);
    varint(1 * 8);
    varint(0);
    return new Uint8Array(out);
  }
  if (cc.transition !== "auto") {
    varint(1 * 8);
    varint(TRANSITION_BY_NUMBER.indexOf(cc.transition));
  }
  for (const c of cc.changes) {
    const inner: number[] = [];
    const save = out.splice(0, out.length);
    if (c.type !== "ConfChangeAddNode") {
      varint(1 * 8);
      varint(typeNo(c.type));
    }
    varint(2 * 8);
    varint(c.nodeId);
    inner.push(...out.splice(0, out.length));
    out.push(...save);
    bytes(2, inner);
  }
  if (cc.context.length > 0) bytes(3, cc.context);
  return new Uint8Array(out);
}

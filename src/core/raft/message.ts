// Building messages: every field the sender leaves out takes its zero value, as in etcd's protobuf
// messages, so two messages compare field by field.

import type { Message, MessageType, NodeId } from "../types.js";
import { NONE } from "../types.js";

/** A message under construction: type and target are required, everything else defaults to zero. */
export type MessageInit = { readonly type: MessageType; readonly to: NodeId } & Partial<
  Omit<Message, "type" | "to">
>;

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export function makeMessage(init: MessageInit): Message {
  return {
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    vote: NONE,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
    responses: [],
    ...init,
  };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
